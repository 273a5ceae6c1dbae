import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { request } from 'undici';
import { AgentError } from '../errors/index.js';
import { describeError, redactUrl } from './http-request.js';

/** One server-sent event: its `data` as sent (several `data:` lines joined by `\n`). */
export interface ServerSentEvent {
  data: string;
  /** The `event:` field, when the server sends one. */
  event?: string;
  id?: string;
}

/**
 * An open `text/event-stream` response. Iterate it once; the iteration ends when the server
 * closes the stream or `close()` is called, and throws `AgentError('agent_crashed')` when the
 * connection breaks or stays silent for longer than the idle bound.
 */
export interface EventStream extends AsyncIterable<ServerSentEvent> {
  /** Ends the stream and its connection; safe to call at any time, more than once. */
  close(): void;
  readonly isClosed: boolean;
}

export interface OpenEventStreamOptions {
  url: string | URL;
  headers?: Readonly<Record<string, string>>;
  /** Bound on receiving the response headers. */
  connectTimeoutMs: number;
  /** The stream is broken when no byte arrives for this long (default: no bound). */
  idleTimeoutMs?: number;
  /** Aborting closes the stream, like `close()`. */
  signal?: AbortSignal;
}

/**
 * Sends `GET url` and resolves once the server answered `200` with its headers, so events sent
 * from then on are received. A refusal (any other status) or an unreachable server rejects
 * with `AgentError('agent_crashed')`, the status in `details.httpStatus`.
 */
export async function openEventStream(options: OpenEventStreamOptions): Promise<EventStream> {
  const url = redactUrl(options.url);
  const closing = new AbortController();
  const signal = options.signal
    ? AbortSignal.any([options.signal, closing.signal])
    : closing.signal;
  let response: Awaited<ReturnType<typeof request>>;
  try {
    response = await request(options.url, {
      method: 'GET',
      headers: { accept: 'text/event-stream', ...options.headers },
      signal,
      headersTimeout: options.connectTimeoutMs,
      bodyTimeout: options.idleTimeoutMs ?? 0,
    });
  } catch (error) {
    throw new AgentError('agent_crashed', `GET ${url} failed: ${describeError(error)}`, {
      cause: error,
      details: { url },
    });
  }
  if (response.statusCode !== 200) {
    const text = await response.body.text().catch(() => '');
    throw new AgentError(
      'agent_crashed',
      `GET ${url} answered HTTP ${response.statusCode}${text ? `: ${text.slice(0, 500)}` : ''}`,
      { details: { url, httpStatus: response.statusCode } },
    );
  }

  const body = response.body;
  let isClosed = false;
  const close = (): void => {
    if (isClosed) return;
    isClosed = true;
    closing.abort();
    body.destroy();
  };
  signal.addEventListener('abort', close, { once: true });

  async function* read(): AsyncGenerator<ServerSentEvent, void, undefined> {
    const parsed: EventSourceMessage[] = [];
    const parser = createParser({ onEvent: (message) => parsed.push(message) });
    const decoder = new TextDecoder();
    try {
      for await (const chunk of body as AsyncIterable<Buffer>) {
        parser.feed(decoder.decode(chunk, { stream: true }));
        for (const message of parsed.splice(0)) yield toServerSentEvent(message);
      }
    } catch (error) {
      if (isClosed) return;
      throw new AgentError(
        'agent_crashed',
        `The event stream ${url} broke: ${describeError(error)}`,
        {
          cause: error,
          details: { url },
        },
      );
    } finally {
      close();
      signal.removeEventListener('abort', close);
    }
  }

  const events = read();
  return {
    [Symbol.asyncIterator]: () => events,
    close,
    get isClosed() {
      return isClosed;
    },
  };
}

function toServerSentEvent(message: EventSourceMessage): ServerSentEvent {
  return {
    data: message.data,
    ...(message.event === undefined ? {} : { event: message.event }),
    ...(message.id === undefined ? {} : { id: message.id }),
  };
}
