/**
 * The provider wiring with the real `claude` binary (the devDependency) against the scripted
 * model server on 127.0.0.1: a whole turn, interrupt and resume, early stop, probe, and a warm
 * process killed between turns.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentEvent } from '../../events/index.js';
import { AgentError } from '../../errors/index.js';
import { findProcessesWithMarker, isRunning } from '../../../test/support/process-probe.js';
import {
  assertProviderEventContract,
  collectProviderRun,
} from '../../../test/support/provider-contract.js';
import {
  startScriptedModelServer,
  type ScriptedModelServer,
} from '../../../test/support/scripted-model-server/index.js';
import type { ProviderRunRequest } from '../agent-provider.js';
import { createClaudeCodeProvider } from './claude-code-provider.js';

let model: ScriptedModelServer;
let folder: string;
let cwd: string;
let environment: Record<string, string>;
const marker = `CLAUDE_PROVIDER_TEST=${randomUUID()}`;
const provider = createClaudeCodeProvider();

beforeAll(async () => {
  model = await startScriptedModelServer({ port: 0 });
  folder = mkdtempSync(join(tmpdir(), 'claude-code-provider-'));
  cwd = join(folder, 'work');
  for (const path of [cwd, join(folder, 'config'), join(folder, 'home'), join(folder, 'tmp')]) {
    mkdirSync(path);
  }
  const [markerName = '', markerValue = ''] = marker.split('=');
  environment = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: join(folder, 'home'),
    CLAUDE_CONFIG_DIR: join(folder, 'config'),
    CLAUDE_CODE_TMPDIR: join(folder, 'tmp'),
    ANTHROPIC_BASE_URL: model.url,
    ANTHROPIC_API_KEY: 'dummy',
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    CLAUDE_CODE_MAX_RETRIES: '0',
    [markerName]: markerValue,
  };
});

afterAll(async () => {
  await model?.close();
  if (folder) rmSync(folder, { recursive: true, force: true });
});

const request = (fields: Partial<ProviderRunRequest> & { prompt: string }): ProviderRunRequest => ({
  cwd,
  model: 'mock-model',
  permissions: 'workspace-write',
  environment,
  signal: new AbortController().signal,
  ...fields,
});
const runEndOf = (events: AgentEvent[]) => events.find((event) => event.type === 'run-end');
const leftovers = () => findProcessesWithMarker(marker);

describe('createClaudeCodeProvider with the real claude', () => {
  it('runs a turn and reports the answer', async () => {
    const events = await collectProviderRun(provider, request({ prompt: 'Say hello' }));
    expect(events[0]).toMatchObject({ type: 'run-start', cwd, model: 'mock-model' });
    expect(runEndOf(events)).toMatchObject({ status: 'completed', text: 'Echo: Say hello' });
    await expect.poll(leftovers).toEqual([]);
  });

  it('interrupts on abort, ends cancelled with the partial text, and the session resumes', async () => {
    const controller = new AbortController();
    const events: AgentEvent[] = [];
    for await (const event of provider.run(
      request({ prompt: 'Take your time [[mock:stall]]', signal: controller.signal }),
    )) {
      events.push(event);
      if (event.type === 'text-delta' && !controller.signal.aborted) controller.abort();
    }
    expect(runEndOf(events)).toMatchObject({
      status: 'cancelled',
      finishReason: { unified: 'interrupted', raw: 'aborted_streaming' },
      error: { code: 'cancelled' },
    });
    expect(runEndOf(events)?.text).toMatch(/^Working/);
    await expect.poll(leftovers).toEqual([]);
    await model.waitForAllStreamsClosed(5000);

    const sessionId = events[0]?.type === 'run-start' ? events[0].nativeSessionId : undefined;
    const resumed = await collectProviderRun(
      provider,
      request({ prompt: 'What came before? [[mock:recall]]', resumeNativeSessionId: sessionId }),
    );
    expect(runEndOf(resumed)).toMatchObject({ status: 'completed', nativeSessionId: sessionId });
    expect(runEndOf(resumed)?.text).toContain('Take your time');
  });

  it('ends timed_out when aborted with a timeout reason', async () => {
    const controller = new AbortController();
    const events: AgentEvent[] = [];
    for await (const event of provider.run(
      request({ prompt: 'Slowly [[mock:stall]]', signal: controller.signal }),
    )) {
      events.push(event);
      if (event.type === 'text-delta' && !controller.signal.aborted) {
        controller.abort(new AgentError('timed_out', 'The run exceeded its 1 s bound.'));
      }
    }
    expect(runEndOf(events)).toMatchObject({
      status: 'timed_out',
      error: { code: 'timed_out', message: 'The run exceeded its 1 s bound.' },
    });
  });

  it('with a signal aborted before the start, still yields one start and a cancelled end', async () => {
    const controller = new AbortController();
    controller.abort();
    const events = await collectProviderRun(
      provider,
      request({ prompt: 'Never mind', signal: controller.signal }),
    );
    expect(events[0]?.type).toBe('run-start');
    expect(runEndOf(events)).toMatchObject({ status: 'cancelled', error: { code: 'cancelled' } });
    await expect.poll(leftovers).toEqual([]);
  });

  it('ends claude and its children when the consumer stops early', async () => {
    for await (const event of provider.run(request({ prompt: 'Hang on [[mock:stall]]' }))) {
      if (event.type === 'text-delta') break;
    }
    await expect.poll(leftovers).toEqual([]);
    await model.waitForAllStreamsClosed(5000);
  });

  it('fails with spawn_failed before any event when the configured binary is missing', async () => {
    const missing = createClaudeCodeProvider({ binary: join(folder, 'no-claude-here') });
    const failure = await collectProviderRun(missing, request({ prompt: 'x' })).catch(
      (error: unknown) => error,
    );
    expect(AgentError.is(failure, 'spawn_failed')).toBe(true);
    expect((failure as AgentError).message).toContain('no-claude-here');
  });
});

describe('probe', () => {
  it('finds the installed binary, its version and the key from the configuration', async () => {
    const probe = await createClaudeCodeProvider({ env: { ANTHROPIC_API_KEY: 'dummy' } }).probe();
    expect(probe).toMatchObject({ available: true, auth: 'ok' });
    expect(probe.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(probe.binaryPath).toMatch(/claude(\.exe)?$/);
  });

  it('says what to do when the configured binary does not run', async () => {
    const probe = await createClaudeCodeProvider({
      binary: join(folder, 'no-claude-here'),
    }).probe();
    expect(probe.available).toBe(false);
    expect(probe.reason).toContain('npm i -g @anthropic-ai/claude-code');
  });
});

describe('with warm processes', () => {
  const warmProvider = createClaudeCodeProvider({}, undefined, {
    warm: { maxProcesses: 2, idleSeconds: 600 },
  });
  afterAll(async () => {
    await warmProvider.dispose?.();
  });

  it('replaces a warm process killed just before the turn is written, and the turn completes', async () => {
    const first = await collectProviderRun(warmProvider, request({ prompt: 'Remember quince' }));
    const sessionId = runEndOf(first)?.nativeSessionId;
    expect(runEndOf(first)).toMatchObject({ status: 'completed' });
    const [warm] = leftovers();
    expect(warmProvider.warmProcesses?.()).toBe(1);

    // Killed and resumed in the same tick: the exit is not seen before the prompt is written.
    process.kill(warm!.pid, 'SIGKILL');
    const resumed = await collectProviderRun(
      warmProvider,
      request({ prompt: 'What came before? [[mock:recall]]', resumeNativeSessionId: sessionId }),
    );
    assertProviderEventContract(resumed);
    expect(runEndOf(resumed)).toMatchObject({ status: 'completed', nativeSessionId: sessionId });
    expect(runEndOf(resumed)?.text).toContain('Remember quince');
    expect(isRunning(warm!.pid)).toBe(false);
    expect(warmProvider.warmProcesses?.()).toBe(1);
  });
});
