/**
 * The real `claude` as the PARENT of our HTTP server, with a background run: one `claude -p`
 * starts the child with `background: true` and gets `running` and the session id back at once;
 * a second `claude -p` (a new MCP session, same token) collects the child's answer with
 * wait_agent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runClaudeParent, waitForNoLeftovers } from '../support/parent-agent-harness.js';
import {
  startHttpServer,
  testHttpToken,
  type HttpServerHandle,
} from '../support/http-server-harness.js';
import { callDirectives } from '../support/scripted-model-server/index.js';
import {
  createAgentTestEnvironment,
  type AgentTestEnvironment,
} from '../support/stdio-server-harness.js';

let environment: AgentTestEnvironment;
let server: HttpServerHandle;

beforeAll(async () => {
  environment = await createAgentTestEnvironment();
  server = await startHttpServer(environment);
});
afterAll(async () => {
  await server?.stop();
  await environment?.close();
});

const mcpConfig = () => ({
  mcpServers: {
    subagents: {
      type: 'http',
      url: server.url,
      headers: { Authorization: `Bearer ${testHttpToken}` },
    },
  },
});

async function parent(tool: string, args: Record<string, unknown>) {
  const run = await runClaudeParent(environment, `Do this. ${callDirectives(tool, args)}`, {
    mcpConfig: mcpConfig(),
    allowedTools: [`mcp__subagents__${tool}`],
  });
  const result = run.events.find((event) => event['type'] === 'result');
  return {
    exitCode: run.exitCode,
    answer: String(result?.['result']),
    diagnostics: `stderr:\n${run.stderr.slice(-2000)}\nstdout:\n${run.stdout.slice(-2000)}`,
  };
}

describe('claude-code as the parent, with a background run', () => {
  it('starts a background child in one turn and collects its answer with wait_agent in another', async () => {
    const started = await parent('run_agent', {
      prompt: 'child says plum',
      provider: 'codex',
      background: true,
    });
    expect(started.exitCode, started.diagnostics).toBe(0);
    expect(started.answer, started.diagnostics).toContain('"status":"running"');
    const sessionId = /"session_id":"(sa_[A-Za-z0-9_-]{22})"/.exec(started.answer)?.[1];
    expect(sessionId, started.answer).toBeDefined();

    const collected = await parent('wait_agent', { session_id: sessionId, timeout_seconds: 50 });
    expect(collected.exitCode, collected.diagnostics).toBe(0);
    expect(collected.answer, collected.diagnostics).toContain('Echo: child says plum');
    expect(collected.answer).toContain('"status":"completed"');
    expect(collected.answer).toContain(`"session_id":"${sessionId}"`);
  });

  it('leaves no child process behind once the server stops', async () => {
    await server.stop();
    expect(await waitForNoLeftovers(environment)).toEqual([]);
  });
});
