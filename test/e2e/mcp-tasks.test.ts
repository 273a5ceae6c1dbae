/**
 * MCP Tasks (the `io.modelcontextprotocol/tasks` extension of protocol revision 2026-07-28)
 * through the BUILT server, with the real CLIs behind the scripted model: a client of that era
 * that names the extension gets a task for run_agent at once and collects the result with
 * `tasks/get`; `tasks/cancel` ends the run with no process left; a task is found only under the
 * bearer token that made it; a client of that era without the extension is answered inline.
 * The 2025-era clients of every other e2e file are served by the same server unchanged.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fanOutRuns } from '../support/background-runs.js';
import { startHttpServer, testHttpToken } from '../support/http-server-harness.js';
import {
  modernHttpClient,
  modernProtocolVersion,
  pollTask,
  startModernStdioClient,
  tasksExtensionId,
  type ModernClient,
} from '../support/modern-mcp-client.js';
import {
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

/** No process of ours is left but the servers still serving (`serverPids`). */
const expectNoLeftovers = async (serverPids: Array<number | undefined> = []) => {
  await expect
    .poll(
      () => environment.leftoverProcesses().filter((found) => !serverPids.includes(found.pid)),
      { timeout: 15_000, interval: 200 },
    )
    .toEqual([]);
};

async function createTask(client: ModernClient, args: Record<string, unknown>) {
  const answer = await client.request('tools/call', { name: 'run_agent', arguments: args });
  expect(answer.error).toBeUndefined();
  expect(answer.result).toMatchObject({ resultType: 'task', status: 'working' });
  return answer.result!.taskId as string;
}

const textOf = (task: { result?: { content: Array<{ text?: string }> } }) =>
  task.result?.content[0]?.text ?? '';

describe('MCP Tasks over stdio (2026-07-28)', () => {
  it('answers server/discover with the era and the Tasks extension', async () => {
    const client = startModernStdioClient(environment);
    const discovered = await client.request('server/discover');
    expect(discovered.result).toMatchObject({
      supportedVersions: expect.arrayContaining([modernProtocolVersion]) as unknown,
      capabilities: { extensions: { [tasksExtensionId]: {} } },
    });
    await client.close();
  });

  it('runs claude-code, codex and opencode as three tasks at once; tasks/get returns each its own result', async () => {
    const client = startModernStdioClient(environment);
    const taskIds = await Promise.all(fanOutRuns.map((args) => createTask(client, args)));
    // Answered at once: the tasks run on after their tools/call was answered.
    expect(new Set(taskIds).size).toBe(3);
    const first = await client.request('tasks/get', { taskId: taskIds[0] });
    expect(first.result).toMatchObject({ taskId: taskIds[0], status: 'working' });
    for (const index of [2, 1, 0]) {
      const task = await pollTask(client, taskIds[index]!);
      expect(task.status).toBe('completed');
      expect(textOf(task)).toContain(`Echo: ${fanOutRuns[index]!.prompt}`);
      expect(task.result?.structuredContent).toMatchObject({
        status: 'completed',
        provider: fanOutRuns[index]!.provider,
        text: `Echo: ${fanOutRuns[index]!.prompt}`,
      });
    }
    await client.close();
    await expectNoLeftovers();
  });

  it('tasks/cancel ends a running task with no process left; an unknown task is -32602', async () => {
    const client = startModernStdioClient(environment);
    const stalled = environment.model.waitForRequest(
      (request) =>
        request.directive === 'stall' && JSON.stringify(request.body).includes('Cancel this task'),
      60_000,
    );
    const taskId = await createTask(client, {
      provider: 'claude-code',
      model: 'mock-model',
      prompt: 'Cancel this task [[mock:stall]]',
    });
    await stalled;
    expect(environment.leftoverProcesses().length).toBeGreaterThan(0);
    const cancelled = await client.request('tasks/cancel', { taskId });
    expect(cancelled.error).toBeUndefined();
    const task = await pollTask(client, taskId);
    expect(task.status).toBe('cancelled');
    await expectNoLeftovers([client.child.pid]);
    const unknown = await client.request('tasks/get', { taskId: 'no-such-task' });
    expect(unknown.error?.code).toBe(-32602);
    await client.close();
  });

  it('answers a client of the era that does not ask for tasks inline, with progress', async () => {
    const client = startModernStdioClient(environment, { tasks: false });
    const discovered = await client.request('server/discover');
    expect(discovered.result).toMatchObject({ supportedVersions: [modernProtocolVersion] });
    const answer = await client.request('tools/call', {
      name: 'run_agent',
      arguments: { provider: 'claude-code', model: 'mock-model', prompt: 'Answer me inline' },
      _meta: { progressToken: 'inline-1' },
    });
    expect(answer.result).toMatchObject({
      structuredContent: { status: 'completed', text: 'Echo: Answer me inline' },
    });
    expect(answer.result?.resultType).not.toBe('task');
    const progress = client.notifications.filter(
      (message) => message.method === 'notifications/progress',
    );
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.every((message) => message.params?.progressToken === 'inline-1')).toBe(true);
    await client.close();
  });
});

describe('MCP Tasks over HTTP (2026-07-28, no session)', () => {
  it('collects a task from a later request with the same token (a wrong token gets nothing); answers inline with progress without the extension', async () => {
    const server = await startHttpServer(environment);
    try {
      const owner = modernHttpClient(server.url, testHttpToken);
      const taskId = await createTask(owner, {
        provider: 'codex',
        prompt: 'Task over HTTP for codex',
      });
      // Without the token nothing is answered, tasks included.
      const stranger = modernHttpClient(server.url, `${testHttpToken}-other`);
      const refused = await stranger.request('tasks/get', { taskId });
      expect(refused.error?.message).toMatch(/^Unauthorized/);
      const task = await pollTask(modernHttpClient(server.url, testHttpToken), taskId);
      expect(task.status).toBe('completed');
      expect(textOf(task)).toContain('Echo: Task over HTTP for codex');
      // Without the extension: answered inline, progress on the call's own event stream.
      const inline = modernHttpClient(server.url, testHttpToken, { tasks: false });
      const answer = await inline.request('tools/call', {
        name: 'run_agent',
        arguments: { provider: 'claude-code', model: 'mock-model', prompt: 'Inline over HTTP' },
        _meta: { progressToken: 'http-inline' },
      });
      expect(answer.result).toMatchObject({
        structuredContent: { status: 'completed', text: 'Echo: Inline over HTTP' },
      });
      const progress = inline.notifications.filter(
        (message) => message.method === 'notifications/progress',
      );
      expect(progress.length).toBeGreaterThan(0);
      expect(progress.every((message) => message.params?.progressToken === 'http-inline')).toBe(
        true,
      );
    } finally {
      expect(await server.stop()).toBe(0);
    }
    await expectNoLeftovers();
  });
});
