import { request } from 'undici';
import { AgentError } from '../errors/index.js';

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

export interface HttpRequestOptions {
  url: string | URL;
  method?: HttpMethod;
  headers?: Readonly<Record<string, string>>;
  /** Sent as JSON (with `content-type: application/json`) when not `undefined`. */
  body?: unknown;
  /** Bound of the whole exchange, from sending to the last byte of the answer. */
  timeoutMs: number;
  signal?: AbortSignal;
}

/** An answer of any status: the caller decides what a 4xx or 5xx means. */
export interface HttpResponse {
  status: number;
  /** The parsed JSON body, or the text when it is not JSON (`''` for an empty body). */
  body: unknown;
  text: string;
}

/**
 * One request to an agent server, its answer read whole. Every status is returned; only a
 * transport failure, the timeout or an aborted `signal` throw, as `AgentError('agent_crashed')`
 * (the peer is an agent's server that stopped answering) with the URL in `details`.
 */
export async function requestJson(options: HttpRequestOptions): Promise<HttpResponse> {
  const method = options.method ?? 'GET';
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  const hasBody = options.body !== undefined;
  try {
    const response = await request(options.url, {
      method,
      headers: {
        accept: 'application/json',
        ...(hasBody ? { 'content-type': 'application/json' } : {}),
        ...options.headers,
      },
      ...(hasBody ? { body: JSON.stringify(options.body) } : {}),
      signal,
    });
    const text = await response.body.text();
    return { status: response.statusCode, body: parseJson(text), text };
  } catch (error) {
    const url = redactUrl(options.url);
    const what = timeout.aborted
      ? `timed out after ${formatDuration(options.timeoutMs)}`
      : options.signal?.aborted
        ? 'was aborted'
        : `failed: ${describeError(error)}`;
    throw new AgentError('agent_crashed', `${method} ${url} ${what}`, {
      cause: error,
      details: { url, method },
    });
  }
}

/** The `authorization` header value of HTTP Basic authentication. */
export function basicAuthorization(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
}

/** The URL without credentials or query, for messages. */
export function redactUrl(url: string | URL): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}`;
  } catch {
    return String(url);
  }
}

export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  const cause = error.cause instanceof Error ? ` (${error.cause.message})` : '';
  return `${typeof code === 'string' ? `${code}: ` : ''}${error.message}${cause}`;
}

function parseJson(text: string): unknown {
  if (text === '') return '';
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function formatDuration(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}
