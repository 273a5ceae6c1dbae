/**
 * The provider wiring with the real `codex app-server` (the devDependency) against the scripted
 * model server on 127.0.0.1: a whole turn, approvals, interrupt and resume, early stop, probe.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentEvent } from '../../events/index.js';
import { AgentError } from '../../errors/index.js';
import { createCodexTestFolder } from '../../../test/support/codex-home.js';
import { findProcessesWithMarker } from '../../../test/support/process-probe.js';
import { collectProviderRun } from '../../../test/support/provider-contract.js';
import {
  startScriptedModelServer,
  type ScriptedModelServer,
} from '../../../test/support/scripted-model-server/index.js';
import type { ProviderRunRequest } from '../agent-provider.js';
import { findCodexBinary } from './codex-binary.js';
import { createCodexProvider } from './codex-provider.js';

let model: ScriptedModelServer;
let folder: string;
let cwd: string;
let environment: Record<string, string>;
const marker = `CODEX_PROVIDER_TEST=${randomUUID()}`;
const provider = createCodexProvider();

beforeAll(async () => {
  model = await startScriptedModelServer({ port: 0 });
  ({ folder, environment } = await createCodexTestFolder({
    prefix: 'codex-provider-',
    modelServerUrl: model.url,
    codexBinary: findCodexBinary({ environment: process.env }),
    directories: ['work'],
    marker,
  }));
  cwd = join(folder, 'work');
});

afterAll(async () => {
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
const runEndOf = (events: AgentEvent[]) => events.find((event) => event.type === 'run-end');
const runStartOf = (events: AgentEvent[]) => events.find((event) => event.type === 'run-start');
const leftovers = () => findProcessesWithMarker(marker);

/** Runs a turn and aborts it (with `reason`) once the answer starts streaming. */
async function runAndAbortOnFirstDelta(prompt: string, reason?: unknown): Promise<AgentEvent[]> {
  const controller = new AbortController();
  const events: AgentEvent[] = [];
  for await (const event of provider.run(request({ prompt, signal: controller.signal }))) {
    events.push(event);
    if (event.type === 'text-delta' && !controller.signal.aborted) controller.abort(reason);
  }
  return events;
}

