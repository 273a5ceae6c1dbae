/**
 * The warm `codex app-server`: the real CLI, through the built server over stdio, against the
 * scripted model. One app-server serves concurrent runs, each seeing only its own thread's
 * events; a cancel reaches only its own run; the server is replaced when it dies, and nothing
 * of it is left after a shutdown or a SIGKILL of our server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentEvent } from '../../src/events/index.js';
import { isRunning, parentOf } from '../support/process-probe.js';
import { assertProviderEventContract } from '../support/provider-contract.js';
import {
  callToolWithProgress,
  createAgentTestEnvironment,
  startStalledRun,
  type AgentTestEnvironment,
  type StdioServerHandle,
} from '../support/stdio-server-harness.js';

let environment: AgentTestEnvironment;

beforeAll(async () => {
  environment = await createAgentTestEnvironment();
});
afterAll(async () => {
  await environment?.close();
});

// Warm whatever the pass with warm processes off sets.
const startWarmServer = () => environment.startServer({ environment: { SUBAGENT_MCP_WARM: '1' } });

const run = (server: StdioServerHandle, args: Record<string, unknown>) =>
  callToolWithProgress(server, 'run_agent', { provider: 'codex', ...args });

/**
 * The app-servers of our server. A child codex forks to run a command carries the app-server's
 * command line until it execs (seen once by the 20 ms sampling below): it is not another server.
 */
const appServers = () => {
  const found = environment
    .leftoverProcesses()
    .filter((process) => / app-server\b/.test(process.command));
  const pids = new Set(found.map((process) => process.pid));
  return found.filter((process) => !pids.has(parentOf(process.pid) ?? -1));
};

const warmProcesses = async (server: StdioServerHandle) => {
  const result = await server.client.callTool({ name: 'list_providers', arguments: {} });
  const { providers } = result.structuredContent as { providers: Array<Record<string, unknown>> };
  return providers.find((provider) => provider.id === 'codex')?.warm_processes;
};

const textOf = (events: AgentEvent[]) => JSON.stringify(events);

