/**
 * Background runs from a test client: start one, and collect its result with wait_agent
 * (called again while it answers `running`, as a parent agent would).
 */
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { AgentTestEnvironment, RunToolResult } from './stdio-server-harness.js';

export interface BackgroundAnswer {
  result: CallToolResult;
  structured: RunToolResult;
}

async function callTool(
  client: Client,
  name: string,
  args: Record<string, unknown>,
): Promise<BackgroundAnswer> {
  const result = await client.callTool({ name, arguments: args }, undefined, {
    timeout: 90_000,
  });
  return {
    result: result as CallToolResult,
    structured: result.structuredContent as RunToolResult,
  };
}

/** run_agent with `background: true`; returns its answer (status `running`, session id). */
export function startBackgroundRun(
  client: Client,
  args: Record<string, unknown>,
): Promise<BackgroundAnswer> {
  return callTool(client, 'run_agent', { ...args, background: true });
}

/** wait_agent until the run has ended (a real CLI run ends well within a few waits). */
export async function waitForBackgroundResult(
  client: Client,
  sessionId: string,
): Promise<BackgroundAnswer> {
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const answer = await callTool(client, 'wait_agent', {
      session_id: sessionId,
      timeout_seconds: 50,
    });
    if (answer.structured.status !== 'running') return answer;
  }
  throw new Error(`the background run of ${sessionId} did not end`);
}

/**
 * A background run whose model stalls (`[[mock:stall]]` is added to `words`): resolves once the
 * scripted model holds its stream open, so the agent's processes are running.
 */
export async function startStalledBackgroundRun(
  environment: AgentTestEnvironment,
  client: Client,
  words: string,
  args: Record<string, unknown>,
): Promise<BackgroundAnswer> {
  const stalled = environment.model.waitForRequest(
    (request) => request.directive === 'stall' && JSON.stringify(request.body).includes(words),
    60_000,
  );
  const started = await startBackgroundRun(client, { ...args, prompt: `${words} [[mock:stall]]` });
  await stalled;
  return started;
}

export function cancelBackgroundRun(client: Client, sessionId: string): Promise<BackgroundAnswer> {
  return callTool(client, 'cancel_agent', { session_id: sessionId });
}

/** One prompt per provider, each with its own words, for runs started at once. */
export const fanOutRuns = [
  { provider: 'claude-code', model: 'mock-model', prompt: 'Background alpha for claude-code' },
  { provider: 'codex', prompt: 'Background beta for codex' },
  { provider: 'opencode', prompt: 'Background gamma for opencode' },
] as const;
