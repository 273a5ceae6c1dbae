/**
 * The real `opencode serve`, started (and kept warm) by the built server over stdio, against the
 * scripted model server's Chat Completions dialect: answers, bash, edits, isolation of two
 * sessions in one directory, resume across server processes, abort, permissions, errors, and
 * no opencode process left behind.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentEvent } from '../../src/events/index.js';
import { assertProviderEventContract } from '../support/provider-contract.js';
import {
  callToolWithProgress,
  startStalledRun,
  createAgentTestEnvironment,
  type AgentTestEnvironment,
  type StdioServerHandle,
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

const run = (args: Record<string, unknown>, target = server) =>
  callToolWithProgress(target, 'run_agent', { provider: 'opencode', ...args });

const opencodeServers = () =>
  environment
    .leftoverProcesses()
    .filter((process) => / serve( |$)/.test(process.command) && /opencode/.test(process.command));

describe('opencode through the stdio server', () => {
  it('answers a plain prompt with the model text and usage, and a second run reuses the warm server', async () => {
    const first = await run({ prompt: 'Say hello' });
    expect(first.isError).toBeUndefined();
    expect(first.structured).toMatchObject({
      status: 'completed',
      text: 'Echo: Say hello',
      provider: 'opencode',
    });
    expect(first.structured.usage!.input_tokens).toBeGreaterThan(0);
    expect(first.structured.usage!.output_tokens).toBeGreaterThan(0);
    assertProviderEventContract(first.progress.events());
    const [warm] = opencodeServers();
    expect(warm).toBeDefined();

    const second = await run({ prompt: 'Say hello again' });
    expect(second.structured.text).toBe('Echo: Say hello again');
    expect(opencodeServers().map((process) => process.pid)).toEqual([warm!.pid]);
  });

  it('streams a bash tool call and its result in order', async () => {
    const { structured, progress } = await run({ prompt: 'Run the greeting [[mock:tool]]' });
    expect(structured).toMatchObject({
      status: 'completed',
      text: 'Tool result received: hello-from-tool',
      tool_calls: 1,
    });
    const events = progress.events();
    assertProviderEventContract(events);
    const call = events.find((event) => event.type === 'tool-call');
    const result = events.find((event) => event.type === 'tool-result');
    expect(call).toMatchObject({ toolName: 'bash' });
    expect((result as Extract<AgentEvent, { type: 'tool-result' }>).output).toContain(
      'hello-from-tool',
    );
    expect(events.indexOf(call!)).toBeLessThan(events.indexOf(result!));
  });

  it('reports an edited file in files_changed, and it is on disk', async () => {
    const { structured } = await run({
      prompt: 'Write it [[mock:patch=written-by-opencode.txt]]',
      permissions: 'workspace-write',
    });
    const path = join(environment.root, 'written-by-opencode.txt');
    expect(structured.status).toBe('completed');
    expect(structured.files_changed).toEqual([path]);
    expect(existsSync(path)).toBe(true);
  });

  it('gives two concurrent runs in two sessions of one directory only their own events', async () => {
    const [alpha, beta] = await Promise.all([
      run({ prompt: 'marker-alpha [[mock:slow=40]]' }),
      run({ prompt: 'marker-beta [[mock:slow=40]]' }),
    ]);
    expect(alpha.structured.text).toBe('Echo: marker-alpha [[mock:slow=40]]');
    expect(beta.structured.text).toBe('Echo: marker-beta [[mock:slow=40]]');
    expect(alpha.structured.session_id).not.toBe(beta.structured.session_id);
    const streamed = (events: AgentEvent[]) =>
      JSON.stringify(events.filter((event) => event.type !== 'run-start'));
    expect(streamed(alpha.progress.events())).not.toContain('marker-beta');
    expect(streamed(beta.progress.events())).not.toContain('marker-alpha');
    expect(streamed(alpha.progress.events())).toContain('marker-alpha');
  });

  it('rejects a permission ask under read-only by policy and still completes the run', async () => {
    const { structured, progress } = await run({
      prompt: 'Write it [[mock:patch=not-allowed-by-opencode.txt]]',
      permissions: 'read-only',
    });
    expect(structured.status).toBe('completed');
    expect(existsSync(join(environment.root, 'not-allowed-by-opencode.txt'))).toBe(false);
    const denied = progress
      .events()
      .filter(
        (event) =>
          event.type === 'permission-request' || (event.type === 'tool-result' && event.isError),
      );
    expect(denied.length).toBeGreaterThan(0);
  });

  it('reports a 401 from the model as failed with the upstream message', async () => {
    const { isError, structured } = await run({ prompt: 'Fail [[mock:error=401]]' });
    expect(isError).toBe(true);
    expect(structured.status).toBe('failed');
    expect(structured.error!.code).toBe('upstream_error');
    expect(structured.error!.message).toMatch(/Scripted 401 from the scripted model server/);
  });

  it('resumes a session from a new server process with the earlier history', async () => {
    const first = await run({ prompt: 'Remember the word papaya [[mock:tool]]' });
    expect(first.structured.status).toBe('completed');
    await server.close();
    await expect.poll(() => opencodeServers(), { timeout: 10_000 }).toEqual([]);
    server = await environment.startServer();
    const second = await callToolWithProgress(server, 'resume_agent', {
      session_id: first.structured.session_id,
      prompt: 'What did I ask? [[mock:recall]]',
    });
    expect(second.structured).toMatchObject({
      status: 'completed',
      session_id: first.structured.session_id,
    });
    expect(second.structured.text).toContain('Remember the word papaya');
    expect(second.structured.text).toContain('hello-from-tool');
  });

  it('aborts the turn when the client cancels during a stall, and the next turn works', async () => {
    const { progress, cancel } = await startStalledRun(
      environment,
      server,
      { provider: 'opencode', prompt: 'Take your time [[mock:stall]]' },
      'openai-chat',
    );
    expect(await cancel('user pressed stop')).toBe('rejected');
    await environment.model.waitForAllStreamsClosed(10_000);
    const start = progress.events().find((event) => event.type === 'run-start');
    const next = await callToolWithProgress(server, 'resume_agent', {
      session_id: start!.sessionId,
      prompt: 'Go on [[mock:recall]]',
    });
    expect(next.structured.status).toBe('completed');
    expect(next.structured.text).toContain('Take your time');
  });

  it('answers timed_out when the run exceeds timeout_seconds', async () => {
    const { structured } = await run({ prompt: 'Never finish [[mock:stall]]', timeout_seconds: 4 });
    expect(structured).toMatchObject({ status: 'timed_out', error: { code: 'timed_out' } });
    await environment.model.waitForAllStreamsClosed(10_000);
  });

  it('leaves no opencode server running after our server exits', async () => {
    expect(opencodeServers().length).toBe(1);
    await server.close();
    await expect.poll(() => environment.leftoverProcesses(), { timeout: 10_000 }).toEqual([]);
    server = await environment.startServer();
  });

  it('lists opencode as available with its version and models', async () => {
    const result = await server.client.callTool({ name: 'list_providers', arguments: {} });
    const structured = result.structuredContent as { providers: Array<Record<string, unknown>> };
    expect(structured.providers.find((provider) => provider.id === 'opencode')).toMatchObject({
      available: true,
      version: '1.18.33',
      auth: 'ok',
    });
  });
});
