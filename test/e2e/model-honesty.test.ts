/**
 * Model honesty with the real agents, through the built server over stdio: when the scripted
 * model answers as another model (`[[mock:model=<name>]]`, as a router or a safety fallback
 * would), the run warns and the result carries `requested_model`; an alias that resolves to its
 * own family does neither. opencode reports the model it chose rather than the one the API named,
 * so its substitution is covered on its decoder (test/unit/model-substitution.test.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentEvent } from '../../src/events/index.js';
import { assertProviderEventContract } from '../support/provider-contract.js';
import {
  callToolWithProgress,
  createAgentTestEnvironment,
  type AgentTestEnvironment,
  type StdioServerHandle,
} from '../support/stdio-server-harness.js';

let environment: AgentTestEnvironment;
let server: StdioServerHandle;

beforeAll(async () => {
  environment = await createAgentTestEnvironment();
  server = await environment.startServer();
});
afterAll(async () => {
  await environment?.close();
});

async function runAgent(provider: string, model: string, prompt: string) {
  const { structured, progress } = await callToolWithProgress(server, 'run_agent', {
    provider,
    model,
    prompt,
  });
  const events = progress.events();
  assertProviderEventContract(events);
  const substitutions = events.filter(
    (event): event is Extract<AgentEvent, { type: 'warning' }> =>
      event.type === 'warning' && event.message.startsWith('Model substituted'),
  );
  return { structured, events, substitutions };
}

describe('a model the agent did not ask for', () => {
  it.each([
    { provider: 'claude-code', model: 'sonnet', answeredAs: 'claude-haiku-9' },
    { provider: 'codex', model: 'mock-model', answeredAs: 'gpt-9-mini' },
  ])(
    '$provider: the API answering as another model is a warning and requested_model',
    async ({ provider, model, answeredAs }) => {
      const { structured, events, substitutions } = await runAgent(
        provider,
        model,
        `Say hi [[mock:model=${answeredAs}]]`,
      );
      expect(structured).toMatchObject({
        status: 'completed',
        model: answeredAs,
        requested_model: model,
      });
      expect(substitutions.map((event) => event.message)).toEqual([
        `Model substituted: asked for ${model}, ${provider} reports ${answeredAs}.`,
      ]);
      expect(events.at(-2)).toBe(substitutions[0]);
    },
  );

  it('claude-code: sonnet resolved to a claude-sonnet id is neither', async () => {
    const { structured, events, substitutions } = await runAgent('claude-code', 'sonnet', 'Say hi');
    expect(structured.status).toBe('completed');
    expect(structured.model).toMatch(/^claude-sonnet-/);
    expect(events[0]).toMatchObject({ type: 'run-start', model: structured.model });
    expect(structured).not.toHaveProperty('requested_model');
    expect(substitutions).toEqual([]);
  });

  it('codex: the model asked for is neither', async () => {
    const { structured, events, substitutions } = await runAgent('codex', 'mock-model', 'Say hi');
    expect(structured).toMatchObject({ status: 'completed', model: 'mock-model' });
    expect(structured).not.toHaveProperty('requested_model');
    expect(events.some((event) => event.type === 'warning' && /switched/.test(event.message))).toBe(
      false,
    );
    expect(substitutions).toEqual([]);
  });

  it('opencode: provider/model answered by that model is neither', async () => {
    const { structured, substitutions } = await runAgent('opencode', 'mock/mock-model', 'Say hi');
    expect(structured).toMatchObject({ status: 'completed', model: 'mock/mock-model' });
    expect(structured).not.toHaveProperty('requested_model');
    expect(substitutions).toEqual([]);
  });
});
