import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentError } from '../errors/index.js';
import { basicAuthorization, redactUrl, requestJson } from './http-request.js';

let server: Server;
let baseUrl: string;
const received: {
  method?: string;
  url?: string;
  headers: IncomingMessage['headers'];
  body: string;
}[] = [];

async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
  let body = '';
  for await (const chunk of request) body += String(chunk);
  received.push({ method: request.method, url: request.url, headers: request.headers, body });
  if (request.url?.startsWith('/json')) {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ echoed: body === '' ? null : (JSON.parse(body) as unknown) }));
  } else if (request.url === '/empty') {
    response.writeHead(204).end();
  } else if (request.url === '/missing') {
    response.writeHead(404, { 'content-type': 'text/plain' }).end('not here');
  } else if (request.url === '/hang') {
    // Never answers.
  }
}

beforeAll(async () => {
  server = createServer((request, response) => void handle(request, response));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('requestJson', () => {
  it('sends a JSON body with the given headers and parses the JSON answer', async () => {
    const response = await requestJson({
      url: `${baseUrl}/json?x=1`,
      method: 'POST',
      headers: { authorization: basicAuthorization('opencode', 'secret') },
      body: { hello: 'world' },
      timeoutMs: 2000,
    });
    expect(response).toMatchObject({ status: 200, body: { echoed: { hello: 'world' } } });
    const last = received.at(-1);
    expect(last?.headers['content-type']).toBe('application/json');
    expect(last?.headers.authorization).toBe(
      `Basic ${Buffer.from('opencode:secret').toString('base64')}`,
    );
  });

  it('returns any status, with a text body when it is not JSON and "" when empty', async () => {
    expect(await requestJson({ url: `${baseUrl}/missing`, timeoutMs: 2000 })).toEqual({
      status: 404,
      body: 'not here',
      text: 'not here',
    });
    expect(await requestJson({ url: `${baseUrl}/empty`, method: 'POST', timeoutMs: 2000 })).toEqual(
      { status: 204, body: '', text: '' },
    );
  });

  it('throws agent_crashed naming the request when it times out', async () => {
    const failure = await requestJson({ url: `${baseUrl}/hang?secret=1`, timeoutMs: 200 }).catch(
      (error: unknown) => error,
    );
    expect(AgentError.is(failure, 'agent_crashed')).toBe(true);
    expect((failure as AgentError).message).toBe(`GET ${baseUrl}/hang timed out after 200 ms`);
  });

  it('throws agent_crashed when nothing listens', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const failure = await requestJson({ url: `http://127.0.0.1:${port}/`, timeoutMs: 2000 }).catch(
      (error: unknown) => error,
    );
    expect(AgentError.is(failure, 'agent_crashed')).toBe(true);
    expect((failure as AgentError).message).toContain('ECONNREFUSED');
  });

  it('stops when the caller aborts', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const failure = await requestJson({
      url: `${baseUrl}/hang`,
      timeoutMs: 5000,
      signal: controller.signal,
    }).catch((error: unknown) => error);
    expect((failure as AgentError).message).toBe(`GET ${baseUrl}/hang was aborted`);
  });
});

describe('redactUrl', () => {
  it('drops credentials and the query', () => {
    expect(redactUrl('http://user:pw@127.0.0.1:9/event?directory=%2Fx')).toBe(
      'http://127.0.0.1:9/event',
    );
  });
});
