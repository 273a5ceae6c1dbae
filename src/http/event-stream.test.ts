import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentError } from '../errors/index.js';
import { openEventStream, type ServerSentEvent } from './event-stream.js';

let server: Server;
let baseUrl: string;
const open = new Set<ServerResponse>();

beforeAll(async () => {
  server = createServer((request, response) => {
    const url = request.url ?? '';
    if (url === '/refused') {
      response.writeHead(401, { 'www-authenticate': 'Basic' }).end();
      return;
    }
    if (url === '/silent-headers') return;
    response.writeHead(200, { 'content-type': 'text/event-stream' });
    open.add(response);
    response.on('close', () => open.delete(response));
    if (url === '/events') {
      // One event split across writes, a multi-line event, a comment and a named event.
      response.write('data: {"type":"a",');
      setTimeout(
        () => response.write('"n":1}\n\n: heartbeat\n\ndata: line one\ndata: line two\n\n'),
        20,
      );
      setTimeout(() => response.end('event: custom\nid: 7\ndata: last\n\n'), 40);
    } else if (url === '/endless') {
      response.write('data: first\n\n');
    } else if (url === '/broken') {
      response.write('data: first\n\n');
      setTimeout(() => response.socket?.destroy(), 30);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

async function collect(stream: AsyncIterable<ServerSentEvent>): Promise<ServerSentEvent[]> {
  const events: ServerSentEvent[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

describe('openEventStream', () => {
  it('yields the parsed events, however the bytes were split, and ends with the response', async () => {
    const stream = await openEventStream({ url: `${baseUrl}/events`, connectTimeoutMs: 2000 });
    expect(await collect(stream)).toEqual([
      { data: '{"type":"a","n":1}' },
      { data: 'line one\nline two' },
      { data: 'last', event: 'custom', id: '7' },
    ]);
    expect(stream.isClosed).toBe(true);
  });

  it('ends the iteration quietly and drops the connection on close()', async () => {
    const stream = await openEventStream({ url: `${baseUrl}/endless`, connectTimeoutMs: 2000 });
    const events: ServerSentEvent[] = [];
    for await (const event of stream) {
      events.push(event);
      stream.close();
    }
    expect(events).toEqual([{ data: 'first' }]);
    await expect.poll(() => open.size).toBe(0);
  });

  it('closes when its signal aborts', async () => {
    const controller = new AbortController();
    const stream = await openEventStream({
      url: `${baseUrl}/endless`,
      connectTimeoutMs: 2000,
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(), 50);
    expect(await collect(stream)).toEqual([{ data: 'first' }]);
    expect(stream.isClosed).toBe(true);
  });

  it('throws agent_crashed when the connection breaks mid-stream', async () => {
    const stream = await openEventStream({ url: `${baseUrl}/broken`, connectTimeoutMs: 2000 });
    const events: ServerSentEvent[] = [];
    const failure = await (async () => {
      for await (const event of stream) events.push(event);
    })().catch((error: unknown) => error);
    expect(events).toEqual([{ data: 'first' }]);
    expect(AgentError.is(failure, 'agent_crashed')).toBe(true);
    expect((failure as AgentError).message).toContain(`The event stream ${baseUrl}/broken broke`);
  });

  it('throws agent_crashed when the stream stays silent past the idle bound', async () => {
    const stream = await openEventStream({
      url: `${baseUrl}/endless`,
      connectTimeoutMs: 2000,
      idleTimeoutMs: 150,
    });
    const failure = await collect(stream).catch((error: unknown) => error);
    expect(AgentError.is(failure, 'agent_crashed')).toBe(true);
  });

  it('rejects a refusal with its HTTP status, and silence before the headers', async () => {
    const refused = await openEventStream({
      url: `${baseUrl}/refused`,
      connectTimeoutMs: 2000,
    }).catch((error: unknown) => error);
    expect(AgentError.is(refused, 'agent_crashed')).toBe(true);
    expect((refused as AgentError).details.httpStatus).toBe(401);

    const started = Date.now();
    const silent = await openEventStream({
      url: `${baseUrl}/silent-headers`,
      connectTimeoutMs: 200,
    }).catch((error: unknown) => error);
    expect(AgentError.is(silent, 'agent_crashed')).toBe(true);
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
