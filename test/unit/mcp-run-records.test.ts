import { afterEach, describe, expect, it } from 'vitest';
import { createScriptedProvider } from '../support/scripted-provider.js';
import { startInMemoryServer, type InMemoryServer } from '../support/in-memory-server.js';

const answer = (request: { cwd: string }) => [
  {
    type: 'run-start' as const,
    provider: 'scripted',
    nativeSessionId: 'native-1',
    cwd: request.cwd,
  },
  {
    type: 'run-end' as const,
    status: 'completed' as const,
    text: 'Done.',
    finishReason: { unified: 'stop' as const },
    nativeSessionId: 'native-1',
  },
];

const servers: InMemoryServer[] = [];
afterEach(async () => {
  // The restarted server shares the first one's state dir, which the first removes: last first.
  for (const server of servers.splice(0).reverse()) await server.close();
});

describe('run records over MCP', () => {
  it('lists only the runs of its own connection, and reads any record whose session it can name', async () => {
    const first = await startInMemoryServer({ providers: [createScriptedProvider(answer)] });
    servers.push(first);
    const result = await first.client.callTool({ name: 'run_agent', arguments: { prompt: 'Go' } });
    const uri = (result.structuredContent as { record_uri: string }).record_uri;
    expect(uri).toMatch(/^subagent-mcp:\/\/sessions\/sa_[\w-]{22}\/runs\/1$/);
    expect((await first.client.listResources()).resources.map((resource) => resource.uri)).toEqual([
      uri,
    ]);

    const second = await first.restart();
    servers.push(second);
    expect((await second.client.listResources()).resources).toEqual([]);
    const read = await second.client.readResource({ uri });
    const text = (read.contents[0] as { text: string }).text;
    expect(
      text
        .trim()
        .split('\n')
        .map((line) => (JSON.parse(line) as { type: string }).type),
    ).toEqual(['run-start', 'run-end']);
  });

  it('gives a run refused before it started no record and no link', async () => {
    const server = await startInMemoryServer({ providers: [createScriptedProvider(answer)] });
    servers.push(server);
    const result = await server.client.callTool({
      name: 'resume_agent',
      arguments: { session_id: 'sa_AAAAAAAAAAAAAAAAAAAAAA', prompt: 'Go on' },
    });
    expect(result.isError).toBe(true);
    expect((result.content as Array<{ type: string }>).map((block) => block.type)).toEqual([
      'text',
    ]);
    expect(result.structuredContent).not.toHaveProperty('record_uri');
  });
});
