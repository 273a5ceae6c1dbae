/**
 * The HTTP transport's default-on security against the REAL built server listening on
 * 127.0.0.1: bearer token (401), Host and Origin (403), body bound (413), unknown sessions
 * (404), the newer-era probe (prompt 400), non-loopback refusal and the generated token file.
 */
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  rawRequest,
  runCliToExit,
  startHttpServer,
  testHttpToken,
  type HttpServerHandle,
} from '../support/http-server-harness.js';
import {
  createAgentTestEnvironment,
  type AgentTestEnvironment,
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

const jsonHeaders = {
  Accept: 'application/json, text/event-stream',
  'Content-Type': 'application/json',
};
const initializeBody = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: {
    protocolVersion: '2025-11-25',
    capabilities: {},
    clientInfo: { name: 'raw', version: '1' },
  },
});
const host = () => `127.0.0.1:${server.port}`;
const authorized = () => ({
  ...jsonHeaders,
  Host: host(),
  Authorization: `Bearer ${testHttpToken}`,
});

describe('authentication', () => {
  it('answers 401 with WWW-Authenticate: Bearer without a token or with a wrong one', async () => {
    for (const authorization of [undefined, `Bearer ${testHttpToken}x`, `Basic ${testHttpToken}`]) {
      const response = await rawRequest({
        port: server.port,
        headers: {
          ...jsonHeaders,
          Host: host(),
          ...(authorization ? { Authorization: authorization } : {}),
        },
        body: initializeBody,
      });
      expect(response.status, authorization).toBe(401);
      expect(String(response.headers['www-authenticate'])).toMatch(/^Bearer\b/);
    }
  });

  it('rejects an SDK client with a wrong token', async () => {
    await expect(server.connect('not-the-token-at-all-0123')).rejects.toThrow(/401|Unauthorized/);
  });

  it('never prints the configured token', () => {
    expect(server.stderr()).not.toContain(testHttpToken);
    expect(server.stderr()).toMatch(/^subagent-mcp: listening on http:\/\/127\.0\.0\.1:\d+\/mcp$/m);
  });
});

describe('Host and Origin', () => {
  it('answers 403 to a foreign Host, even with the token', async () => {
    for (const foreign of [`evil.example:${server.port}`, '127.0.0.1:1', 'localhost']) {
      const response = await rawRequest({
        port: server.port,
        headers: { ...authorized(), Host: foreign },
        body: initializeBody,
      });
      expect(response.status, foreign).toBe(403);
    }
  });

  it('accepts localhost as a loopback Host', async () => {
    const response = await rawRequest({
      port: server.port,
      headers: { ...authorized(), Host: `localhost:${server.port}` },
      body: initializeBody,
    });
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/text\/event-stream/);
  });

  it('answers 403 to any present Origin (none allowed by default), before checking the token', async () => {
    for (const origin of ['http://evil.example', `http://localhost:${server.port}`, 'null']) {
      const response = await rawRequest({
        port: server.port,
        headers: { ...jsonHeaders, Host: host(), Origin: origin },
        body: initializeBody,
      });
      expect(response.status, origin).toBe(403);
    }
  });
});

describe('requests', () => {
  it('answers 404 for other paths', async () => {
    const response = await fetch(`http://127.0.0.1:${server.port}/other`, {
      headers: { Authorization: `Bearer ${testHttpToken}` },
    });
    expect(response.status).toBe(404);
  });

  it('answers 413 to an oversized body and keeps serving', async () => {
    const response = await fetch(server.url, {
      method: 'POST',
      headers: { ...jsonHeaders, Authorization: `Bearer ${testHttpToken}` },
      body: JSON.stringify({ padding: 'x'.repeat(5 * 1024 * 1024) }),
    }).catch((error: unknown) => error as Error);
    if (response instanceof Error) throw response;
    expect(response.status).toBe(413);
    const { client } = await server.connect();
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name)).toContain('run_agent');
    await client.close();
  });

  it('answers 404 to an unknown session id', async () => {
    const response = await rawRequest({
      port: server.port,
      headers: { ...authorized(), 'Mcp-Session-Id': 'no-such-session' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' }),
    });
    expect(response.status).toBe(404);
  });

  it('answers the 2026-07-28 probe without a session promptly with a 4xx', async () => {
    for (const body of [
      JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'server/discover', params: {} }),
      JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
      initializeBody,
    ]) {
      const started = Date.now();
      const response = await fetch(server.url, {
        method: 'POST',
        headers: {
          ...jsonHeaders,
          Authorization: `Bearer ${testHttpToken}`,
          'MCP-Protocol-Version': '2026-07-28',
        },
        body,
        signal: AbortSignal.timeout(5000),
      });
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(response.status).toBeLessThan(500);
      await response.text();
      expect(Date.now() - started).toBeLessThan(2000);
    }
  });
});

describe('start-up', () => {
  it('refuses a non-loopback bind without a configured token (exit 2)', async () => {
    const { code, stderr } = await runCliToExit(environment, [
      '--http',
      '--host',
      '0.0.0.0',
      '--port',
      '0',
      '--state-dir',
      environment.stateDir,
    ]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/refusing to listen on 0\.0\.0\.0 without a configured token/);
  });

  it('generates a private token once, prints it once, and reuses it', async () => {
    const stateDir = join(environment.root, '..', 'token-state');
    const options = {
      args: ['--state-dir', stateDir],
      environment: { SUBAGENT_MCP_HTTP_TOKEN: '' },
    };
    const first = await startHttpServer(environment, options);
    const token = readFileSync(join(stateDir, 'http-token'), 'utf8').trim();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(statSync(join(stateDir, 'http-token')).mode & 0o777).toBe(0o600);
    expect(first.stderr().split(token).length - 1).toBe(1);
    const { client } = await first.connect(token);
    expect((await client.listTools()).tools.length).toBeGreaterThan(0);
    expect(await first.stop()).toBe(0);

    const second = await startHttpServer(environment, options);
    expect(second.stderr()).not.toContain(token);
    await expect(second.connect(testHttpToken)).rejects.toThrow();
    const again = await second.connect(token);
    expect((await again.client.listTools()).tools.length).toBeGreaterThan(0);
    expect(await second.stop()).toBe(0);
  });
  it('closes a session idle for http.sessionIdleSeconds', async () => {
    const configPath = join(environment.root, '..', 'idle-config.json');
    writeFileSync(configPath, JSON.stringify({ http: { sessionIdleSeconds: 1 } }));
    const idle = await startHttpServer(environment, { args: ['--config', configPath] });
    const { client, transport } = await idle.connect();
    await client.listTools();
    await new Promise((resolve) => setTimeout(resolve, 2500));
    const response = await rawRequest({
      port: idle.port,
      headers: {
        ...jsonHeaders,
        Host: `127.0.0.1:${idle.port}`,
        Authorization: `Bearer ${testHttpToken}`,
        'Mcp-Session-Id': transport.sessionId!,
        'MCP-Protocol-Version': '2025-11-25',
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 9, method: 'tools/list' }),
    });
    expect(response.status).toBe(404);
    expect(await idle.stop()).toBe(0);
  });
});
