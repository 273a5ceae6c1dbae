/**
 * Serves MCP over Streamable HTTP on `/mcp` with node:http, in both protocol eras:
 * - 2025-era clients (they open with `initialize`) get stateful sessions: one McpServer and
 *   one transport per MCP session (all sharing the caller's RunService), responses as SSE
 *   (never JSON mode, which drops progress);
 * - 2026-07-28 clients (each request carries its protocol version in `_meta`) are served per
 *   request by the SDK's handler, with no session; what outlives a request (background runs,
 *   tasks) is found again under the same bearer token.
 * Every request is checked in this order:
 *   Host / Origin (403) → bearer token (401) → path (404) → method (405) → body size (413)
 *   → session lookup (404 for an unknown session or one created under another token).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  NodeStreamableHTTPServerTransport,
  toNodeHandler,
  toWebRequest,
} from '@modelcontextprotocol/node';
import {
  createMcpHandler,
  isInitializeRequest,
  isJSONRPCRequest,
  isLegacyRequest,
  SUPPORTED_PROTOCOL_VERSIONS,
  type AuthInfo,
  type McpServer,
  type ProtocolEra,
  type RequestId,
} from '@modelcontextprotocol/server';
import type { ClientStreamLookup } from '../progress/client-stream.js';
import {
  hostForUrl,
  isAuthorized,
  isHostAllowed,
  isOriginAllowed,
  sessionBelongsTo,
  tokenFingerprint,
} from '../http/security.js';

export const defaultMaxBodyBytes = 4 * 1024 * 1024;

export interface HttpServeOptions {
  host: string;
  port: number;
  token: string;
  allowedOrigins: readonly string[];
  sessionIdleMs: number;
  maxBodyBytes?: number;
  /**
   * A fresh MCP server for one session; `clientStreams` finds the HTTP response that carries a
   * request's messages, so progress can wait for a slow client (progress/client-stream.ts);
   * `owner` names the bearer token the session was opened with (its fingerprint, hex), so
   * what outlives a session (background runs) is found again only under the same token.
   */
  createServer: (session: {
    clientStreams?: ClientStreamLookup;
    owner: string;
    era: ProtocolEra;
  }) => McpServer;
  log: (line: string) => void;
}

export interface HttpServing {
  /** `http://host:port/mcp` */
  url: string;
  port: number;
  readonly sessionCount: number;
  /** Closes every session (aborting its tool calls) and the listener. */
  close(): Promise<void>;
}

interface SessionEntry {
  transport: NodeStreamableHTTPServerTransport;
  server: McpServer;
  tokenFingerprint: Buffer;
  lastSeen: number;
  openRequests: number;
  /** The open response of each request in flight, by JSON-RPC id. */
  responses: Map<RequestId, ServerResponse>;
}

