/**
 * Runs over Streamable HTTP against the REAL built server and the real `claude` binary behind
 * the scripted model: progress arrives over SSE, concurrent sessions see only their own
 * events, DELETE of a session ends its running child, and SIGTERM exits cleanly.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { AgentEvent } from '../../src/events/index.js';
import {
  leftoverProcesses,
  startHttpServer,
  type HttpServerHandle,
} from '../support/http-server-harness.js';
import { createProgressRecorder } from '../support/progress-recorder.js';
import {
  createAgentTestEnvironment,
  type AgentTestEnvironment,
  type RunToolResult,
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

const expectNoLeftovers = async () => {
  await expect
    .poll(() => leftoverProcesses(environment, [server.pid]), { timeout: 15_000, interval: 200 })
    .toEqual([]);
};

const run = async (client: Client, prompt: string) => {
  const progress = createProgressRecorder();
  const result = await client.callTool(
    {
      name: 'run_agent',
      arguments: { provider: 'claude-code', prompt, model: 'mock-model' },
    },
    undefined,
    { onprogress: progress.onprogress, timeout: 90_000 },
  );
  return { result, structured: result.structuredContent as RunToolResult, progress };
};

describe('runs over HTTP', () => {
  it('lists tools and runs claude-code with progress over SSE', async () => {
    const { client } = await server.connect();
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name).sort()).toEqual([
      'cancel_agent',
      'list_providers',
      'resume_agent',
      'run_agent',
      'wait_agent',
    ]);
    const { structured, progress } = await run(client, 'Hello over HTTP');
    expect(structured).toMatchObject({ status: 'completed', text: 'Echo: Hello over HTTP' });
    expect(progress.notifications.length).toBeGreaterThan(0);
    expect(progress.sequence()).toContain('run-start');
    await client.close();
    await expectNoLeftovers();
  });

  it('gives two clients with overlapping runs only their own events', async () => {
    const [one, two] = await Promise.all([server.connect(), server.connect()]);
    expect(one.transport.sessionId).not.toBe(two.transport.sessionId);
    const [alpha, beta] = await Promise.all([
      run(one.client, 'marker-alpha [[mock:slow=50]]'),
      run(two.client, 'marker-beta [[mock:slow=50]]'),
    ]);
    expect(alpha.structured.text).toBe('Echo: marker-alpha [[mock:slow=50]]');
    expect(beta.structured.text).toBe('Echo: marker-beta [[mock:slow=50]]');
    const streamed = (events: AgentEvent[]) => JSON.stringify(events);
    expect(streamed(alpha.progress.events())).toContain('marker-alpha');
    expect(streamed(alpha.progress.events())).not.toContain('marker-beta');
    expect(streamed(beta.progress.events())).toContain('marker-beta');
    expect(streamed(beta.progress.events())).not.toContain('marker-alpha');
    expect(alpha.progress.messages().join('\n')).not.toContain('marker-beta');
    expect(beta.progress.messages().join('\n')).not.toContain('marker-alpha');
    await Promise.all([one.client.close(), two.client.close()]);
  });

  it('ends the running child when its session is deleted', async () => {
    const { client, transport } = await server.connect();
    const progress = createProgressRecorder();
    const stalled = environment.model.waitForRequest(
      (request) => request.directive === 'stall',
      60_000,
    );
    const pending = client
      .callTool(
        {
          name: 'run_agent',
          arguments: {
            provider: 'claude-code',
            prompt: 'Wait [[mock:stall]]',
            model: 'mock-model',
          },
        },
        undefined,
        { onprogress: progress.onprogress, timeout: 90_000 },
      )
      .then(
        () => 'answered',
        () => 'rejected',
      );
    await stalled;
    expect(leftoverProcesses(environment, [server.pid]).length).toBeGreaterThan(0);
    await transport.terminateSession();
    await expectNoLeftovers();
    await client.close();
    expect(await pending).toBe('rejected');

    const other = await server.connect();
    const after = await run(other.client, 'Still serving');
    expect(after.structured).toMatchObject({ status: 'completed', text: 'Echo: Still serving' });
    await other.client.close();
  });

  it('ends running children and exits 0 on SIGTERM', async () => {
    const own = await startHttpServer(environment);
    const { client } = await own.connect();
    const stalled = environment.model.waitForRequest(
      (request) =>
        request.directive === 'stall' && JSON.stringify(request.body).includes('sigterm'),
      60_000,
    );
    const pending = client
      .callTool(
        {
          name: 'run_agent',
          arguments: { prompt: 'sigterm [[mock:stall]]', model: 'mock-model' },
        },
        undefined,
        { timeout: 90_000 },
      )
      .catch(() => 'rejected');
    await stalled;
    const signalledAt = Date.now();
    own.child.kill('SIGTERM');
    const [code] = await new Promise<[number | null]>((resolve) =>
      own.child.once('exit', (exitCode) => resolve([exitCode])),
    );
    expect(code).toBe(0);
    expect(Date.now() - signalledAt).toBeLessThan(15_000);
    // The SSE stream died with the server; closing the client settles the call.
    await client.close();
    await pending;
    await expectNoLeftovers();
  });
});
