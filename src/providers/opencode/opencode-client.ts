import { AgentError } from '../../errors/index.js';
import {
  openEventStream,
  requestJson,
  type EventStream,
  type HttpMethod,
} from '../../http/index.js';
import type { OpencodeConnection } from './opencode-server-manager.js';
import { opencodeErrorBodySchema } from './opencode-wire.js';

/** One thing said between the provider and opencode's server, for recording transcripts. */
export type OpencodeTranscriptEntry =
  | {
      kind: 'http';
      method: HttpMethod;
      /** Path and query, e.g. `/session?directory=%2Fwork`. */
      path: string;
      requestBody?: unknown;
      status: number;
      responseBody: unknown;
    }
  | { kind: 'sse'; data: string };

export interface OpencodeClientOptions {
  connection: OpencodeConnection;
  /** The project directory: sent as `?directory=` with every request. */
  directory: string;
  /** Sees every exchange and every event, as it happens. */
  transcript?: (entry: OpencodeTranscriptEntry) => void;
}

export interface OpencodeRequest {
  method?: HttpMethod;
  /** Without the query, e.g. `/session/ses_…/prompt_async`. */
  path: string;
  body?: unknown;
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface OpencodeResponse {
  status: number;
  body: unknown;
}

/** opencode's classic HTTP API, bound to one server and one project directory. */
export interface OpencodeClient {
  /** Any status is returned; a transport failure or timeout throws `agent_crashed`. */
  send(request: OpencodeRequest): Promise<OpencodeResponse>;
  /**
   * Like `send`, but a non-2xx answer throws: `provider_unavailable` for 401 (credentials),
   * otherwise `agent_error` with opencode's message (`details.httpStatus`).
   */
  call(request: OpencodeRequest): Promise<unknown>;
  /**
   * Subscribes to `GET /event?directory=…` and resolves once the stream is live (its first
   * event, `server.connected`, arrived): events published from then on are received.
   */
  subscribe(signal?: AbortSignal): Promise<EventStream>;
}

const defaultTimeoutMs = 30_000;
// The first request for a directory boots opencode's instance for it (~1.4 s).
const subscribeTimeoutMs = 30_000;
// opencode sends `server.heartbeat` every 10 s: a longer silence means the stream is dead.
const eventIdleTimeoutMs = 35_000;

export function createOpencodeClient(options: OpencodeClientOptions): OpencodeClient {
  const { connection, directory, transcript } = options;
  const query = `?directory=${encodeURIComponent(directory)}`;

  const send = async (request: OpencodeRequest): Promise<OpencodeResponse> => {
    const method = request.method ?? 'GET';
    const path = `${request.path}${query}`;
    const response = await requestJson({
      url: `${connection.baseUrl}${path}`,
      method,
      headers: connection.headers,
      body: request.body,
      timeoutMs: request.timeoutMs ?? defaultTimeoutMs,
      ...(request.signal ? { signal: request.signal } : {}),
    });
    transcript?.({
      kind: 'http',
      method,
      path,
      ...(request.body === undefined ? {} : { requestBody: request.body }),
      status: response.status,
      responseBody: response.body,
    });
    return { status: response.status, body: response.body };
  };

  return {
    send,

    async call(request) {
      const response = await send(request);
      if (response.status >= 200 && response.status < 300) return response.body;
      throw refusal(connection, request, response);
    },

    async subscribe(signal) {
      const stream = await openEventStream({
        url: `${connection.baseUrl}/event${query}`,
        headers: connection.headers,
        connectTimeoutMs: subscribeTimeoutMs,
        idleTimeoutMs: eventIdleTimeoutMs,
        ...(signal ? { signal } : {}),
      }).catch((error: unknown) => {
        if (AgentError.is(error) && error.details.httpStatus === 401) {
          throw unauthorized(connection, error);
        }
        throw error;
      });
      const iterator = stream[Symbol.asyncIterator]();
      const first = await withTimeout(iterator.next(), subscribeTimeoutMs, () => stream.close());
      if (first.done) {
        throw new AgentError('agent_crashed', 'opencode closed its event stream at once.');
      }
      transcript?.({ kind: 'sse', data: first.value.data });
      async function* rest() {
        for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
          transcript?.({ kind: 'sse', data: next.value.data });
          yield next.value;
        }
      }
      const events = rest();
      return {
        [Symbol.asyncIterator]: () => events,
        close: () => stream.close(),
        get isClosed() {
          return stream.isClosed;
        },
      };
    },
  };
}

/** opencode's message from an error body (`{ name, data: { message } }` or `{ _tag, message }`). */
export function describeOpencodeErrorBody(body: unknown): string {
  const parsed = opencodeErrorBodySchema.safeParse(body);
  if (!parsed.success) return typeof body === 'string' && body !== '' ? body.slice(0, 500) : '';
  const { name, _tag: tag, message, data } = parsed.data;
  const text = data?.message ?? message ?? '';
  const kind = name ?? tag;
  return [kind, text].filter(Boolean).join(': ');
}

function refusal(
  connection: OpencodeConnection,
  request: OpencodeRequest,
  response: OpencodeResponse,
): AgentError {
  if (response.status === 401) return unauthorized(connection);
  const described = describeOpencodeErrorBody(response.body);
  return new AgentError(
    'agent_error',
    `opencode answered ${request.method ?? 'GET'} ${request.path} with HTTP ${response.status}${
      described ? `: ${described}` : ''
    }`,
    { details: { httpStatus: response.status, body: response.body } },
  );
}

function unauthorized(connection: OpencodeConnection, cause?: unknown): AgentError {
  const hint =
    connection.pid === undefined
      ? ' Set providers.opencode.serverUsername and serverPassword to its OPENCODE_SERVER_USERNAME and OPENCODE_SERVER_PASSWORD.'
      : '';
  return new AgentError(
    'provider_unavailable',
    `The opencode server at ${connection.baseUrl} refused our credentials (HTTP 401).${hint}`,
    { cause, details: { httpStatus: 401 } },
  );
}

async function withTimeout<T>(promise: Promise<T>, ms: number, onTimeout: () => void): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      onTimeout();
      reject(new AgentError('agent_crashed', `opencode sent no event within ${ms / 1000} s.`));
    }, ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
