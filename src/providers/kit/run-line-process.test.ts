import { randomUUID } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findProcessesWithMarker } from '../../../test/support/process-probe.js';
import type { AgentEvent } from '../../events/index.js';
import { AgentError } from '../../errors/index.js';
import type { AgentDecoder, ProcessOutcome } from './agent-decoder.js';
import { createRunMarker, startChildProcess } from './child-process.js';
import { runLineProcess } from './run-line-process.js';

const folder = mkdtempSync(join(tmpdir(), 'kit-line-process-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

function writeScript(body: string): string {
  const path = join(folder, `${randomUUID()}.sh`);
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

/** Every line as a warning; the outcome kept for the test. */
function createEchoDecoder(): AgentDecoder<string> & { outcome?: ProcessOutcome } {
  const decoder: AgentDecoder<string> & { outcome?: ProcessOutcome } = {
    push: (line) => [{ type: 'warning', message: line }],
    flush(outcome) {
      decoder.outcome = outcome;
      return [];
    },
  };
  return decoder;
}

const marker = () => {
  const value = randomUUID();
  return { variable: { KIT_MARKER: value }, marker: `KIT_MARKER=${value}` };
};

async function collect(events: AsyncIterable<AgentEvent>, onEvent?: () => void) {
  const collected: AgentEvent[] = [];
  for await (const event of events) {
    collected.push(event);
    onEvent?.();
  }
  return collected;
}

describe('runLineProcess', () => {
  it('decodes each stdout line, then flushes with the exit and the end of stderr', async () => {
    const decoder = createEchoDecoder();
    const events = await collect(
      runLineProcess({
        spawn: {
          binary: writeScript('echo one; echo two; echo oops >&2; exit 3'),
          args: [],
          cwd: folder,
          env: {},
        },
        stop: { graceMs: 1000 },
        signal: new AbortController().signal,
        decoder,
      }),
    );
    expect(events.map((event) => (event.type === 'warning' ? event.message : ''))).toEqual([
      'one',
      'two',
    ]);
    expect(decoder.outcome).toEqual({
      exitCode: 3,
      signal: null,
      stderrTail: 'oops',
      aborted: undefined,
    });
  });

  it('interrupts the CLI with its graceful signal on abort and reports the reason', async () => {
    const decoder = createEchoDecoder();
    const controller = new AbortController();
    const reason = new AgentError('timed_out', 'too slow');
    await collect(
      runLineProcess({
        spawn: {
          binary: writeScript(
            'trap "echo interrupted; exit 0" INT; echo ready; while :; do sleep 0.05; done',
          ),
          args: [],
          cwd: folder,
          env: {},
        },
        stop: { graceMs: 5000 },
        signal: controller.signal,
        decoder,
      }),
      () => controller.abort(reason),
    );
    expect(decoder.outcome).toMatchObject({ exitCode: 0, aborted: { reason } });
  });

  it('leaves no process behind when the consumer stops early', async () => {
    const { variable, marker: found } = marker();
    const run = runLineProcess({
      spawn: {
        binary: writeScript('trap "" INT; sleep 300 & echo ready; wait'),
        args: [],
        cwd: folder,
        env: { PATH: '/usr/bin:/bin', ...variable },
      },
      stop: { graceMs: 100 },
      signal: new AbortController().signal,
      decoder: createEchoDecoder(),
    });
    for await (const event of run) if (event.type === 'warning') break;
    await expect.poll(() => findProcessesWithMarker(found)).toEqual([]);
  });

  it('ends a CLI that lingers after its turn as soon as the decoder is settled', async () => {
    const decoder: AgentDecoder<string> & { outcome?: ProcessOutcome } = {
      ...createEchoDecoder(),
      isSettled: false,
    };
    decoder.push = (line) => {
      if (line === 'done') Object.assign(decoder, { isSettled: true });
      return [{ type: 'warning', message: line }];
    };
    decoder.flush = (outcome) => {
      decoder.outcome = outcome;
      return [];
    };
    const startedAt = Date.now();
    const events = await collect(
      runLineProcess({
        spawn: {
          binary: writeScript('trap "" INT; echo done; echo late; sleep 60'),
          args: [],
          cwd: folder,
          env: { PATH: '/usr/bin:/bin' },
        },
        stop: { graceMs: 60_000 },
        stopWhenSettled: { signal: null, killAfterMs: 300 },
        signal: new AbortController().signal,
        decoder,
      }),
    );
    expect(events).toEqual([{ type: 'warning', message: 'done' }]);
    expect(decoder.outcome).toMatchObject({ exitCode: null, signal: 'SIGTERM' });
    // Neither the 60 s grace of an interrupt nor the 60 s the CLI would linger.
    expect(Date.now() - startedAt).toBeLessThan(30_000);
  });

  it('ends the processes carrying the run marker that left the tree', async () => {
    const runMarker = createRunMarker('KIT_RUN');
    await collect(
      runLineProcess({
        spawn: {
          // A tool in a session of its own, reparented to init once the CLI exits.
          binary: writeScript('setsid sleep 301 >/dev/null 2>&1 & echo started'),
          args: [],
          cwd: folder,
          env: { PATH: '/usr/bin:/bin', ...runMarker.variables },
        },
        stop: { graceMs: 1000, marker: runMarker.entry },
        signal: new AbortController().signal,
        decoder: createEchoDecoder(),
      }),
    );
    await expect.poll(() => findProcessesWithMarker(runMarker.entry)).toEqual([]);
  });
});

describe('startChildProcess', () => {
  it('writes lines to stdin, and stops a stdin protocol by closing stdin first', async () => {
    const child = await startChildProcess({
      binary: writeScript('while read line; do echo "got $line"; done; echo bye'),
      args: [],
      cwd: folder,
      env: {},
      stdin: 'pipe',
      stop: { closeStdinMs: 5000, graceMs: 1000 },
    });
    child.writeLine('hello');
    const lines: string[] = [];
    const reading = (async () => {
      for await (const line of child.lines) lines.push(line);
    })();
    await child.stop();
    await reading;
    expect(lines).toEqual(['got hello', 'bye']);
    expect(await child.process.exited).toEqual({ exitCode: 0, signal: null });
    expect(() => child.writeLine('late')).toThrow('stdin is closed');
  });
});
