/**
 * The real `claude` as the PARENT: it launches the built server as a stdio MCP server from
 * `--mcp-config` and calls `mcp__subagents__run_agent` when the scripted model says so
 * (`[[mock:call=run_agent]] [[mock:args=…]]`); the child (claude-code or codex) answers through
 * the same scripted model server, and the parent's final answer carries the child's answer.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  runClaudeParent,
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
  // runClaudeParent resolves after the parent exited; its server and children must be gone too.
  expect(await waitForNoLeftovers(environment)).toEqual([]);
});
afterAll(async () => {
  await environment?.close();
});

/** Runs the parent with a prompt that calls run_agent with `args`; returns what it did. */
async function delegate(args: Record<string, unknown>, options: ServerLaunchOptions = {}) {
  const prompt = `Delegate this task. ${callDirectives('run_agent', args)}`;
  const run = await runClaudeParent(environment, prompt, options);
  const contentBlocks = run.events.flatMap((event) => {
    const message = event['message'] as { content?: unknown } | undefined;
    return Array.isArray(message?.content) ? (message.content as Record<string, unknown>[]) : [];
  });
  const result = run.events.find((event) => event['type'] === 'result');
  return {
    run,
    calledTools: contentBlocks
      .filter((block) => block['type'] === 'tool_use')
      .map((b) => b['name']),
    toolResults: contentBlocks.filter((block) => block['type'] === 'tool_result'),
    result,
    answer: typeof result?.['result'] === 'string' ? result['result'] : '',
    diagnostics: `stderr:\n${run.stderr.slice(-3000)}\nstdout:\n${run.stdout.slice(-3000)}`,
  };
}

describe('claude-code as the parent of our stdio server', () => {
  it('delegates to a claude-code child and answers with its result', async () => {
    const { run, calledTools, toolResults, result, answer, diagnostics } = await delegate({
      prompt: 'child says mango',
    });
    expect(run.exitCode, diagnostics).toBe(0);
    expect(calledTools).toEqual(['mcp__subagents__run_agent']);
    expect(toolResults).toHaveLength(1);
    expect(result).toMatchObject({ subtype: 'success', is_error: false });
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
    expect(calledTools).toEqual(['mcp__subagents__run_agent']);
    expect(answer).toContain('Echo: child says papaya');
    expect(answer).toContain('"provider":"codex"');
  });

  it('runs the child one level deeper (SUBAGENT_MCP_DEPTH), directives nested in base64url', async () => {
    // printenv is not a read-only command for Claude Code: it needs full access to run unasked.
    const child = {
      prompt: 'Show depth [[mock:tool=printenv SUBAGENT_MCP_DEPTH]]',
      permissions: 'full-access',
    };
    const top = await delegate(child);
    expect(top.run.exitCode, top.diagnostics).toBe(0);
    expect(top.answer).toContain('Tool result received: 1');

    const nested = await delegate(child, { environment: { SUBAGENT_MCP_DEPTH: '1' } });
    expect(nested.run.exitCode, nested.diagnostics).toBe(0);
    expect(nested.answer).toContain('Tool result received: 2');
  });

  it('relays the depth_exceeded error of a server already at its depth limit', async () => {
    const { run, calledTools, answer, diagnostics } = await delegate(
      { prompt: 'child says kiwi' },
      { args: ['--max-depth', '1'], environment: { SUBAGENT_MCP_DEPTH: '1' } },
    );
    expect(run.exitCode, diagnostics).toBe(0);
    expect(calledTools).toEqual(['mcp__subagents__run_agent']);
    expect(answer).toContain('Delegation depth limit reached');
    expect(answer).not.toContain('Echo: child says kiwi');
  });
});
