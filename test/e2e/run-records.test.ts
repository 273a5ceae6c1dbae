/**
 * Run records through the built stdio server with the real `claude` against the scripted model:
 * each result links its record, `resources/read` returns the run's events, a long answer comes
 * back bounded with the link, and the record keeps the whole answer.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { CallToolResult, ResourceLink } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentEvent } from '../../src/events/index.js';
import { assertProviderEventContract } from '../support/provider-contract.js';
import { longAnswerText } from '../support/scripted-model-server/steering.js';
import {
  callToolWithProgress,
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

const linkOf = (result: CallToolResult): ResourceLink => {
  const links = result.content.filter((block) => block.type === 'resource_link');
  expect(links).toHaveLength(1);
  return links[0] as ResourceLink;
};

async function readRecord(uri: string): Promise<AgentEvent[]> {
  const read = await server.client.readResource({ uri });
  expect(read.contents).toHaveLength(1);
  const content = read.contents[0] as { uri: string; mimeType?: string; text: string };
  expect(content).toMatchObject({ uri, mimeType: 'application/x-ndjson' });
  return content.text
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as AgentEvent);
}

describe('run records through the stdio server', () => {
  it('links every result to its record, and resources/read returns the run events', async () => {
    const { result, structured, progress } = await callToolWithProgress(server, 'run_agent', {
      prompt: 'Run the greeting command [[mock:tool]]',
      model: 'mock-model',
    });
    expect(structured.status).toBe('completed');
    const sessionId = structured.session_id!;
    const uri = `subagent-mcp://sessions/${sessionId}/runs/1`;
    expect((result as CallToolResult).content[0]).toMatchObject({ type: 'text' });
    expect(linkOf(result as CallToolResult)).toMatchObject({
      type: 'resource_link',
      uri,
      mimeType: 'application/x-ndjson',
    });
    expect((result.structuredContent as { record_uri?: string }).record_uri).toBe(uri);

    const events = await readRecord(uri);
    assertProviderEventContract(events);
    const withoutDeltas = events.map((event) => event.type).filter((type) => type !== 'text-delta');
    const streamed = progress.sequence().filter((type) => type !== 'text-delta');
    expect(withoutDeltas).toEqual(streamed);
    expect(events[0]).toMatchObject({ type: 'run-start', sessionId, provider: 'claude-code' });
    expect(events.find((event) => event.type === 'tool-result')).toMatchObject({
      output: 'hello-from-tool',
    });
    expect(events.at(-1)).toMatchObject({ type: 'run-end', text: structured.text });

    const resumed = await callToolWithProgress(server, 'resume_agent', {
      session_id: sessionId,
      prompt: 'And again [[mock:recall]]',
    });
    const secondUri = `subagent-mcp://sessions/${sessionId}/runs/2`;
    expect(linkOf(resumed.result as CallToolResult).uri).toBe(secondUri);
    expect((await readRecord(secondUri)).at(-1)).toMatchObject({
      type: 'run-end',
      text: resumed.structured.text,
    });

    const listed = await server.client.listResources();
    expect(listed.resources.map((resource) => resource.uri)).toEqual(
      expect.arrayContaining([uri, secondUri]),
    );
    const templates = await server.client.listResourceTemplates();
    expect(templates.resourceTemplates.map((template) => template.uriTemplate)).toContain(
      'subagent-mcp://sessions/{session_id}/runs/{run}',
    );
    expect(readdirSync(join(environment.stateDir, 'runs', sessionId)).sort()).toEqual([
      '1.jsonl',
      '2.jsonl',
    ]);
  });

  it('refuses a record no run of that session made', async () => {
    await expect(
      server.client.readResource({
        uri: 'subagent-mcp://sessions/sa_AAAAAAAAAAAAAAAAAAAAAA/runs/1',
      }),
    ).rejects.toThrow(/No run record/);
    await expect(
      server.client.readResource({ uri: 'subagent-mcp://sessions/..%2F..%2Fetc/runs/1' }),
    ).rejects.toThrow(/No run record/);
  });

  it('bounds a 60,000-character answer, says where the whole answer is, and keeps it in the record', async () => {
    const { result, structured } = await callToolWithProgress(server, 'run_agent', {
      prompt: 'Write at length [[mock:long=60000]]',
      model: 'mock-model',
    });
    expect(structured.status).toBe('completed');
    const whole = longAnswerText('60000');
    const uri = linkOf(result as CallToolResult).uri;
    const bounded = structured as typeof structured & {
      text_truncated?: boolean;
      record_uri?: string;
    };
    expect(bounded.text_truncated).toBe(true);
    expect(bounded.record_uri).toBe(uri);
    expect(structured.text.length).toBeLessThan(20_500);
    expect(structured.text.startsWith(whole.slice(0, 16_000))).toBe(true);
    expect(structured.text.endsWith(whole.slice(-4_000))).toBe(true);
    expect(structured.text).toContain('40,000 of 60,000 characters cut here');
    expect(structured.text).toContain(uri);
    const textBlock = (result as CallToolResult).content[0] as { type: string; text: string };
    expect(textBlock.text.startsWith(structured.text)).toBe(true);

    const events = await readRecord(uri);
    expect(events.at(-1)).toMatchObject({ type: 'run-end', text: whole });
  });
});
