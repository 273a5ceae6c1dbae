/**
 * Warm Claude Code sessions: the real `claude` behind the built stdio server keeps its
 * stream-json process after a completed turn, and the session's next `resume_agent` is written
 * on that process's stdin. A process is the session's alone, replaced when it died, not reused
 * for other permissions or another model, and gone when the server is.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProgressRecorder } from '../support/progress-recorder.js';
import {
  callToolWithProgress,
  createAgentTestEnvironment,
  type AgentTestEnvironment,
  type StdioServerHandle,
} from '../support/stdio-server-harness.js';

let environment: AgentTestEnvironment;
let server: StdioServerHandle;

// Warm processes on, also in the CI pass that turns them off everywhere else.
const warmOn = { SUBAGENT_MCP_WARM: '1' };

beforeAll(async () => {
  environment = await createAgentTestEnvironment();
  server = await environment.startServer({ environment: warmOn });
});
afterAll(async () => {
  await environment?.close();
});

const call = callToolWithProgress;

/** The pids of the live claude session processes (other processes of ours excluded). */
const claudePids = (): number[] =>
  environment
    .leftoverProcesses()
    .filter((found) => found.command.includes('--input-format stream-json'))
    .map((found) => found.pid);

/** A server whose claude-code warm settings are `warm` (config file), or with `args`. */
async function startServerWith(warm: Record<string, number>, args: string[] = []) {
  const configFile = join(environment.stateDir, '..', `warm-${Object.values(warm).join('-')}.json`);
  writeFileSync(configFile, JSON.stringify({ providers: { 'claude-code': { warm } } }));
  return environment.startServer({ args: ['--config', configFile, ...args], environment: warmOn });
}

/** Runs a first turn and returns its session and the pid of the process kept for it. */
async function startWarmSession(target: StdioServerHandle, prompt: string, args = {}) {
  const before = new Set(claudePids());
  const first = await call(target, 'run_agent', { prompt, model: 'mock-model', ...args });
  expect(first.structured.status).toBe('completed');
  const kept = claudePids().filter((pid) => !before.has(pid));
  expect(kept).toHaveLength(1);
  return { sessionId: first.structured.session_id!, pid: kept[0]! };
}

describe('warm claude-code sessions', () => {
  it('answers resume_agent on the same live process, with the earlier turn recalled', async () => {
    const { sessionId, pid } = await startWarmSession(server, 'Remember the word mango');
    const resumed = await call(server, 'resume_agent', {
      session_id: sessionId,
      prompt: 'What did I ask before? [[mock:recall]]',
    });
    expect(resumed.structured).toMatchObject({ status: 'completed', session_id: sessionId });
    expect(resumed.structured.text).toContain('Remember the word mango');
    expect(claudePids()).toContain(pid);
    const recall = environment.model.requests.find(
      (request) => request.directive === 'recall' && JSON.stringify(request.body).includes('mango'),
    );
    expect(JSON.stringify(recall!.body)).toContain('Remember the word mango');
  });

  it('replaces a warm process killed between turns, and the turn completes', async () => {
    const { sessionId, pid } = await startWarmSession(server, 'Remember the word kiwi');
    process.kill(pid, 'SIGKILL');
    const resumed = await call(server, 'resume_agent', {
      session_id: sessionId,
      prompt: 'And before? [[mock:recall]]',
    });
    expect(resumed.structured.status).toBe('completed');
    expect(resumed.structured.text).toContain('Remember the word kiwi');
    expect(claudePids()).not.toContain(pid);
  });

  it.each([
    ['other permissions', { permissions: 'read-only' }],
    ['another model', { model: 'mock-model-2' }],
  ])('starts a fresh process for %s, and the session goes on there', async (_label, change) => {
    const { sessionId, pid } = await startWarmSession(server, 'Remember the word plum', {
      permissions: 'workspace-write',
    });
    const resumed = await call(server, 'resume_agent', {
      session_id: sessionId,
      prompt: 'Recall it [[mock:recall]]',
      ...change,
    });
    expect(resumed.structured.status).toBe('completed');
    expect(resumed.structured.text).toContain('Remember the word plum');
    expect(claudePids()).not.toContain(pid);
  });

  it('cancelling a warm turn ends its process and leaves the session resumable', async () => {
    const { sessionId, pid } = await startWarmSession(server, 'Remember the word fig');
    const stalled = environment.model.waitForRequest(
      (request) =>
        request.directive === 'stall' &&
        JSON.stringify(request.body).includes('warm-stall') &&
        !request.clientDisconnected,
      60_000,
    );
    const controller = new AbortController();
    const progress = createProgressRecorder();
    const outcome = server.client
      .callTool(
        {
          name: 'resume_agent',
          arguments: { session_id: sessionId, prompt: 'warm-stall [[mock:stall]]' },
        },
        undefined,
        {
          signal: controller.signal,
          timeout: 90_000,
          onprogress: progress.onprogress,
        },
      )
      .then(
        () => 'answered',
        () => 'rejected',
      );
    await stalled;
    // The stalled turn runs on the warm process.
    expect(claudePids()).toContain(pid);
    // The model may hold the request before the turn's first notification reached us.
    await expect.poll(() => progress.sequence()).toContain('run-start');
    controller.abort('user pressed stop');
    expect(await outcome).toBe('rejected');
    await expect.poll(() => claudePids().includes(pid), { timeout: 10_000 }).toBe(false);

    const resumed = await call(server, 'resume_agent', {
      session_id: sessionId,
      prompt: 'Go on [[mock:recall]]',
    });
    expect(resumed.structured.status).toBe('completed');
    expect(resumed.structured.text).toContain('Remember the word fig');
    expect(resumed.structured.text).toContain('warm-stall');
  });
});

