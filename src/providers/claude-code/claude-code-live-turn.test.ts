/**
 * Live turns with the real `claude` binary against the scripted model server, driven through the
 * provider with warm processes on: the cases the server cannot time, such as a warm process
 * killed an instant before the next turn is written to it.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentEvent } from '../../events/index.js';
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
let environment: Record<string, string>;
const marker = `CLAUDE_LIVE_TURN_TEST=${randomUUID()}`;
const provider = createClaudeCodeProvider({}, undefined, {
  warm: { maxProcesses: 2, idleSeconds: 600 },
});

beforeAll(async () => {
  model = await startScriptedModelServer({ port: 0 });
  folder = mkdtempSync(join(tmpdir(), 'claude-code-live-turn-'));
  for (const name of ['work', 'config', 'home']) mkdirSync(join(folder, name));
  const [markerName = '', markerValue = ''] = marker.split('=');
  environment = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: join(folder, 'home'),
    CLAUDE_CONFIG_DIR: join(folder, 'config'),
    CLAUDE_CODE_TMPDIR: join(folder, 'home'),
    ANTHROPIC_BASE_URL: model.url,
    ANTHROPIC_API_KEY: 'dummy',
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    CLAUDE_CODE_MAX_RETRIES: '0',
    [markerName]: markerValue,
  };
});

afterAll(async () => {
  await provider.dispose?.();
  await model?.close();
  if (folder) rmSync(folder, { recursive: true, force: true });
});

const request = (prompt: string, resumeNativeSessionId?: string): ProviderRunRequest => ({
  prompt,
  cwd: join(folder, 'work'),
  model: 'mock-model',
  permissions: 'workspace-write',
  environment,
  signal: new AbortController().signal,
  ...(resumeNativeSessionId === undefined ? {} : { resumeNativeSessionId }),
});
const runEndOf = (events: AgentEvent[]) => events.find((event) => event.type === 'run-end');

describe('a live claude turn', () => {
  it('replaces a warm process killed just before the turn is written, and the turn completes', async () => {
    const first = await collectProviderRun(provider, request('Remember the word quince'));
    const sessionId = runEndOf(first)?.nativeSessionId;
    expect(runEndOf(first)).toMatchObject({ status: 'completed' });
    const [warm] = findProcessesWithMarker(marker);
    expect(provider.warmProcesses?.()).toBe(1);

    // Killed and resumed in the same tick: the exit is not seen before the prompt is written.
    process.kill(warm!.pid, 'SIGKILL');
    const resumed = await collectProviderRun(
      provider,
      request('What came before? [[mock:recall]]', sessionId),
    );
    assertProviderEventContract(resumed);
    expect(runEndOf(resumed)).toMatchObject({ status: 'completed', nativeSessionId: sessionId });
    expect(runEndOf(resumed)?.text).toContain('Remember the word quince');
    expect(isRunning(warm!.pid)).toBe(false);
    expect(provider.warmProcesses?.()).toBe(1);
  });
});
