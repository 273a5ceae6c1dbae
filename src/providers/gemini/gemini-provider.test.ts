/**
 * The provider wiring with the real `gemini` (the devDependency) against the scripted model
 * server on 127.0.0.1: a whole turn, interrupt during a shell command (the shell is ended too),
 * resume, early stop, refused instructions.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentEvent } from '../../events/index.js';
import { AgentError } from '../../errors/index.js';
import { createGeminiEnvironment } from '../../../test/support/gemini-environment.js';
import { findProcessesWithMarker } from '../../../test/support/process-probe.js';
import { collectProviderRun } from '../../../test/support/provider-contract.js';
import {
  startScriptedModelServer,
  type ScriptedModelServer,
} from '../../../test/support/scripted-model-server/index.js';
import type { ProviderRunRequest } from '../agent-provider.js';
import { createGeminiProvider } from './gemini-provider.js';

let model: ScriptedModelServer;
let folder: string;
let cwd: string;
let environment: Record<string, string>;
const marker = `GEMINI_PROVIDER_TEST=${randomUUID()}`;
const provider = createGeminiProvider();

beforeAll(async () => {
  model = await startScriptedModelServer({ port: 0 });
  folder = mkdtempSync(join(tmpdir(), 'gemini-provider-'));
  cwd = join(folder, 'work');
  mkdirSync(cwd);
  const gemini = await createGeminiEnvironment({
    directory: join(folder, 'gemini-home'),
    modelServerUrl: model.url,
  });
  const [markerName = '', markerValue = ''] = marker.split('=');
  environment = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: join(folder, 'gemini-home'),
    TMPDIR: join(folder, 'gemini-home'),
    ...gemini.environment,
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

describe('createGeminiProvider with the real gemini', () => {
  it('runs a turn in a session of our choosing and reports the answer', async () => {
    const events = await collectProviderRun(provider, request({ prompt: 'Say hello' }));
    expect(events[0]).toMatchObject({ type: 'run-start', cwd, model: 'mock-model' });
    const start = events[0] as Extract<AgentEvent, { type: 'run-start' }>;
    expect(start.nativeSessionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(runEndOf(events)).toMatchObject({
      status: 'completed',
      text: 'Echo: Say hello',
      nativeSessionId: start.nativeSessionId,
    });
    expect(model.requests.at(-1)?.headers['user-agent']).toMatch(/GeminiCLI/);
    await expect.poll(leftovers).toEqual([]);
  });

  it('on abort during a shell command ends gemini and the shell, and the session resumes', async () => {
    const controller = new AbortController();
    const events: AgentEvent[] = [];
    const shellCommand = 'sleep 300 && echo never';
    for await (const event of provider.run(
      request({
        prompt: `Wait [[mock:tool=${shellCommand}]]`,
        permissions: 'full-access',
        signal: controller.signal,
      }),
    )) {
      events.push(event);
      if (event.type === 'tool-call') {
        // The shell runs in a session of its own; abort once it is there.
        await expect
          .poll(() => leftovers().some((process) => process.command.includes('sleep 300')))
          .toBe(true);
        controller.abort();
      }
    }
    expect(runEndOf(events)).toMatchObject({
      status: 'cancelled',
      finishReason: { unified: 'interrupted' },
      error: { code: 'cancelled' },
    });
    await expect.poll(leftovers).toEqual([]);

    const sessionId = events[0]?.type === 'run-start' ? events[0].nativeSessionId : undefined;
    const resumed = await collectProviderRun(
      provider,
      request({ prompt: 'What came before? [[mock:recall]]', resumeNativeSessionId: sessionId }),
    );
    expect(runEndOf(resumed)).toMatchObject({ status: 'completed', nativeSessionId: sessionId });
    expect(runEndOf(resumed)?.text).toContain('Wait [[mock:tool=sleep 300');
  });

  it('ends gemini when the consumer stops early during a stalled stream', async () => {
    for await (const event of provider.run(request({ prompt: 'Hang on [[mock:stall]]' }))) {
      if (event.type === 'text-delta') break;
    }
    await expect.poll(leftovers).toEqual([]);
    await model.waitForAllStreamsClosed(5000);
  });

  it('ends a background process a finished turn left behind', async () => {
    const events = await collectProviderRun(
      provider,
      request({
        prompt: 'Start it [[mock:tool=sleep 301 >/dev/null 2>&1 & echo started]]',
        permissions: 'full-access',
      }),
    );
    expect(runEndOf(events)).toMatchObject({ status: 'completed' });
    await expect.poll(leftovers).toEqual([]);
  });

  it('opens no connection but to the scripted model server (telemetry and update checks off)', async () => {
    const log = join(folder, 'network.jsonl');
    const hook = join(import.meta.dirname, '../../../test/support/network-log.mjs');
    const events = await collectProviderRun(
      provider,
      request({
        prompt: 'Run the greeting [[mock:tool]]',
        permissions: 'full-access',
        environment: {
          ...environment,
          NODE_OPTIONS: `--import ${pathToFileURL(hook).href}`,
          SUBAGENT_MCP_NETWORK_LOG: log,
        },
      }),
    );
    expect(runEndOf(events)).toMatchObject({ status: 'completed' });
    const connections = readFileSync(log, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { host?: string; port?: number | string });
    expect(connections.length).toBeGreaterThan(0);
    for (const connection of connections) {
      expect([connection.host, Number(connection.port)]).toEqual(['127.0.0.1', model.port]);
    }
  });

  it('refuses instructions with invalid_input before starting gemini', async () => {
    const failure = await collectProviderRun(
      provider,
      request({ prompt: 'x', instructions: 'Answer in French.' }),
    ).catch((error: unknown) => error);
    expect(AgentError.is(failure, 'invalid_input')).toBe(true);
  });

  it('fails with spawn_failed before any event when the configured binary is missing', async () => {
    const missing = createGeminiProvider({ binary: join(folder, 'no-gemini-here') });
    const failure = await collectProviderRun(missing, request({ prompt: 'x' })).catch(
      (error: unknown) => error,
    );
    expect(AgentError.is(failure, 'spawn_failed')).toBe(true);
  });
});
