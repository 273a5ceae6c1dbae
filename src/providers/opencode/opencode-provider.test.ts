/**
 * The provider wiring with the real `opencode serve` (the devDependency) against the scripted
 * model server on 127.0.0.1: the warm server, isolation of sessions sharing a directory, abort,
 * timeout, a server that dies, resume in a new server, an existing server, and the probe.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentEvent, AgentEventOf, AgentEventType } from '../../events/index.js';
import { AgentError } from '../../errors/index.js';
import { createOpencodeEnvironment } from '../../../test/support/opencode-environment.js';
import { findProcessesWithMarker } from '../../../test/support/process-probe.js';
import { collectProviderRun } from '../../../test/support/provider-contract.js';
import {
  startScriptedModelServer,
  type ScriptedModelServer,
} from '../../../test/support/scripted-model-server/index.js';
import type { ProviderRunRequest } from '../agent-provider.js';
import { buildOpencodeServeArgs } from './opencode-args.js';
import { findOpencodeBinary } from './opencode-binary.js';
import { withServerCredentials } from './opencode-environment.js';
import { createOpencodeProvider, type OpencodeProvider } from './opencode-provider.js';
import { startOpencodeServer } from './opencode-server-process.js';

let model: ScriptedModelServer;
let folder: string;
let cwd: string;
let environment: Record<string, string>;
let provider: OpencodeProvider;
const marker = `OPENCODE_PROVIDER_TEST=${randomUUID()}`;

beforeAll(async () => {
  model = await startScriptedModelServer({ port: 0 });
  folder = mkdtempSync(join(tmpdir(), 'opencode-provider-'));
  cwd = join(folder, 'work');
  for (const path of [cwd, join(folder, 'home')]) mkdirSync(path);
  const state = await createOpencodeEnvironment({
    directory: join(folder, 'state'),
    modelServerUrl: model.url,
  });
  const [markerName = '', markerValue = ''] = marker.split('=');
  environment = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: join(folder, 'home'),
    ...state.environment,
    [markerName]: markerValue,
  };
  provider = createOpencodeProvider();
});

afterAll(async () => {
  await provider?.dispose();
  await model?.close();
  if (folder) rmSync(folder, { recursive: true, force: true });
});

const request = (fields: Partial<ProviderRunRequest> & { prompt: string }): ProviderRunRequest => ({
  cwd,
  permissions: 'workspace-write',
  environment,
  signal: new AbortController().signal,
  ...fields,
});
const only = <T extends AgentEventType>(events: AgentEvent[], type: T) =>
  events.filter((event): event is AgentEventOf<T> => event.type === type);
const runEndOf = (events: AgentEvent[]) => only(events, 'run-end')[0];
const sessionOf = (events: AgentEvent[]) => only(events, 'run-start')[0]?.nativeSessionId;
const leftovers = () => findProcessesWithMarker(marker);

/** Runs a turn and aborts it (with `reason`) at the first event of type `at`. */
async function runAndAbort(
  target: OpencodeProvider,
  fields: Partial<ProviderRunRequest> & { prompt: string },
  options: { reason?: unknown; at?: AgentEventType } = {},
): Promise<AgentEvent[]> {
  const controller = new AbortController();
  const events: AgentEvent[] = [];
  for await (const event of target.run(request({ ...fields, signal: controller.signal }))) {
    events.push(event);
    const isAt = event.type === (options.at ?? 'text-delta');
    if (isAt && !controller.signal.aborted) controller.abort(options.reason);
  }
  return events;
}