describe('warm processes and the server’s end', () => {
  // Kept far longer than the test takes: only the server's end can end them.
  const longIdle = { idleSeconds: 600 };

  it('a closed server leaves no warm process', async () => {
    const own = await startServerWith(longIdle);
    const { pid } = await startWarmSession(own, 'Remember the word lime');
    await own.close();
    await expect.poll(() => claudePids().includes(pid), { timeout: 10_000 }).toBe(false);
  });

  it('a SIGKILLed server leaves no warm process', async () => {
    const own = await startServerWith(longIdle);
    const { pid } = await startWarmSession(own, 'Remember the word pear');
    process.kill(own.pid, 'SIGKILL');
    await expect.poll(() => claudePids().includes(pid), { timeout: 10_000 }).toBe(false);
    await own.close();
  });

  it('ends an idle process after idleSeconds, and lists how many are warm', async () => {
    const own = await startServerWith({ idleSeconds: 1 });
    const { sessionId, pid } = await startWarmSession(own, 'Remember the word date');
    await expect.poll(() => claudePids().includes(pid), { timeout: 10_000 }).toBe(false);
    const list = await own.client.callTool({ name: 'list_providers', arguments: {} });
    const { providers } = list.structuredContent as { providers: Array<Record<string, unknown>> };
    expect(providers.find((entry) => entry.id === 'claude-code')?.warm_processes).toBe(0);
    // The session lives on disk: the next turn starts claude with --resume.
    const resumed = await call(own, 'resume_agent', {
      session_id: sessionId,
      prompt: 'Recall [[mock:recall]]',
    });
    expect(resumed.structured.text).toContain('Remember the word date');
    await own.close();
  });

  it('keeps no process with warm processes turned off', async () => {
    const own = await startServerWith(longIdle, ['--no-warm']);
    const others = () => environment.leftoverProcesses().map((found) => found.pid);
    const before = new Set(others());
    const first = await call(own, 'run_agent', { prompt: 'Say hi', model: 'mock-model' });
    expect(first.structured.status).toBe('completed');
    await expect
      .poll(() => others().filter((pid) => !before.has(pid)), { timeout: 10_000 })
      .toEqual([]);
    await own.close();
  });
});
