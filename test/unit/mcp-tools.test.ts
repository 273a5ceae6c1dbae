import { afterEach, describe, expect, it } from 'vitest';
import type { Progress } from '@modelcontextprotocol/sdk/types.js';
import { eventOf } from '../support/progress-recorder.js';
import { createScriptedProvider } from '../support/scripted-provider.js';
import { startInMemoryServer, type InMemoryServer } from '../support/in-memory-server.js';

const answer = (request: { cwd: string }, text = 'All done.') => [
  {
    type: 'run-start' as const,
    provider: 'scripted',
    nativeSessionId: 'native-1',
    model: 'model-x',
    cwd: request.cwd,
  },
  { type: 'text-delta' as const, blockId: 'b1', delta: text },
  { type: 'usage' as const, usage: { inputTokens: 10, outputTokens: 3, costUsd: 0.01 } },
  {
    type: 'run-end' as const,
    status: 'completed' as const,
    text,
    finishReason: { unified: 'stop' as const, raw: 'end_turn' },
    nativeSessionId: 'native-1',
    model: 'model-x',
  },
];

let server: InMemoryServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('the three tools', () => {
  it('lists run_agent, resume_agent and list_providers with output schemas and annotations', async () => {
    server = await startInMemoryServer({ providers: [createScriptedProvider(answer)] });
    const { tools } = await server.client.listTools();
    expect(tools.map((tool) => tool.name).sort()).toEqual([
      'cancel_agent',
      'list_providers',
      'resume_agent',
      'run_agent',
      'wait_agent',
    ]);
    const run = tools.find((tool) => tool.name === 'run_agent')!;
    expect(run.inputSchema.required).toEqual(['prompt']);
    expect(Object.keys(run.outputSchema!.properties!)[0]).toBe('text');
    expect(run.annotations).toMatchObject({
      readOnlyHint: false,
      destructiveHint: true,
      openWorldHint: true,
    });
    expect(tools.find((tool) => tool.name === 'list_providers')!.annotations?.readOnlyHint).toBe(
      true,
    );
    for (const tool of tools) expect(Buffer.byteLength(tool.description ?? '')).toBeLessThan(2048);
  });

  it('returns the answer first in structuredContent, with session, usage and a text footer', async () => {
    server = await startInMemoryServer({ providers: [createScriptedProvider(answer)] });
    const result = await server.client.callTool({ name: 'run_agent', arguments: { prompt: 'go' } });
    expect(result.isError).toBeUndefined();
    const structured = result.structuredContent as Record<string, unknown>;
    expect(Object.keys(structured)[0]).toBe('text');
    expect(structured).toMatchObject({
      text: 'All done.',
      status: 'completed',
      provider: 'scripted',
      model: 'model-x',
      usage: { input_tokens: 10, output_tokens: 3, cost_usd: 0.01 },
      tool_calls: 0,
      files_changed: [],
    });
    expect(structured.session_id).toMatch(/^sa_/);
    const content = result.content as Array<{ type: string; text: string }>;
    expect(content[0]!.text).toContain('All done.');
    expect(content[0]!.text).toContain(`session_id: ${String(structured.session_id)}`);
  });

  it('lists providers with availability, capabilities and the default', async () => {
    server = await startInMemoryServer({ providers: [createScriptedProvider(answer)] });
    const result = await server.client.callTool({ name: 'list_providers', arguments: {} });
    expect(result.structuredContent).toEqual({
      providers: [
        {
          id: 'scripted',
          name: 'Scripted test provider',
          available: true,
          version: '1.0.0',
          auth: 'ok',
          capabilities: { resume: true, cancel: true, permissions: true, streaming_text: true },
        },
      ],
      default_provider: 'scripted',
    });
  });

  it('reports how many processes a provider keeps warm as it is now, not as probed', async () => {
    let warm = 0;
    const provider = { ...createScriptedProvider(answer), warmProcesses: () => warm };
    server = await startInMemoryServer({ providers: [provider] });
    const warmProcesses = async () => {
      const result = await server!.client.callTool({ name: 'list_providers', arguments: {} });
      const structured = result.structuredContent as { providers: Array<Record<string, unknown>> };
      return structured.providers[0]?.warm_processes;
    };
    expect(await warmProcesses()).toBe(0);
    warm = 1;
    expect(await warmProcesses()).toBe(1);
  });
});

describe('progress notifications', () => {
  it('carry strictly increasing progress, a readable message and the event, with deltas coalesced', async () => {
    const deltas = Array.from({ length: 50 }, (_, index) => ({
      type: 'text-delta' as const,
      blockId: 'b1',
      delta: `w${index} `,
    }));
    const provider = createScriptedProvider((request) => [
      { type: 'run-start', provider: 'scripted', nativeSessionId: 'n', cwd: request.cwd },
      ...deltas,
      { type: 'tool-call', callId: 'c1', toolName: 'Bash', input: { command: 'npm test' } },
      { type: 'tool-result', callId: 'c1', toolName: 'Bash', output: 'ok', isError: false },
      { type: 'run-end', status: 'completed', text: 'done', finishReason: { unified: 'stop' } },
    ]);
    server = await startInMemoryServer({ providers: [provider] });
    const seen: Progress[] = [];
    let resultArrived = false;
    const result = await server.client.callTool(
      { name: 'run_agent', arguments: { prompt: 'go' } },
      undefined,
      {
        onprogress: (progress) => {
          expect(resultArrived).toBe(false);
          seen.push(progress);
        },
      },
    );
    resultArrived = true;
    expect(result.isError).toBeUndefined();
    const values = seen.map((progress) => progress.progress);
    for (let index = 1; index < values.length; index += 1)
      expect(values[index]).toBeGreaterThan(values[index - 1]!);
    expect(seen.every((progress) => progress.total === undefined)).toBe(true);
    const events = seen.map((progress) => eventOf(progress));
    const types = events.map((event) => event?.type);
    expect(types.filter((type) => type === 'text-delta').length).toBeLessThan(5);
    expect(types.indexOf('tool-call')).toBeLessThan(types.indexOf('tool-result'));
    expect(types.at(-1)).toBe('run-end');
    expect(seen.map((progress) => progress.message)).toContain('scripted · tool: Bash "npm test"');
    const merged = events
      .filter((event) => event?.type === 'text-delta')
      .map((event) => (event as unknown as { delta: string }).delta)
      .join('');
    expect(merged).toBe(deltas.map((delta) => delta.delta).join(''));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(seen.at(-1)!.progress).toBe(values.at(-1));
  });

  it('sends a heartbeat while the agent is silent', async () => {
    const provider = createScriptedProvider((request) => [
      { type: 'run-start', provider: 'scripted', nativeSessionId: 'n', cwd: request.cwd },
      { wait: 700 },
      { type: 'run-end', status: 'completed', text: 'done', finishReason: { unified: 'stop' } },
    ]);
    server = await startInMemoryServer({
      providers: [provider],
      config: { heartbeatSeconds: 0.2 },
    });
    const messages: string[] = [];
    await server.client.callTool({ name: 'run_agent', arguments: { prompt: 'go' } }, undefined, {
      onprogress: (progress) => messages.push(progress.message ?? ''),
    });
    expect(
      messages.filter((message) => /^scripted · working \(\d+ s\)$/.test(message)).length,
    ).toBeGreaterThanOrEqual(2);
  });
});
