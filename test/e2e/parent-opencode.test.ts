/**
 * The real `opencode run` as the PARENT: our server is a `local` MCP server in its
 * OPENCODE_CONFIG_CONTENT, opencode offers it as `subagents_run_agent`, and the scripted model
 * calls it; the child's answer comes back in the parent's final text.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  runOpencodeParent,
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
  const run = await runOpencodeParent(environment, prompt, options);
  const parts = run.events.map((event) => event['part'] as Record<string, unknown> | undefined);
  return {
    run,
    calledTools: parts.filter((part) => part?.['type'] === 'tool').map((part) => part!['tool']),
    /** The final answer: the last text part (the first one introduces the tool call). */
    answer: stringField(parts.filter((part) => part?.['type'] === 'text').at(-1), 'text'),
    diagnostics: `stderr:\n${run.stderr.slice(-3000)}\nstdout:\n${run.stdout.slice(-3000)}`,
  };
}

describe('opencode as the parent of our stdio server', () => {
  it('delegates to a claude-code child and answers with its result', async () => {
    const { run, calledTools, answer, diagnostics } = await delegate({
      prompt: 'child says mango',
    });
    expect(run.exitCode, diagnostics).toBe(0);
    expect(calledTools).toEqual(['subagents_run_agent']);
    expect(answer).toMatch(/^Tool result received: Echo: child says mango/);
    expect(answer).toContain('[claude-code · status: completed');
  });

  it('delegates to a codex child', async () => {
    const { run, calledTools, answer, diagnostics } = await delegate({
      prompt: 'child says papaya',
      provider: 'codex',
    });
    expect(run.exitCode, diagnostics).toBe(0);
    expect(calledTools).toEqual(['subagents_run_agent']);
    expect(answer).toContain('Echo: child says papaya');
    expect(answer).toContain('[codex · status: completed');
  });

  it('delegates to an opencode child (its own opencode serve, separate state)', async () => {
    const { run, calledTools, answer, diagnostics } = await delegate({
      prompt: 'child says guava',
      provider: 'opencode',
    });
    expect(run.exitCode, diagnostics).toBe(0);
    expect(calledTools).toEqual(['subagents_run_agent']);
    expect(answer).toContain('Echo: child says guava');
    expect(answer).toContain('[opencode · status: completed');
  });

  it('relays the depth_exceeded error of a server already at its depth limit', async () => {
    const { run, calledTools, answer, diagnostics } = await delegate(
      { prompt: 'child says kiwi' },
      { args: ['--max-depth', '1'], environment: { SUBAGENT_MCP_DEPTH: '1' } },
    );
    expect(run.exitCode, diagnostics).toBe(0);
    expect(calledTools).toEqual(['subagents_run_agent']);
    expect(answer).toContain('Delegation depth limit reached');
    expect(answer).not.toContain('Echo: child says kiwi');
  });
});