describe('createOpencodeProvider with the real opencode serve', () => {
  it('runs a turn on a server it starts, and the next run reuses the warm server', async () => {
    const events = await collectProviderRun(provider, request({ prompt: 'Say hello' }));
    expect(sessionOf(events)).toMatch(/^ses_/);
    expect(runEndOf(events)).toMatchObject({
      status: 'completed',
      text: 'Echo: Say hello',
      model: 'mock/mock-model',
      nativeSessionId: sessionOf(events),
    });
    expect(runEndOf(events)?.usage?.inputTokens).toBeGreaterThan(0);
    const [warm] = provider.servers.describe();
    expect(warm?.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    const again = await collectProviderRun(provider, request({ prompt: 'Say hello again' }));
    expect(runEndOf(again)?.text).toBe('Echo: Say hello again');
    expect(provider.servers.describe()).toEqual([warm]);
  });

  it('gives two concurrent runs in two sessions of one directory only their own events', async () => {
    const [alpha, beta] = await Promise.all([
      collectProviderRun(provider, request({ prompt: 'marker-alpha [[mock:slow=40]]' })),
      collectProviderRun(provider, request({ prompt: 'marker-beta [[mock:slow=40]]' })),
    ]);
    expect(sessionOf(alpha)).not.toBe(sessionOf(beta));
    expect(runEndOf(alpha)?.text).toBe('Echo: marker-alpha [[mock:slow=40]]');
    expect(runEndOf(beta)?.text).toBe('Echo: marker-beta [[mock:slow=40]]');
    expect(JSON.stringify(alpha)).not.toContain('marker-beta');
    expect(JSON.stringify(beta)).not.toContain('marker-alpha');
  });

  it('runs bash and reports the edit of a write, with the file on disk', async () => {
    const bash = await collectProviderRun(provider, request({ prompt: 'Run [[mock:tool]]' }));
    expect(only(bash, 'tool-result')[0]).toMatchObject({ toolName: 'bash', isError: false });
    const write = await collectProviderRun(
      provider,
      request({ prompt: 'Write [[mock:patch=from-provider-test.txt]]' }),
    );
    const path = join(cwd, 'from-provider-test.txt');
    expect(only(write, 'file-change')).toEqual([{ type: 'file-change', path, kind: 'add' }]);
    expect(existsSync(path)).toBe(true);
  });

  it('declines a read-only edit by default and accepts it when approvals say so', async () => {
    const declined = await collectProviderRun(
      provider,
      request({ prompt: 'Write [[mock:patch=declined.txt]]', permissions: 'read-only' }),
    );
    expect(only(declined, 'permission-request')[0]?.decision).toBe('declined');
    expect(runEndOf(declined)?.status).toBe('completed');
    expect(existsSync(join(cwd, 'declined.txt'))).toBe(false);

    const accepting = createOpencodeProvider({ approvals: 'accept' });
    try {
      const accepted = await collectProviderRun(
        accepting,
        request({ prompt: 'Write [[mock:patch=accepted.txt]]', permissions: 'read-only' }),
      );
      expect(only(accepted, 'permission-request')[0]?.decision).toBe('accepted');
      expect(existsSync(join(cwd, 'accepted.txt'))).toBe(true);
    } finally {
      await accepting.dispose();
    }
  });

  it('aborts the turn, ends cancelled with the partial text, and the session takes the next turn', async () => {
    const events = await runAndAbort(provider, { prompt: 'Take your time [[mock:stall]]' });
    expect(runEndOf(events)).toMatchObject({
      status: 'cancelled',
      text: 'Working on it',
      finishReason: { unified: 'interrupted' },
      error: { code: 'cancelled' },
    });
    await model.waitForAllStreamsClosed(5000);
    const next = await collectProviderRun(
      provider,
      request({
        prompt: 'What came before? [[mock:recall]]',
        resumeNativeSessionId: sessionOf(events),
      }),
    );
    expect(runEndOf(next)).toMatchObject({
      status: 'completed',
      nativeSessionId: sessionOf(events),
    });
    expect(runEndOf(next)?.text).toContain('Take your time');
  });

  it('kills a running bash tool on abort', async () => {
    const isSleeping = () => leftovers().some((process) => /sleep 30/.test(process.command));
    const events = await runAndAbort(
      provider,
      { prompt: `Wait [[mock:tool=sleep 30 && touch ${join(cwd, 'late.txt')}]]` },
      { at: 'tool-call' },
    );
    expect(runEndOf(events)?.status).toBe('cancelled');
    expect(only(events, 'tool-result')[0]).toMatchObject({ toolName: 'bash' });
    await expect.poll(isSleeping).toBe(false);
    expect(existsSync(join(cwd, 'late.txt'))).toBe(false);
  });

  it('ends timed_out when aborted with a timeout reason', async () => {
    const events = await runAndAbort(
      provider,
      { prompt: 'Slowly [[mock:stall]]' },
      { reason: new AgentError('timed_out', 'The run exceeded its 1 s bound.') },
    );
    expect(runEndOf(events)).toMatchObject({
      status: 'timed_out',
      error: { code: 'timed_out', message: 'The run exceeded its 1 s bound.' },
    });
    await model.waitForAllStreamsClosed(5000);
  });

  it('with a signal aborted before the start, yields one start and a cancelled end', async () => {
    const controller = new AbortController();
    controller.abort();
    const events = await collectProviderRun(
      provider,
      request({ prompt: 'Never mind', signal: controller.signal }),
    );
    expect(events[0]?.type).toBe('run-start');
    expect(runEndOf(events)).toMatchObject({ status: 'cancelled', error: { code: 'cancelled' } });
  });

  it('stops the turn when the consumer stops early', async () => {
    for await (const event of provider.run(request({ prompt: 'Hang on [[mock:stall]]' }))) {
      if (event.type === 'text-delta') break;
    }
    await model.waitForAllStreamsClosed(5000);
  });

  it('fails an unknown session with an agent_error that names it', async () => {
    const sessionId = 'ses_000000000000000000000000000';
    const events = await collectProviderRun(
      provider,
      request({ prompt: 'hello', resumeNativeSessionId: sessionId }),
    );
    expect(runEndOf(events)).toMatchObject({
      status: 'failed',
      nativeSessionId: sessionId,
      error: { code: 'agent_error', message: `opencode has no session ${sessionId}.` },
    });
  });

  it('ends a run whose server dies as agent_crashed, and the next run starts a new server that resumes', async () => {
    const controller = new AbortController();
    const events: AgentEvent[] = [];
    const [before] = provider.servers.describe();
    for await (const event of provider.run(
      request({ prompt: 'Remember mango [[mock:stall]]', signal: controller.signal }),
    )) {
      events.push(event);
      if (event.type === 'text-delta' && before) process.kill(-before.pid, 'SIGKILL');
    }
    expect(runEndOf(events)).toMatchObject({ status: 'failed', error: { code: 'agent_crashed' } });
    expect(runEndOf(events)?.error?.message).toMatch(/event stream broke/);
    await expect.poll(() => provider.servers.describe()).toEqual([]);

    const resumed = await collectProviderRun(
      provider,
      request({ prompt: 'And now? [[mock:recall]]', resumeNativeSessionId: sessionOf(events) }),
    );
    expect(runEndOf(resumed)?.status).toBe('completed');
    expect(runEndOf(resumed)?.text).toContain('Remember mango');
    expect(provider.servers.describe()[0]?.pid).not.toBe(before?.pid);
  });

  it('resumes a session in a new provider (a new opencode serve) from opencode’s own store', async () => {
    const first = await collectProviderRun(
      provider,
      request({ prompt: 'Remember the word papaya [[mock:tool]]' }),
    );
    const other = createOpencodeProvider();
    try {
      const resumed = await collectProviderRun(
        other,
        request({
          prompt: 'What did I ask? [[mock:recall]]',
          resumeNativeSessionId: sessionOf(first),
        }),
      );
      expect(runEndOf(resumed)?.text).toContain('Remember the word papaya');
      expect(runEndOf(resumed)?.text).toContain('hello-from-tool');
      expect(other.servers.describe()[0]?.pid).not.toBe(provider.servers.describe()[0]?.pid);
    } finally {
      await other.dispose();
    }
  });

  it('leaves no opencode process behind after dispose', async () => {
    const disposable = createOpencodeProvider();
    await collectProviderRun(disposable, request({ prompt: 'Say hello' }));
    const [server] = disposable.servers.describe();
    expect(leftovers().map((process) => process.pid)).toContain(server?.pid);
    await disposable.dispose();
    await provider.dispose();
    await expect.poll(leftovers).toEqual([]);
    expect(disposable.servers.describe()).toEqual([]);
    const refused = await collectProviderRun(disposable, request({ prompt: 'x' })).catch(
      (error: unknown) => error,
    );
    expect(AgentError.is(refused, 'shutting_down')).toBe(true);
  });
});

describe('an existing opencode server (providers.opencode.serverUrl)', () => {
  it('is used with its credentials and nothing is spawned; wrong credentials are refused', async () => {
    const binary = findOpencodeBinary({ environment });
    const password = randomBytes(12).toString('hex');
    const existing = await startOpencodeServer({
      binary: binary ?? 'opencode',
      args: buildOpencodeServeArgs(),
      cwd,
      env: withServerCredentials(environment, password),
    });
    try {
      const connected = createOpencodeProvider({
        serverUrl: existing.url,
        serverPassword: password,
        // Never used: nothing is spawned.
        binary: join(folder, 'no-opencode-here'),
      });
      const processesBefore = leftovers().length;
      const events = await collectProviderRun(connected, request({ prompt: 'Say hello' }));
      expect(runEndOf(events)?.text).toBe('Echo: Say hello');
      expect(connected.servers.describe()).toEqual([]);
      expect(leftovers()).toHaveLength(processesBefore);
      expect(await connected.probe()).toMatchObject({
        available: true,
        version: '1.18.33',
        auth: 'ok',
      });

      const wrong = createOpencodeProvider({ serverUrl: existing.url, serverPassword: 'wrong' });
      const refused = await collectProviderRun(wrong, request({ prompt: 'x' })).catch(
        (error: unknown) => error,
      );
      expect(AgentError.is(refused, 'provider_unavailable')).toBe(true);
      expect((refused as AgentError).message).toContain('refused our credentials (HTTP 401)');
    } finally {
      await existing.stop();
    }
  });
});

describe('start-up failures', () => {
  it('fails with spawn_failed before any event when the configured binary is missing', async () => {
    const missing = createOpencodeProvider({ binary: join(folder, 'no-opencode-here') });
    const failure = await collectProviderRun(missing, request({ prompt: 'x' })).catch(
      (error: unknown) => error,
    );
    expect(AgentError.is(failure, 'spawn_failed')).toBe(true);
    expect((failure as AgentError).message).toContain('no-opencode-here');
  });

  it('refuses a model name without a provider as invalid input', async () => {
    const failure = await collectProviderRun(
      provider,
      request({ prompt: 'x', model: 'mock-model' }),
    ).catch((error: unknown) => error);
    expect(AgentError.is(failure, 'invalid_input')).toBe(true);
  });
});

describe('probe', () => {
  it('finds the binary, its version, a configured provider and its models', async () => {
    const probe = await createOpencodeProvider({ env: environment }).probe();
    expect(probe).toMatchObject({ available: true, version: '1.18.33', auth: 'ok' });
    expect(probe.binaryPath).toMatch(/opencode(\.exe)?$/);
    expect(probe.models).toEqual(['mock/mock-model']);
    await expect.poll(leftovers).toEqual([]);
  });

  it('reports missing auth when only opencode’s own free models are there', async () => {
    const empty = await createOpencodeEnvironment({
      directory: join(folder, 'empty-state'),
      modelServerUrl: model.url,
    });
    const probe = await createOpencodeProvider({
      env: { ...environment, ...empty.environment, OPENCODE_CONFIG_CONTENT: '{}' },
    }).probe();
    expect(probe).toMatchObject({ available: true, auth: 'missing' });
    expect(probe.reason).toContain('opencode auth login');
  });

  it('says what to do when the configured binary does not run', async () => {
    const probe = await createOpencodeProvider({
      binary: join(folder, 'no-opencode-here'),
    }).probe();
    expect(probe.available).toBe(false);
    expect(probe.reason).toContain('npm i -g opencode-ai');
  });
});
