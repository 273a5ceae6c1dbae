/**
 * Cancellation, timeouts, bad input and shutdown with the real `claude` binary behind the built
 * server over stdio: no process may outlive its run, and the server keeps serving.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentEvent } from '../../src/events/index.js';
import {
  createAgentTestEnvironment,
  type AgentTestEnvironment,
  type StdioServerHandle,
  callToolWithProgress,
  startStalledRun,
} from '../support/stdio-server-harness.js';

let environment: AgentTestEnvironment;
let server: StdioServerHandle;

beforeAll(async () => {
  environment = await createAgentTestEnvironment();
  server = await environment.startServer();
});
afterAll(async () => {
  await environment?.close();
});

const call = callToolWithProgress;

const expectNoLeftovers = async () => {
  await expect
    .poll(() => environment.leftoverProcesses(), { timeout: 10_000, interval: 200 })
    .toEqual([]);
};

describe('cancel and timeout', () => {
  it('cancelling during a stall ends claude and its connection, and the session stays resumable', async () => {
    const { progress, cancel } = await startStalledRun(environment, server, {
      prompt: 'Take your time [[mock:stall]]',
      model: 'mock-model',
    });
    await expect
      .poll(() => progress.events().some((event) => event.type === 'text-delta'), {
        timeout: 10_000,
      })
      .toBe(true);
    expect(environment.leftoverProcesses().length).toBeGreaterThan(0);
    expect(await cancel('user pressed stop')).toBe('rejected');
    await expectNoLeftovers();
    await environment.model.waitForAllStreamsClosed(10_000);
    expect(
      environment.model.requests.find((request) => request.directive === 'stall')!
        .clientDisconnected,
    ).toBe(true);

    const start = progress
      .events()
      .find(
        (event): event is Extract<AgentEvent, { type: 'run-start' }> => event.type === 'run-start',
      );
    expect(start?.sessionId).toMatch(/^sa_/);
    const resumed = await call(server, 'resume_agent', {
      session_id: start!.sessionId,
      prompt: 'Go on [[mock:recall]]',
    });
    expect(resumed.structured.status).toBe('completed');
    expect(resumed.structured.text).toContain('Take your time');

    const after = await call(server, 'run_agent', { prompt: 'Still there?', model: 'mock-model' });
    expect(after.structured).toMatchObject({ status: 'completed', text: 'Echo: Still there?' });
  });

  it('answers timed_out when the run exceeds timeout_seconds, with the process tree gone', async () => {
    const result = await call(server, 'run_agent', {
      prompt: 'Never finish [[mock:stall]]',
      model: 'mock-model',
      timeout_seconds: 4,
    });
    expect(result.isError).toBe(true);
    expect(result.structured.status).toBe('timed_out');
    expect(result.structured.error?.code).toBe('timed_out');
    expect(result.structured.session_id).toMatch(/^sa_/);
    await expectNoLeftovers();
  });
});

describe('bad input over stdio', () => {
  it.each([
    ['an empty prompt', 'run_agent', { prompt: '' }, 'invalid_input'],
    ['an unknown provider', 'run_agent', { prompt: 'x', provider: 'nope' }, 'unknown_provider'],
    ['a relative cwd', 'run_agent', { prompt: 'x', cwd: 'relative/path' }, 'invalid_input'],
    ['a missing cwd', 'run_agent', { prompt: 'x', cwd: '/no/such/directory' }, 'invalid_input'],
    ['a cwd outside the allowed roots', 'run_agent', { prompt: 'x', cwd: '/' }, 'cwd_not_allowed'],
    [
      'a forged session id',
      'resume_agent',
      { session_id: 'sa_forgedforgedforgedforg', prompt: 'x' },
      'unknown_session',
    ],
  ])(
    '%s is a clear isError result and the server keeps serving',
    async (_label, tool, args, code) => {
      const result = await call(server, tool, args);
      expect(result.isError).toBe(true);
      expect(result.structured.error?.code).toBe(code);
      expect(result.structured.text.length).toBeGreaterThan(10);
      const list = await server.client.callTool({ name: 'list_providers', arguments: {} });
      expect(list.isError).toBeUndefined();
    },
  );

  it('unknown provider errors list the known providers', async () => {
    const result = await call(server, 'run_agent', { prompt: 'x', provider: 'nope' });
    expect(result.structured.text).toMatch(/Known providers: claude-code/);
  });

  it('refuses to delegate past the depth limit', async () => {
    const nested = await environment.startServer({ environment: { SUBAGENT_MCP_DEPTH: '2' } });
    try {
      const result = await call(nested, 'run_agent', { prompt: 'x', model: 'mock-model' });
      expect(result.structured.error?.code).toBe('depth_exceeded');
      expect(result.structured.text).toMatch(/depth limit/i);
    } finally {
      await nested.close();
    }
  });
});

describe('shutdown', () => {
  it('ends running children when the client closes stdin', async () => {
    const disposable = await environment.startServer();
    const stalled = environment.model.waitForRequest(
      (request) => request.directive === 'stall' && !request.clientDisconnected,
      60_000,
    );
    void disposable.client
      .callTool(
        { name: 'run_agent', arguments: { prompt: 'Hang on [[mock:stall]]', model: 'mock-model' } },
        undefined,
        { timeout: 90_000 },
      )
      .catch(() => undefined);
    await stalled;
    await disposable.close();
    await expectNoLeftovers();
  });
});
