/**
 * The real Gemini CLI (`gemini --prompt=… -o stream-json`), driven through the built server
 * spawned over stdio, against the scripted model server's Gemini dialect: answers, shell and
 * write_file, the read-only refusal, resume across server processes, cancel (the shell it started
 * included), timeout, upstream errors, concurrent runs, shutdown.
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
  callToolWithProgress(target, 'run_agent', { provider: 'gemini', model: 'mock-model', ...args });

const expectNoLeftovers = async () => {
  await expect
    .poll(() => environment.leftoverProcesses(), { timeout: 10_000, interval: 200 })
    .toEqual([]);
};
const geminiRequests = () =>
  environment.model.requests.filter((request) => request.dialect === 'gemini');

describe('gemini through the stdio server', () => {
  it('answers a plain prompt with the auto model (routing side call first), text and usage', async () => {
    const before = geminiRequests().length;
    const { isError, structured, progress } = await run({ prompt: 'Say hello', model: undefined });
    expect(isError).toBeUndefined();
    expect(structured).toMatchObject({
      status: 'completed',
      text: 'Echo: Say hello',
      provider: 'gemini',
    });
    expect(structured.usage!.input_tokens).toBeGreaterThan(0);
    expect(structured.usage!.output_tokens).toBeGreaterThan(0);
    expect(structured.session_id).toMatch(/^sa_/);
    const events = progress.events();
    assertProviderEventContract(events);
    // Deltas may or may not be sent before their finished block, depending on timing.
    const withoutDeltas = progress.sequence().filter((type) => type !== 'text-delta');
    expect(withoutDeltas).toEqual(['run-start', 'text', 'usage', 'run-end']);
    expect(
      geminiRequests()
        .slice(before)
        .map((request) => request.reply),
    ).toEqual(['side json', 'text']);
  });

  it('streams a shell tool call and its result in order under full-access', async () => {
    const { structured, progress } = await run({
      prompt: 'Run the greeting [[mock:tool]]',
      permissions: 'full-access',
    });
    expect(structured).toMatchObject({
      status: 'completed',
      text: 'Tool result received: hello-from-tool',
      tool_calls: 1,
    });
    const events = progress.events();
    assertProviderEventContract(events);
    const call = events.find((event) => event.type === 'tool-call');
    const result = events.find((event) => event.type === 'tool-result');
    expect(call).toMatchObject({
      toolName: 'run_shell_command',
      input: { command: 'echo hello-from-tool' },
    });
    expect(result).toMatchObject({ output: 'hello-from-tool', isError: false });
    expect(events.indexOf(call!)).toBeLessThan(events.indexOf(result!));
    expect(progress.messages()).toContain(
      'gemini · tool: run_shell_command "echo hello-from-tool"',
    );
  });

  it('reports a file written by write_file under workspace-write in files_changed, and it is on disk', async () => {
    const { structured } = await run({
      prompt: 'Create the file [[mock:patch=written-by-gemini.txt]]',
      permissions: 'workspace-write',
    });
    const path = join(environment.root, 'written-by-gemini.txt');
    expect(structured.status).toBe('completed');
    expect(structured.files_changed).toEqual([path]);
    expect(existsSync(path)).toBe(true);
  });

  it('keeps a read-only agent from writing files or running shell commands', async () => {
    const write = await run({
      prompt: 'Write a file [[mock:tooluse=write_file]]',
      permissions: 'read-only',
    });
    expect(write.structured.status).toBe('completed');
    expect(existsSync(join(environment.root, 'mock-file.txt'))).toBe(false);
    expect(write.structured.files_changed).toEqual([]);
    const refused = write.progress.events().find((event) => event.type === 'tool-result');
    expect(refused).toMatchObject({ toolName: 'write_file', isError: true });

    const shell = await run({
      prompt:
        'Make it [[mock:call=run_shell_command]] [[mock:args={"command":"mkdir made-by-gemini"}]]',
      permissions: 'read-only',
    });
    expect(shell.structured.status).toBe('completed');
    expect(existsSync(join(environment.root, 'made-by-gemini'))).toBe(false);
    // Not even offered to the model: the scripted model says so.
    expect(shell.structured.text).toMatch(/run_shell_command was not offered/);
  });

  it('refuses instructions with invalid_input rather than dropping them', async () => {
    const { isError, structured } = await run({ prompt: 'x', instructions: 'Answer in French.' });
    expect(isError).toBe(true);
    expect(structured.error).toMatchObject({ code: 'invalid_input' });
    expect(structured.error!.message).toMatch(/cannot take instructions/);
  });

  it('resumes a session from a new server process with the earlier history', async () => {
    const first = await run({
      prompt: 'Remember the word guava [[mock:tool]]',
      permissions: 'full-access',
    });
    expect(first.structured.status).toBe('completed');
    await server.close();
    server = await environment.startServer();
    const second = await callToolWithProgress(server, 'resume_agent', {
      session_id: first.structured.session_id,
      prompt: 'What did I ask? [[mock:recall]]',
    });
    expect(second.structured).toMatchObject({
      status: 'completed',
      session_id: first.structured.session_id,
    });
    expect(second.structured.text).toContain('Remember the word guava');
    expect(second.structured.text).toContain('hello-from-tool');
    const recall = geminiRequests().find((request) => request.directive === 'recall');
    expect(JSON.stringify(recall!.body)).toContain('Remember the word guava');
  });

  it('reports a model 500 and a 429 as failed runs with upstream_error', async () => {
    for (const status of [500, 429]) {
      const { isError, structured } = await run({ prompt: `Fail [[mock:error=${status}]]` });
      expect(isError).toBe(true);
      expect(structured.status).toBe('failed');
      expect(structured.error!.code).toBe('upstream_error');
      expect(structured.error!.message).toMatch(
        new RegExp(`Scripted ${status} from the scripted model server`),
      );
    }
  });

  it('cancelling during a stall ends gemini and its connection, and the session stays resumable', async () => {
    const { progress, cancel } = await startStalledRun(
      environment,
      server,
      { provider: 'gemini', model: 'mock-model', prompt: 'Take your time [[mock:stall]]' },
      'gemini',
    );
    expect(environment.leftoverProcesses().length).toBeGreaterThan(0);
    expect(await cancel('user pressed stop')).toBe('rejected');
    await expectNoLeftovers();
    await environment.model.waitForAllStreamsClosed(10_000);

    const start = progress.events().find((event) => event.type === 'run-start');
    const resumed = await callToolWithProgress(server, 'resume_agent', {
      session_id: start!.sessionId,
      prompt: 'Go on [[mock:recall]]',
    });
    expect(resumed.structured.status).toBe('completed');
    expect(resumed.structured.text).toContain('Take your time');
  });

  it('cancelling during a shell command ends the shell too, though it runs in its own session', async () => {
    const controller = new AbortController();
    const call = server.client
      .callTool(
        {
          name: 'run_agent',
          arguments: {
            provider: 'gemini',
            model: 'mock-model',
            permissions: 'full-access',
            prompt: 'Wait [[mock:tool=sleep 300 && echo never]]',
          },
        },
        undefined,
        { signal: controller.signal, timeout: 90_000 },
      )
      .then(
        () => 'answered',
        () => 'rejected',
      );
    await expect
      .poll(
        () => environment.leftoverProcesses().some((process) => /^sleep 300/.test(process.command)),
        { timeout: 30_000, interval: 200 },
      )
      .toBe(true);
    controller.abort('user pressed stop');
    expect(await call).toBe('rejected');
    await expectNoLeftovers();
  });

  it('answers timed_out when the run exceeds timeout_seconds, with the process tree gone', async () => {
    const { isError, structured } = await run({
      prompt: 'Never finish [[mock:stall]]',
      timeout_seconds: 6,
    });
    expect(isError).toBe(true);
    expect(structured).toMatchObject({ status: 'timed_out', error: { code: 'timed_out' } });
    expect(structured.session_id).toMatch(/^sa_/);
    await expectNoLeftovers();
  });

  it('gives two concurrent runs only their own events', async () => {
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

  it('ends running gemini processes when the client closes stdin', async () => {
    const disposable = await environment.startServer();
    const stalled = environment.model.waitForRequest(
      (request) =>
        request.dialect === 'gemini' &&
        request.directive === 'stall' &&
        !request.clientDisconnected,
      60_000,
    );
    void disposable.client
      .callTool(
        {
          name: 'run_agent',
          arguments: { provider: 'gemini', model: 'mock-model', prompt: 'Hang on [[mock:stall]]' },
        },
        undefined,
        { timeout: 90_000 },
      )
      .catch(() => undefined);
    await stalled;
    await disposable.close();
    await expectNoLeftovers();
  });

  it('lists gemini as available with its version and API-key auth', async () => {
    const result = await server.client.callTool({ name: 'list_providers', arguments: {} });
    const structured = result.structuredContent as { providers: Array<Record<string, unknown>> };
    expect(structured.providers.find((provider) => provider.id === 'gemini')).toMatchObject({
      available: true,
      version: '0.61.0',
      auth: 'ok',
      reason: 'API key (GEMINI_API_KEY), chosen by security.auth.selectedType "gemini-api-key"',
    });
  });
});
