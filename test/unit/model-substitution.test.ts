/**
 * Model honesty through the MCP surface (in memory) and on what the opencode decoder reports:
 * a substituted model is a `warning` before the `run-end` and `requested_model` in the result.
 * The real Claude Code and Codex substitutions are in test/e2e/model-honesty.test.ts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { AgentEvent } from '../../src/events/index.js';
import type { ProviderRunRequest } from '../../src/providers/agent-provider.js';
import { createOpencodeDecoder } from '../../src/providers/opencode/index.js';
import { executeRun } from '../../src/runs/index.js';
import { assertProviderEventContract } from '../support/provider-contract.js';
import { createProgressRecorder } from '../support/progress-recorder.js';
import { createScriptedProvider } from '../support/scripted-provider.js';
import { startInMemoryServer, type InMemoryServer } from '../support/in-memory-server.js';

const answeredBy = (startModel: string, endModel: string) => (request: ProviderRunRequest) => [
  {
    type: 'run-start' as const,
    provider: 'scripted',
    nativeSessionId: 'n',
    model: startModel,
    cwd: request.cwd,
  },
  { type: 'text' as const, text: 'Done.' },
  {
    type: 'run-end' as const,
    status: 'completed' as const,
    text: 'Done.',
    finishReason: { unified: 'stop' as const },
    model: endModel,
  },
];

let server: InMemoryServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function runAgent(script: ReturnType<typeof answeredBy>, model: string) {
  server = await startInMemoryServer({ providers: [createScriptedProvider(script)] });
  const progress = createProgressRecorder();
  const result = await server.client.callTool(
    { name: 'run_agent', arguments: { prompt: 'go', model } },
    undefined,
    { onprogress: progress.onprogress },
  );
  const text = (result.content as Array<{ text: string }>)[0]!.text;
  return { structured: result.structuredContent as Record<string, unknown>, text, progress };
}

describe('a model the agent substituted', () => {
  it('is a warning before the run-end and requested_model beside model in the result', async () => {
    const { structured, text, progress } = await runAgent(
      answeredBy('claude-sonnet-5-5', 'claude-haiku-9'),
      'sonnet',
    );
    expect(structured).toMatchObject({
      status: 'completed',
      model: 'claude-haiku-9',
      requested_model: 'sonnet',
    });
    expect(progress.sequence()).toEqual(['run-start', 'text', 'warning', 'run-end']);
    expect(progress.messages()).toContain(
      'scripted · warning: Model substituted: asked for sonnet, scripted reports claude-haiku-9.',
    );
    expect(text).toContain('model: claude-haiku-9 (asked for sonnet)');
  });

  it('is neither when the agent reports the alias resolved to its own family', async () => {
    const { structured, progress } = await runAgent(
      answeredBy('claude-opus-5-5', 'claude-opus-5-5'),
      'opus',
    );
    expect(structured.model).toBe('claude-opus-5-5');
    expect(structured).not.toHaveProperty('requested_model');
    expect(progress.sequence()).toEqual(['run-start', 'text', 'run-end']);
  });
});

/** What the opencode decoder makes of a turn whose assistant message names `modelID`. */
function opencodeTurn(requested: string, modelID: string): AgentEvent[] {
  const sessionID = 'ses_own';
  const event = (type: string, properties: Record<string, unknown>) =>
    JSON.stringify({ id: `evt_${type}`, type, properties });
  const decoder = createOpencodeDecoder({
    sessionId: sessionID,
    cwd: '/work',
    provider: 'opencode',
    model: requested,
  });
  const payloads = [
    event('session.status', { sessionID, status: { type: 'busy' } }),
    event('message.updated', {
      sessionID,
      info: { id: 'msg_a', sessionID, role: 'assistant', providerID: 'mock', modelID, time: {} },
    }),
    event('session.idle', { sessionID }),
  ];
  return [
    ...decoder.start(),
    ...payloads.flatMap((payload) => decoder.push(payload)),
    ...decoder.flush({}),
  ];
}

async function executeOpencodeTurn(requested: string, modelID: string) {
  const events: AgentEvent[] = [];
  const outcome = await executeRun({
    provider: createScriptedProvider(() => opencodeTurn(requested, modelID), 'opencode'),
    request: {
      prompt: 'go',
      cwd: '/work',
      model: requested,
      permissions: 'read-only',
      environment: {},
    },
    sessionId: 'sa_test',
    timeoutMs: 10_000,
    idleTimeoutMs: 10_000,
    signal: new AbortController().signal,
    onEvent: (event) => void events.push(event),
  });
  assertProviderEventContract(events);
  return { outcome, events };
}

describe('the opencode decoder with the model check', () => {
  it('warns when opencode answered with another model than provider/model asked for', async () => {
    const { outcome, events } = await executeOpencodeTurn('mock/mock-model', 'other-model');
    expect(outcome).toMatchObject({ model: 'mock/other-model', requestedModel: 'mock/mock-model' });
    expect(events.map((event) => event.type)).toEqual(['run-start', 'warning', 'run-end']);
  });

  it('stays quiet when opencode answered with the model asked for', async () => {
    const { outcome, events } = await executeOpencodeTurn('mock/mock-model', 'mock-model');
    expect(outcome.model).toBe('mock/mock-model');
    expect(outcome.requestedModel).toBeUndefined();
    expect(events.map((event) => event.type)).toEqual(['run-start', 'run-end']);
  });
});