export async function serveHttp(options: HttpServeOptions): Promise<HttpServing> {
  const expected = tokenFingerprint(options.token);
  const maxBodyBytes = options.maxBodyBytes ?? defaultMaxBodyBytes;
  const sessions = new Map<string, SessionEntry>();
  let bound = { host: options.host, port: options.port };
  let closing = false;

  const closeSession = async (id: string) => {
    const entry = sessions.get(id);
    if (!entry) return;
    sessions.delete(id);
    // Closing the transport aborts the signals of the session's in-flight tool calls.
    await entry.transport.close().catch(() => undefined);
    await entry.server.close().catch(() => undefined);
  };

  // 2026-07-28 requests: a server per request, told who asks by the token's fingerprint and
  // lent the request's HTTP response (its only stream), found through the request's context.
  const modernResponse = new AsyncLocalStorage<ServerResponse>();
  const modern = createMcpHandler(
    ({ authInfo }) => {
      const response = modernResponse.getStore();
      return options.createServer({
        owner: authInfo!.clientId,
        era: 'modern',
        ...(response && { clientStreams: () => response }),
      });
    },
    {
      legacy: 'reject',
      maxRequestBodySize: maxBodyBytes,
      onerror: (error) => options.log(`MCP request failed: ${error.message}`),
    },
  );
  const serveModern = toNodeHandler(modern, { maxRequestBodySize: maxBodyBytes });

  const openSession = async (presented: Buffer): Promise<NodeStreamableHTTPServerTransport> => {
    const responses = new Map<RequestId, ServerResponse>();
    const server = options.createServer({
      clientStreams: (id) => responses.get(id),
      owner: presented.toString('hex'),
      era: 'legacy',
    });
    let entry: SessionEntry | undefined;
    const transport = new NodeStreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      maxRequestBodySize: maxBodyBytes,
      onsessioninitialized: (id) => {
        entry = {
          transport,
          server,
          tokenFingerprint: presented,
          lastSeen: Date.now(),
          openRequests: 1,
          responses,
        };
        sessions.set(id, entry);
      },
    });
    transport.onclose = () => {
      const id = transport.sessionId;
      if (id !== undefined && sessions.get(id) === entry) sessions.delete(id);
      void server.close().catch(() => undefined);
    };
    await server.connect(transport);
    return transport;
  };

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    if (!isHostAllowed(request.headers.host, bound)) {
      return sendError(response, 403, 'Forbidden: Host header not allowed');
    }
    if (!isOriginAllowed(request.headers.origin, options.allowedOrigins)) {
      return sendError(response, 403, 'Forbidden: Origin not allowed');
    }
    const presented = isAuthorized(request.headers.authorization, expected);
    if (!presented) {
      response.setHeader('WWW-Authenticate', 'Bearer realm="subagent-mcp"');
      return sendError(response, 401, 'Unauthorized: a valid bearer token is required');
    }
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (path !== '/mcp') return sendError(response, 404, 'Not Found');
    const method = request.method ?? '';
    if (!['POST', 'GET', 'DELETE'].includes(method)) {
      response.setHeader('Allow', 'GET, POST, DELETE');
      return sendError(response, 405, 'Method Not Allowed');
    }

    let body: unknown;
    if (method === 'POST') {
      const read = await readBody(request, maxBodyBytes);
      if (read === 'too-large') return rejectTooLarge(request, response, maxBodyBytes);
      try {
        body = JSON.parse(read.toString('utf8'));
      } catch {
        return sendError(response, 400, 'Parse error: the body is not JSON', -32700);
      }
    }

    const sessionId = request.headers['mcp-session-id'];
    if (typeof sessionId === 'string') {
      const entry = sessions.get(sessionId);
      if (!entry || !sessionBelongsTo(entry, presented)) {
        return sendError(response, 404, 'Session not found', -32001);
      }
      entry.lastSeen = Date.now();
      // A standalone GET stream is no activity: only requests (POST, DELETE) keep a session alive.
      if (method !== 'GET') {
        entry.openRequests += 1;
        response.once('close', () => {
          entry.openRequests -= 1;
          entry.lastSeen = Date.now();
        });
      }
      if (isJSONRPCRequest(body)) trackResponse(entry.responses, body.id, response);
      return entry.transport.handleRequest(request, response, body);
    }
    if (method === 'POST' && !isInitializeRequest(body) && (await isModernRequest(request, body))) {
      if (closing) return sendError(response, 503, 'Server is shutting down');
      const auth: AuthInfo = { token: '', clientId: presented.toString('hex'), scopes: [] };
      return modernResponse.run(response, () =>
        serveModern(Object.assign(request, { auth }), response, body),
      );
    }
    if (method !== 'POST' || !isInitializeRequest(body)) {
      return sendError(response, 400, 'Bad Request: Mcp-Session-Id header is required');
    }
    const version = request.headers['mcp-protocol-version'];
    if (typeof version === 'string' && !SUPPORTED_PROTOCOL_VERSIONS.includes(version)) {
      return sendError(response, 400, `Bad Request: Unsupported protocol version: ${version}`);
    }
    if (closing) return sendError(response, 503, 'Server is shutting down');
    const transport = await openSession(presented);
    response.once('close', () => {
      const entry = transport.sessionId ? sessions.get(transport.sessionId) : undefined;
      if (!entry) return;
      entry.openRequests -= 1;
      entry.lastSeen = Date.now();
    });
    await transport.handleRequest(request, response, body);
    // An initialize that did not produce a session leaves nothing behind.
    if (transport.sessionId === undefined) await transport.close().catch(() => undefined);
  };

  const listener: Server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      options.log(`HTTP request failed: ${error instanceof Error ? error.message : String(error)}`);
      if (!response.headersSent) sendError(response, 500, 'Internal Server Error', -32603);
      else response.end();
    });
  });
  listener.on('clientError', (_error, socket) => socket.destroy());

  await new Promise<void>((resolve, reject) => {
    listener.once('error', reject);
    listener.listen(options.port, options.host, () => {
      listener.off('error', reject);
      resolve();
    });
  });
  const port = (listener.address() as AddressInfo).port;
  bound = { host: options.host, port };

  const sweepEvery = Math.max(1000, Math.min(options.sessionIdleMs / 4, 60_000));
  const sweeper = setInterval(() => {
    const now = Date.now();
    for (const [id, entry] of sessions) {
      if (entry.openRequests <= 0 && now - entry.lastSeen >= options.sessionIdleMs) {
        options.log('closing an idle HTTP session');
        void closeSession(id);
      }
    }
  }, sweepEvery);
  sweeper.unref();

  return {
    url: `http://${hostForUrl(options.host)}:${port}/mcp`,
    port,
    get sessionCount() {
      return sessions.size;
    },
    async close() {
      closing = true;
      clearInterval(sweeper);
      const closed = new Promise<void>((resolve) => listener.close(() => resolve()));
      await Promise.allSettled([
        ...[...sessions.keys()].map((id) => closeSession(id)),
        modern.close(),
      ]);
      listener.closeAllConnections();
      await closed;
    },
  };
}