describe('a warm codex app-server', () => {
  it('serves two concurrent runs, each seeing only its own events, and stays for the next', async () => {
    const server = await startWarmServer();
    const seen = new Set<number>();
    const sampling = setInterval(() => {
      for (const found of appServers()) seen.add(found.pid);
    }, 20);
    const [tool, escalation] = await Promise.all([
      run(server, { prompt: 'Run the greeting ALPHA3 [[mock:tool]]' }),
      run(server, {
        prompt: 'Escalate BRAVO5 [[mock:escalate=touch escalated-by-BRAVO5.txt]]',
        permissions: 'read-only',
      }),
    ]);
    clearInterval(sampling);

    expect(tool.structured).toMatchObject({
      status: 'completed',
      text: 'Tool result received: hello-from-tool',
    });
    expect(escalation.structured.status).toBe('completed');
    const toolEvents = tool.progress.events();
    const escalationEvents = escalation.progress.events();
    assertProviderEventContract(toolEvents);
    assertProviderEventContract(escalationEvents);
    expect(escalationEvents.filter((event) => event.type === 'permission-request')).toHaveLength(1);
    expect(toolEvents.filter((event) => event.type === 'permission-request')).toEqual([]);
    expect(textOf(toolEvents)).not.toContain('BRAVO5');
    expect(textOf(escalationEvents)).not.toContain('ALPHA3');
    expect(textOf(escalationEvents)).not.toContain('hello-from-tool');
    expect(tool.structured.session_id).not.toBe(escalation.structured.session_id);

    expect(seen.size).toBe(1);
    expect(appServers().map((found) => found.pid)).toEqual([...seen]);
    expect(await warmProcesses(server)).toBe(1);

    const next = await run(server, { prompt: 'Say hello again' });
    expect(next.structured).toMatchObject({ status: 'completed', text: 'Echo: Say hello again' });
    expect(appServers().map((found) => found.pid)).toEqual([...seen]);

    const resumed = await callToolWithProgress(server, 'resume_agent', {
      session_id: tool.structured.session_id,
      prompt: 'What did I ask? [[mock:recall]]',
    });
    expect(resumed.structured.status).toBe('completed');
    expect(resumed.structured.text).toContain('Run the greeting ALPHA3');
    expect(resumed.structured.text).not.toContain('BRAVO5');
    expect(appServers().map((found) => found.pid)).toEqual([...seen]);
    await server.close();
  });

  it('cancelling one run leaves a concurrent run on the same app-server running to completion', async () => {
    const server = await startWarmServer();
    const stalled = await startStalledRun(
      environment,
      server,
      { provider: 'codex', prompt: 'Take your time CHARLIE7 [[mock:stall]]' },
      'openai-responses',
    );
    const [shared] = appServers();
    expect(shared).toBeDefined();

    const other = run(server, {
      prompt: 'Wait a little DELTA9 [[mock:tool=sleep 1; echo DELTA9-done]]',
      permissions: 'full-access',
    });
    // The other run's command is running when the first run is cancelled.
    await expect
      .poll(() => environment.leftoverProcesses().some((found) => /^sleep 1/.test(found.command)), {
        timeout: 30_000,
        interval: 20,
      })
      .toBe(true);
    expect(await stalled.cancel('user pressed stop')).toBe('rejected');

    const { structured, progress } = await other;
    expect(structured).toMatchObject({ status: 'completed' });
    expect(structured.text).toContain('DELTA9-done');
    expect(textOf(progress.events())).not.toContain('CHARLIE7');
    expect(textOf(stalled.progress.events())).not.toContain('DELTA9');
    // Both ran on the one app-server.
    expect(appServers().every((found) => found.pid === shared!.pid)).toBe(true);

    // The cancelled run retired it: it stops once the other run has left, and the thread of the
    // cancelled run resumes on a new one.
    await expect.poll(() => isRunning(shared!.pid), { timeout: 10_000, interval: 50 }).toBe(false);
    const start = stalled.progress.events().find((event) => event.type === 'run-start');
    const resumed = await callToolWithProgress(server, 'resume_agent', {
      session_id: start!.sessionId,
      prompt: 'Go on [[mock:recall]]',
    });
    expect(resumed.structured.status).toBe('completed');
    expect(resumed.structured.text).toContain('Take your time CHARLIE7');
    await server.close();
  });

  it('is replaced when it dies between runs, and the next run completes', async () => {
    const server = await startWarmServer();
    const first = await run(server, { prompt: 'Say one' });
    expect(first.structured.status).toBe('completed');
    const [dead] = appServers();
    expect(dead).toBeDefined();
    process.kill(dead!.pid, 'SIGKILL');
    await expect.poll(() => isRunning(dead!.pid), { timeout: 5000, interval: 20 }).toBe(false);
    await expect.poll(() => warmProcesses(server), { timeout: 5000, interval: 50 }).toBe(0);

    const second = await run(server, { prompt: 'Say two' });
    expect(second.structured).toMatchObject({ status: 'completed', text: 'Echo: Say two' });
    const [replacement] = appServers();
    expect(replacement).toBeDefined();
    expect(replacement!.pid).not.toBe(dead!.pid);
    expect(await warmProcesses(server)).toBe(1);
    await server.close();
  });

  it('leaves no warm app-server behind when the server shuts down', async () => {
    const server = await startWarmServer();
    expect((await run(server, { prompt: 'Say hello' })).structured.status).toBe('completed');
    expect(appServers()).toHaveLength(1);
    await server.close();
    await expect
      .poll(() => environment.leftoverProcesses(), { timeout: 10_000, interval: 50 })
      .toEqual([]);
  });

  it('leaves no warm app-server behind when the server is killed with SIGKILL', async () => {
    const server = await startWarmServer();
    expect((await run(server, { prompt: 'Say hello' })).structured.status).toBe('completed');
    expect(appServers()).toHaveLength(1);
    process.kill(server.pid, 'SIGKILL');
    await expect
      .poll(() => environment.leftoverProcesses(), { timeout: 5000, interval: 20 })
      .toEqual([]);
    await server.close();
  });

  it('keeps no app-server after a run with warm processes off', async () => {
    const server = await environment.startServer({ args: ['--no-warm'] });
    expect((await run(server, { prompt: 'Say hello' })).structured.status).toBe('completed');
    expect(appServers()).toEqual([]);
    expect(await warmProcesses(server)).toBe(0);
    await server.close();
  });
});
