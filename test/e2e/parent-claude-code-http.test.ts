/**
 * The real `claude` as the PARENT of our server over Streamable HTTP: its MCP config names the
 * /mcp URL with the bearer header, its scripted model calls mcp__subagents__run_agent, and the
 * parent's final answer carries the child's answer.
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

const httpConfig = (token: string) => ({
  mcpServers: {
    subagents: { type: 'http', url: server.url, headers: { Authorization: `Bearer ${token}` } },
  },
});

describe('claude-code as the parent of our HTTP server', () => {
  it('delegates over HTTP with the bearer header and answers with the child result', async () => {
    const prompt = `Delegate this task. ${callDirectives('run_agent', { prompt: 'child says kiwi' })}`;
    const run = await runClaudeParent(environment, prompt, {
      mcpConfig: httpConfig(testHttpToken),
    });
    const result = run.events.find((event) => event['type'] === 'result');
    const diagnostics = `stderr:\n${run.stderr.slice(-2000)}\nstdout:\n${run.stdout.slice(-2000)}`;
    expect(run.exitCode, diagnostics).toBe(0);
    expect(String(result?.['result']), diagnostics).toContain('Echo: child says kiwi');
  });

  it('offers the parent no tool when its token is wrong', async () => {
    const prompt = `Delegate this task. ${callDirectives('run_agent', { prompt: 'child says fig' })}`;
    const run = await runClaudeParent(environment, prompt, {
      mcpConfig: httpConfig('wrong-token-0123456789'),
    });
    const result = run.events.find((event) => event['type'] === 'result');
    // Claude Code cannot connect without the right token, so the tool is never offered.
    expect(String(result?.['result'])).toContain('The tool run_agent was not offered');
    expect(String(result?.['result'])).not.toContain('Echo: child says fig');
  });

  it('leaves no child process behind once the server stops', async () => {
    await server.stop();
    expect(await waitForNoLeftovers(environment)).toEqual([]);
  });
});