/** A request the SDK would serve in the 2026-07-28 era (it names its protocol version in `_meta`). */
async function isModernRequest(request: IncomingMessage, body: unknown): Promise<boolean> {
  const webRequest = await toWebRequest(
    {
      method: request.method,
      url: request.url,
      headers: request.headers,
      async *[Symbol.asyncIterator]() {},
    },
    body,
  );
  return !(await isLegacyRequest(webRequest, body));
}

function trackResponse(
  responses: Map<RequestId, ServerResponse>,
  id: RequestId,
  response: ServerResponse,
) {
  responses.set(id, response);
  response.once('close', () => {
    if (responses.get(id) === response) responses.delete(id);
  });
}

function sendError(response: ServerResponse, status: number, message: string, code = -32000) {
  if (response.headersSent) return void response.end();
  const body = JSON.stringify({ jsonrpc: '2.0', error: { code, message }, id: null });
  response.writeHead(status, { 'Content-Type': 'application/json' }).end(body);
}

/** The body, or 'too-large' as soon as it passes `limit` (by Content-Length or by bytes read). */
function readBody(request: IncomingMessage, limit: number): Promise<Buffer | 'too-large'> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.resolve('too-large');
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) return void chunks.push(chunk);
      request.off('data', onData).off('end', onEnd).off('error', reject);
      resolve('too-large');
    };
    const onEnd = () => resolve(Buffer.concat(chunks));
    request.on('data', onData).once('end', onEnd).once('error', reject);
  });
}

/** How much of an oversized body we read and discard so that an honest client sees the 413. */
const maxDrainBytes = 64 * 1024 * 1024;

/**
 * Answers 413. The rest of the body is read and discarded first (up to `maxDrainBytes` and a
 * few seconds), because closing while the client still writes would leave it with EPIPE
 * instead of the answer; past those bounds the connection is dropped.
 */
function rejectTooLarge(request: IncomingMessage, response: ServerResponse, limit: number) {
  const answer = () => {
    clearTimeout(timer);
    response.setHeader('Connection', 'close');
    sendError(response, 413, `Payload Too Large: the body exceeds ${limit} bytes`);
  };
  const timer = setTimeout(() => request.socket.destroy(), 5000);
  timer.unref();
  if (request.readableEnded) return answer();
  let drained = 0;
  // A client that drops the connection mid-body is not an error worth more than silence.
  request.on('error', () => undefined);
  request.on('data', (chunk: Buffer) => {
    drained += chunk.length;
    if (drained > maxDrainBytes) request.socket.destroy();
  });
  request.once('end', answer);
  request.resume();
}
