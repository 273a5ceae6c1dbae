/**
 * A prompt longer than Linux lets one command-line argument be (128 KiB): the real `claude`
 * still gets it whole, on stdin, with warm processes off and on.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  callToolWithProgress,
  createAgentTestEnvironment,
  type AgentTestEnvironment,
} from '../support/stdio-server-harness.js';

let environment: AgentTestEnvironment;

beforeAll(async () => {
  environment = await createAgentTestEnvironment();
});
afterAll(async () => {
  await environment?.close();
});

// 200,000 characters over three bytes each in UTF-8: far past the 131,072-byte argument limit.
const longPrompt = `Long prompt ${'ž€'.repeat(100_000)} ends here`;

describe.each([
  { mode: 'warm processes off', args: ['--no-warm'] },
  { mode: 'warm processes on', args: [] },
])('claude-code with a 200,000-character prompt, $mode', ({ args }) => {
  it('completes the run with the whole prompt given to the model', async () => {
    const server = await environment.startServer({ args, environment: { SUBAGENT_MCP_WARM: '1' } });
    const { structured } = await callToolWithProgress(server, 'run_agent', {
      prompt: longPrompt,
      model: 'mock-model',
    });
    expect(structured).toMatchObject({ status: 'completed' });
    expect(structured.text).toMatch(/^Echo: Long prompt ž€ž€/);
    const asked = environment.model.requests.filter((request) =>
      JSON.stringify(request.body).includes('ends here'),
    );
    expect(asked.length).toBeGreaterThan(0);
    expect(JSON.stringify(asked.at(-1)!.body)).toContain(longPrompt);
    await server.close();
  });
});
