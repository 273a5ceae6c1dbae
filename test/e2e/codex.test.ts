/**
 * The real `codex app-server`, driven through the built server spawned over stdio, against the
 * scripted model server's Responses dialect: answers, shell and apply_patch, approvals declined
 * by policy, resume across server processes, cancel, timeout, upstream errors.
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
  callToolWithProgress(target, 'run_agent', { provider: 'codex', ...args });

const expectNoLeftovers = async () => {
  await expect
    .poll(() => environment.leftoverProcesses(), { timeout: 10_000, interval: 200 })
    .toEqual([]);
};

describe('codex through the stdio server', () => {
  it('answers a plain prompt with the model text and usage', async () => {
    const { isError, structured, progress } = await run({ prompt: 'Say hello' });
    expect(isError).toBeUndefined();
    expect(structured).toMatchObject({
      status: 'completed',
      text: 'Echo: Say hello',
      provider: 'codex',
    });
    expect(structured.usage!.input_tokens).toBeGreaterThan(0);
    expect(structured.usage!.output_tokens).toBeGreaterThan(0);
    expect(structured.session_id).toMatch(/^sa_/);
    assertProviderEventContract(progress.events());
  });

  it('streams a shell tool call and its result in order', async () => {
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
    expect(call).toMatchObject({ toolName: 'shell' });
    expect(JSON.stringify(call)).toContain('echo hello-from-tool');
    expect(result).toMatchObject({ isError: false });
    expect((result as Extract<AgentEvent, { type: 'tool-result' }>).output).toContain(
      'hello-from-tool',
    );
    expect(events.indexOf(call!)).toBeLessThan(events.indexOf(result!));
  });

  it('reports a file created by apply_patch in files_changed, and it is on disk', async () => {
    const { structured } = await run({
      prompt: 'Create the file [[mock:patch=patched-by-codex.txt]]',
      permissions: 'workspace-write',
    });
    const path = join(environment.root, 'patched-by-codex.txt');
    expect(structured.status).toBe('completed');
    expect(structured.files_changed).toEqual([path]);
    expect(existsSync(path)).toBe(true);
  });

  it('declines an escalation under read-only by policy and still completes the run', async () => {
    const { structured, progress } = await run({
      prompt: 'Escalate [[mock:escalate=touch escalated-by-codex.txt]]',
      permissions: 'read-only',
    });
    expect(structured.status).toBe('completed');
    const request = progress.events().find((event) => event.type === 'permission-request');
    expect(request).toMatchObject({ kind: 'command', decision: 'declined' });
    expect(
      progress.messages().some((message) => /^codex · declined by policy: command/.test(message)),
    ).toBe(true);
    expect(existsSync(join(environment.root, 'escalated-by-codex.txt'))).toBe(false);
  });

  it('resumes a thread from a new server process with the earlier history', async () => {
    const first = await run({ prompt: 'Remember the word mango [[mock:tool]]' });
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
    expect(second.structured.text).toContain('Remember the word mango');
    expect(second.structured.text).toContain('hello-from-tool');
  });

  it('reports an upstream 500 as failed with the upstream error', async () => {
    const { isError, structured } = await run({ prompt: 'Fail [[mock:error=500]]' });
    expect(isError).toBe(true);
    expect(structured.status).toBe('failed');
    expect(structured.error!.code).toBe('upstream_error');
    expect(structured.error!.message.length).toBeGreaterThan(10);
  });

  it('cancelling during a stall ends codex and its connection, and the thread stays resumable', async () => {
    const { progress, cancel } = await startStalledRun(
      environment,
      server,
      { provider: 'codex', prompt: 'Take your time [[mock:stall]]' },
      'openai-responses',
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

  it('answers timed_out when the run exceeds timeout_seconds, with the process tree gone', async () => {
    const { isError, structured } = await run({
      prompt: 'Never finish [[mock:stall]]',
      timeout_seconds: 4,
    });
    expect(isError).toBe(true);
    expect(structured).toMatchObject({ status: 'timed_out', error: { code: 'timed_out' } });
    await expectNoLeftovers();
  });

  it('lists codex as available with its version', async () => {
    const result = await server.client.callTool({ name: 'list_providers', arguments: {} });
    const structured = result.structuredContent as { providers: Array<Record<string, unknown>> };
    expect(structured.providers.find((provider) => provider.id === 'codex')).toMatchObject({
      available: true,
      version: '0.171.0',
    });
  });
});