describe('createCodexProvider with the real codex app-server', () => {
  it('runs a turn and reports the thread, the answer and the usage', async () => {
    const events = await collectProviderRun(provider, request({ prompt: 'Say hello' }));
    expect(runStartOf(events)).toMatchObject({ cwd, model: 'mock-model' });
    const threadId = (runStartOf(events) as { nativeSessionId?: string }).nativeSessionId;
    expect(threadId).toMatch(/^[0-9a-f-]{36}$/);
    expect(runEndOf(events)).toMatchObject({
      status: 'completed',
      text: 'Echo: Say hello',
      nativeSessionId: threadId,
    });
    expect(
      (runEndOf(events) as { usage?: { inputTokens: number } }).usage?.inputTokens,
    ).toBeGreaterThan(0);
    await expect.poll(leftovers).toEqual([]);
  });

  it('declines an escalation by default and still completes the run', async () => {
    const events = await collectProviderRun(
      provider,
      request({
        prompt: 'Escalate [[mock:escalate=touch escalated-by-provider.txt]]',
        permissions: 'read-only',
      }),
    );
    expect(events.find((event) => event.type === 'permission-request')).toMatchObject({
      kind: 'command',
      decision: 'declined',
    });
    expect(runEndOf(events)?.status).toBe('completed');
    expect(existsSync(join(cwd, 'escalated-by-provider.txt'))).toBe(false);
  });

  it('accepts an escalation when the approvals setting says so', async () => {
    const accepting = createCodexProvider({ approvals: 'accept' });
    const events = await collectProviderRun(
      accepting,
      request({
        prompt: 'Escalate [[mock:escalate=touch accepted-by-provider.txt]]',
        permissions: 'read-only',
      }),
    );
    expect(events.find((event) => event.type === 'permission-request')).toMatchObject({
      decision: 'accepted',
    });
    expect(existsSync(join(cwd, 'accepted-by-provider.txt'))).toBe(true);
  });

  it('interrupts on abort, ends cancelled with the partial text, and the thread resumes', async () => {
    const events = await runAndAbortOnFirstDelta('Take your time [[mock:stall]]');
    expect(runEndOf(events)).toMatchObject({
      status: 'cancelled',
      finishReason: { unified: 'interrupted', raw: 'interrupted' },
      error: { code: 'cancelled' },
    });
    expect(runEndOf(events)?.text).toMatch(/^Working/);
    await expect.poll(leftovers).toEqual([]);
    await model.waitForAllStreamsClosed(5000);

    const threadId = (runStartOf(events) as { nativeSessionId?: string }).nativeSessionId;
    const resumed = await collectProviderRun(
      provider,
      request({ prompt: 'What came before? [[mock:recall]]', resumeNativeSessionId: threadId }),
    );
    expect(runEndOf(resumed)).toMatchObject({ status: 'completed', nativeSessionId: threadId });
    expect(runEndOf(resumed)?.text).toContain('Take your time');
  });

  it('ends timed_out when aborted with a timeout reason', async () => {
    const events = await runAndAbortOnFirstDelta(
      'Slowly [[mock:stall]]',
      new AgentError('timed_out', 'The run exceeded its 1 s bound.'),
    );
    expect(runEndOf(events)).toMatchObject({
      status: 'timed_out',
      error: { code: 'timed_out', message: 'The run exceeded its 1 s bound.' },
    });
    await expect.poll(leftovers).toEqual([]);
    await model.waitForAllStreamsClosed(5000);
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

  it('ends codex and its children when the consumer stops early', async () => {
    for await (const event of provider.run(request({ prompt: 'Hang on [[mock:stall]]' }))) {
      if (event.type === 'text-delta') break;
    }
    await expect.poll(leftovers).toEqual([]);
    await model.waitForAllStreamsClosed(5000);
  });

  it('fails an unknown thread with an error that names it', async () => {
    const threadId = '00000000-0000-4000-8000-000000000000';
    const events = await collectProviderRun(
      provider,
      request({ prompt: 'hello', resumeNativeSessionId: threadId }),
    );
    expect(runEndOf(events)).toMatchObject({ status: 'failed', error: { code: 'agent_error' } });
    expect(runEndOf(events)?.error?.message).toContain(`Codex could not resume thread ${threadId}`);
  });

  it('fails with spawn_failed before any event when the configured binary is missing', async () => {
    const missing = createCodexProvider({ binary: join(folder, 'no-codex-here') });
    const failure = await collectProviderRun(missing, request({ prompt: 'x' })).catch(
      (error: unknown) => error,
    );
    expect(AgentError.is(failure, 'spawn_failed')).toBe(true);
    expect((failure as AgentError).message).toContain('no-codex-here');
  });
});

describe('probe', () => {
  it('finds the binary, its version, the login state and the models of the configuration', async () => {
    const probe = await createCodexProvider({ env: environment }).probe();
    expect(probe).toMatchObject({ available: true, version: '0.171.0', auth: 'ok' });
    expect(probe.binaryPath).toMatch(/codex(\.exe)?$/);
    expect(probe.models).toContain('mock-model');
  });

  it('reports a missing login when there is none and no model provider', async () => {
    const emptyHome = join(folder, 'empty-codex-home');
    mkdirSync(emptyHome);
    const probe = await createCodexProvider({
      env: { CODEX_HOME: emptyHome, OPENAI_API_KEY: '', CODEX_API_KEY: '' },
    }).probe();
    expect(probe).toMatchObject({ available: true, auth: 'missing' });
    expect(probe.reason).toContain('codex login');
  });

  it('says what to do when the configured binary does not run', async () => {
    const probe = await createCodexProvider({ binary: join(folder, 'no-codex-here') }).probe();
    expect(probe.available).toBe(false);
    expect(probe.reason).toContain('npm i -g @openai/codex');
  });
});
