/**
 * The real `codex exec` as the PARENT: our server is `[mcp_servers.subagents]` in its own
 * CODEX_HOME's config.toml, Codex offers it as `mcp__subagents__run_agent`, and the scripted
 * model calls it; the child's answer comes back in the final agent_message.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  runCodexParent,
  stringField,
  waitForNoLeftovers,
  type ServerLaunchOptions,
} from '../support/parent-agent-harness.js';
import { callDirectives } from '../support/scripted-model-server/index.js';
import {
  createAgentTestEnvironment,
  type AgentTestEnvironment,
} from '../support/stdio-server-harness.js';

let environment: AgentTestEnvironment;

beforeAll(async () => {
  environment = await createAgentTestEnvironment();
});
afterEach(async () => {
  expect(await waitForNoLeftovers(environment)).toEqual([]);
});
afterAll(async () => {
  await environment?.close();
});

async function delegate(args: Record<string, unknown>, options: ServerLaunchOptions = {}) {
  const prompt = `Delegate this task. ${callDirectives('run_agent', args)}`;
  const run = await runCodexParent(environment, prompt, options);
  const items = run.events
    .filter((event) => event['type'] === 'item.completed')
    .map((event) => event['item'] as Record<string, unknown>);
  return {
    run,
    items,
    calledTools: items
      .filter((item) => item['type'] === 'mcp_tool_call')
      .map((item) => `${String(item['server'])}/${String(item['tool'])}`),
    answer: stringField(items.filter((item) => item['type'] === 'agent_message').at(-1), 'text'),
    diagnostics: `stderr:\n${run.stderr.slice(-3000)}\nstdout:\n${run.stdout.slice(-3000)}`,
  };
}

describe('codex as the parent of our stdio server', () => {
  it('delegates to a claude-code child and answers with its result', async () => {
    const { run, calledTools, answer, diagnostics } = await delegate({
      prompt: 'child says mango',
    });
    expect(run.exitCode, diagnostics).toBe(0);
    expect(calledTools).toEqual(['subagents/run_agent']);
    expect(answer).toMatch(/^Tool result received: /);
    expect(answer).toContain('Echo: child says mango');
    expect(answer).toContain('"provider":"claude-code"');
  });

  it('delegates to a codex child', async () => {
    const { run, calledTools, answer, diagnostics } = await delegate({
      prompt: 'child says papaya',
      provider: 'codex',
    });
    expect(run.exitCode, diagnostics).toBe(0);
    expect(calledTools).toEqual(['subagents/run_agent']);
    expect(answer).toContain('Echo: child says papaya');
    expect(answer).toContain('"provider":"codex"');
  });

  it('relays the depth_exceeded error of a server already at its depth limit', async () => {
    const { run, calledTools, answer, diagnostics } = await delegate(
      { prompt: 'child says kiwi' },
      { args: ['--max-depth', '1'], environment: { SUBAGENT_MCP_DEPTH: '1' } },
    );
    expect(run.exitCode, diagnostics).toBe(0);
    expect(calledTools).toEqual(['subagents/run_agent']);
    expect(answer).toContain('Delegation depth limit reached');
    expect(answer).not.toContain('Echo: child says kiwi');
  });
});
