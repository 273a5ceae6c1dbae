/**
 * The real `claude` binary, driven through the built server spawned over stdio, against the
 * scripted model server: answers, tool calls, resume across server processes, errors.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertProviderEventContract } from '../support/provider-contract.js';
import {
  createAgentTestEnvironment,
  type AgentTestEnvironment,
  type StdioServerHandle,
  callToolWithProgress,
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

const run = callToolWithProgress;

describe('claude-code through the stdio server', () => {
  it('answers a plain prompt with the model text and usage', async () => {
    const { result, structured, progress } = await run(server, 'run_agent', {
      prompt: 'Say hello',
      model: 'mock-model',
    });
    expect(result.isError).toBeUndefined();
    expect(structured).toMatchObject({
      status: 'completed',
      text: 'Echo: Say hello',
      provider: 'claude-code',
    });
    expect(structured.usage!.input_tokens).toBeGreaterThan(0);
    expect(structured.usage!.output_tokens).toBeGreaterThan(0);
    expect(structured.session_id).toMatch(/^sa_/);
    assertProviderEventContract(progress.events());
    // Deltas may or may not be sent before their finished block, depending on timing.
    const withoutDeltas = progress.sequence().filter((type) => type !== 'text-delta');
    expect(withoutDeltas).toEqual(['run-start', 'text', 'usage', 'run-end']);
  });

  it('streams a Bash tool call and its result in order, with the event in _meta', async () => {
    const { structured, progress } = await run(server, 'run_agent', {
      prompt: 'Run the greeting command [[mock:tool]]',
      model: 'mock-model',
    });
    expect(structured).toMatchObject({
      status: 'completed',
      text: 'Tool result received: hello-from-tool',
      tool_calls: 1,
    });
    const values = progress.notifications.map((notification) => notification.progress);
    values.forEach(
      (value, index) => index > 0 && expect(value).toBeGreaterThan(values[index - 1]!),
    );
    const events = progress.events();
    assertProviderEventContract(events);
    const call = events.find((event) => event.type === 'tool-call');
    const toolResult = events.find((event) => event.type === 'tool-result');
    expect(call).toMatchObject({ toolName: 'Bash', input: { command: 'echo hello-from-tool' } });
    expect(toolResult).toMatchObject({
      toolName: 'Bash',
      output: 'hello-from-tool',
      isError: false,
    });
    expect(events.indexOf(call!)).toBeLessThan(events.indexOf(toolResult!));
    expect(progress.messages()).toContain('claude-code · tool: Bash "echo hello-from-tool"');
  });

  it('resumes a session from a new server process with the earlier history', async () => {
    const first = await run(server, 'run_agent', {
      prompt: 'Remember the word pineapple [[mock:tool]]',
      model: 'mock-model',
    });
    expect(first.structured.status).toBe('completed');
    await server.close();
    server = await environment.startServer();
    const second = await run(server, 'resume_agent', {
      session_id: first.structured.session_id,
      prompt: 'What did I ask before? [[mock:recall]]',
    });
    expect(second.structured).toMatchObject({
      status: 'completed',
      session_id: first.structured.session_id,
    });
    expect(second.structured.text).toContain('Remember the word pineapple');
    expect(second.structured.text).toContain('hello-from-tool');
    const recall = environment.model.requests.find((request) => request.directive === 'recall');
    const messages = (recall!.body as { messages: unknown[] }).messages;
    expect(JSON.stringify(messages)).toContain('Remember the word pineapple');
  });

  it('reports an upstream 500 as failed with the upstream message', async () => {
    const { result, structured } = await run(server, 'run_agent', {
      prompt: 'Fail please [[mock:error=500]]',
      model: 'mock-model',
    });
    expect(result.isError).toBe(true);
    expect(structured.status).toBe('failed');
    expect(structured.error!.code).toBe('upstream_error');
    expect(structured.error!.message).toMatch(/500/);
    expect(structured.error!.message).toMatch(/Scripted 500 from the scripted model server/);
  });

  it('keeps a read-only agent from writing files', async () => {
    const { structured } = await run(server, 'run_agent', {
      prompt: 'Write a file [[mock:tooluse=Write]]',
      model: 'mock-model',
      permissions: 'read-only',
    });
    expect(structured.status).toBe('completed');
    expect(existsSync(join(environment.root, 'mock-file.txt'))).toBe(false);
    expect(structured.files_changed).toEqual([]);
  });

  it('lets a workspace-write agent create a file and reports it in files_changed', async () => {
    const { structured } = await run(server, 'run_agent', {
      prompt: 'Write a file [[mock:tooluse=Write]]',
      model: 'mock-model',
      permissions: 'workspace-write',
    });
    expect(structured.status).toBe('completed');
    expect(existsSync(join(environment.root, 'mock-file.txt'))).toBe(true);
    expect(structured.files_changed).toEqual([join(environment.root, 'mock-file.txt')]);
  });

  it('runs a full-access agent as root (IS_SANDBOX handled for the child)', async () => {
    const { structured } = await run(server, 'run_agent', {
      prompt: 'Make a directory [[mock:tool=mkdir made-by-full-access]]',
      model: 'mock-model',
      permissions: 'full-access',
    });
    expect(structured.status).toBe('completed');
    expect(existsSync(join(environment.root, 'made-by-full-access'))).toBe(true);
  });

  it('lists claude-code as available with its version and auth', async () => {
    const result = await server.client.callTool({ name: 'list_providers', arguments: {} });
    const structured = result.structuredContent as {
      providers: Array<Record<string, unknown>>;
      default_provider: string;
    };
    expect(structured.default_provider).toBe('claude-code');
    expect(structured.providers.find((provider) => provider.id === 'claude-code')).toMatchObject({
      available: true,
      version: expect.stringMatching(/^\d+\.\d+\.\d+/) as unknown,
      auth: 'ok',
    });
  });
});
