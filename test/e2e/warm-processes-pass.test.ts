/**
 * CI runs the claude-code and codex e2e files a second time with `SUBAGENT_MCP_WARM=0`
 * (.ci/run). That is a pass with warm processes off only if the variable reaches the servers
 * the tests start: this file checks it both ways — in the normal pass a codex run leaves its
 * warm app-server and a claude-code turn its warm `claude`; with `SUBAGENT_MCP_WARM=0` neither
 * does.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  callToolWithProgress,
  createAgentTestEnvironment,
  type AgentTestEnvironment,
} from '../support/stdio-server-harness.js';

const isWarmOff = process.env.SUBAGENT_MCP_WARM === '0';
const keptAfterRun = isWarmOff ? 0 : 1;

let environment: AgentTestEnvironment;

beforeAll(async () => {
  environment = await createAgentTestEnvironment();
});
afterAll(async () => {
  await environment?.close();
});

const processesOf = (pattern: RegExp) =>
  environment.leftoverProcesses().filter((found) => pattern.test(found.command));

describe(`the servers of this test run (SUBAGENT_MCP_WARM=${process.env.SUBAGENT_MCP_WARM ?? 'unset'})`, () => {
  it(`keep ${keptAfterRun} codex app-server and ${keptAfterRun} claude process after a run`, async () => {
    const server = await environment.startServer();
    const codex = await callToolWithProgress(server, 'run_agent', {
      provider: 'codex',
      prompt: 'Say hello',
    });
    expect(codex.structured.status).toBe('completed');
    expect(processesOf(/ app-server\b/)).toHaveLength(keptAfterRun);
    const claude = await callToolWithProgress(server, 'run_agent', {
      provider: 'claude-code',
      prompt: 'Say hello',
      model: 'mock-model',
    });
    expect(claude.structured.status).toBe('completed');
    expect(processesOf(/--input-format stream-json/)).toHaveLength(keptAfterRun);
    await server.close();
    expect(environment.leftoverProcesses()).toEqual([]);
  });
});
