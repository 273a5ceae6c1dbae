/**
 * Background runs over Streamable HTTP against the BUILT server and the real CLIs behind the
 * scripted model: three runs on three providers started at once each return their own result
 * through wait_agent, cancel_agent ends one with no process left, and a run outlives the MCP
 * session that started it: a new session with the same token collects its result.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cancelBackgroundRun,
  fanOutRuns,
  startBackgroundRun,
  startStalledBackgroundRun,
  waitForBackgroundResult,
} from '../support/background-runs.js';
import {
  leftoverProcesses,
  startHttpServer,
  type HttpServerHandle,
} from '../support/http-server-harness.js';
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

const expectNoLeftovers = async (server: HttpServerHandle) => {
  await expect
    .poll(() => leftoverProcesses(environment, [server.pid]), { timeout: 15_000, interval: 200 })
    .toEqual([]);
};

describe('background runs over HTTP', () => {
  it('starts runs on claude-code, codex and opencode at once; wait_agent returns each its own result', async () => {
    const server = await startHttpServer(environment);
    try {
      const { client } = await server.connect();
      const started = await Promise.all(fanOutRuns.map((args) => startBackgroundRun(client, args)));
      for (const [index, { structured }] of started.entries()) {
        expect(structured).toMatchObject({
          status: 'running',
          provider: fanOutRuns[index]!.provider,
        });
      }
      const results = await Promise.all(
        started.map(({ structured }) => waitForBackgroundResult(client, structured.session_id!)),
      );
      for (const [index, { result, structured }] of results.entries()) {
        expect(result.isError).toBeFalsy();
        expect(structured).toMatchObject({
          status: 'completed',
          provider: fanOutRuns[index]!.provider,
          text: `Echo: ${fanOutRuns[index]!.prompt}`,
          session_id: started[index]!.structured.session_id,
        });
      }
    } finally {
      expect(await server.stop()).toBe(0);
    }
    await expectNoLeftovers(server);
  });

  it('cancel_agent ends a background run with no process left', async () => {
    const server = await startHttpServer(environment);
    try {
      const { client } = await server.connect();
      const started = await startStalledBackgroundRun(environment, client, 'Please stop me', {
        provider: 'claude-code',
        model: 'mock-model',
      });
      expect(leftoverProcesses(environment, [server.pid]).length).toBeGreaterThan(0);
      const cancelled = await cancelBackgroundRun(client, started.structured.session_id!);
      expect(cancelled.structured).toMatchObject({
        status: 'cancelled',
        session_id: started.structured.session_id,
      });
      await expectNoLeftovers(server);
    } finally {
      await server.stop();
    }
  });

  it('keeps a background run past its session’s end; a new session with the same token collects it', async () => {
    const server = await startHttpServer(environment);
    try {
      const first = await server.connect();
      const requested = environment.model.waitForRequest(
        (request) => JSON.stringify(request.body).includes('Outlive the session'),
        60_000,
      );
      const prompt = 'Outlive the session [[mock:slow=400]]';
      const started = await startBackgroundRun(first.client, {
        provider: 'claude-code',
        model: 'mock-model',
        prompt,
      });
      await requested;
      await first.transport.terminateSession();
      await first.client.close();

      const second = await server.connect();
      expect(second.transport.sessionId).not.toBe(first.transport.sessionId);
      const { result, structured } = await waitForBackgroundResult(
        second.client,
        started.structured.session_id!,
      );
      expect(result.isError).toBeFalsy();
      expect(structured).toMatchObject({
        status: 'completed',
        text: `Echo: ${prompt}`,
        session_id: started.structured.session_id,
      });
      // The record of the run is this session's resource now.
      const { resources } = await second.client.listResources();
      expect(resources.map((resource) => resource.uri)).toContain(
        `subagent-mcp://sessions/${started.structured.session_id}/runs/1`,
      );
    } finally {
      await server.stop();
    }
    await expectNoLeftovers(server);
  });
});
