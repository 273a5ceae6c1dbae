import { AgentError } from '../../errors/index.js';

/** One line of the conversation with the app-server, as it went over the pipe. */
export interface CodexTranscriptEntry {
  direction: 'sent' | 'received';
  line: string;
}

/** A request the app-server sends us (approvals…); its ids are the server's, apart from ours. */
export interface CodexServerRequest {
  id: number | string;
  method: string;
  params: unknown;
}

export type CodexServerReply =
  { result: unknown } | { error: { code: number; message: string; data?: unknown } };

export interface CodexAppServerClientOptions {
  /** The app-server's stdout, line by line. */
  lines: AsyncIterable<string>;
  /** Writes one line to the app-server's stdin (the newline is added here). */
  write: (line: string) => void;
  /** Answers a server request at once; the reply is sent back before the next line is read. */
  answer: (request: CodexServerRequest) => CodexServerReply;
  /** How the app-server ended, for the errors of requests it never answered. */
  describeEnd?: () => Promise<string>;
}

export interface CodexRequestOptions {
  /** Fails the request with `agent_crashed` when no answer came within this many ms. */
  timeoutMs?: number;
}

/**
 * A JSON-RPC client for `codex app-server`: newline-delimited JSON without the `jsonrpc`
 * field. Requests are matched to responses by our own ids; server requests are answered by
 * `answer`; everything sent and received is kept, in order, in {@link transcript} (which is
 * what the decoder reads). When the output ends, or a line is not JSON, every pending request
 * fails with an AgentError.
 */
export interface CodexAppServerClient {
  /** Resolves with the `result`; rejects with an AgentError on an error response, end or timeout. */
  request(method: string, params: unknown, options?: CodexRequestOptions): Promise<unknown>;
  notify(method: string, params?: unknown): void;
  /** Every line sent and received, in order; ends when the app-server's output ends. One reader. */
  transcript(): AsyncIterable<CodexTranscriptEntry>;
  /** Resolves when the app-server's output has ended and pending requests have failed. */
  readonly closed: Promise<void>;
  readonly isClosed: boolean;
}

interface PendingRequest {
  method: string;
  resolve(result: unknown): void;
  reject(error: AgentError): void;
  timer?: NodeJS.Timeout;
}

const lineInErrorLimit = 200;

export function createCodexAppServerClient(
  options: CodexAppServerClientOptions,
): CodexAppServerClient {
  const pending = new Map<number, PendingRequest>();
  const entries = createQueue<CodexTranscriptEntry>();
  let nextId = 0;
  let isClosed = false;

  const send = (message: Record<string, unknown>): void => {
    const line = JSON.stringify(message);
    options.write(line);
    entries.push({ direction: 'sent', line });
  };

  const settle = (id: number): PendingRequest | undefined => {
    const request = pending.get(id);
    if (request === undefined) return undefined;
    pending.delete(id);
    clearTimeout(request.timer);
    return request;
  };

  const failAll = (error: (method: string) => AgentError): void => {
    for (const id of [...pending.keys()]) {
      const request = settle(id);
      request?.reject(error(request.method));
    }
  };

  const receive = (line: string): void => {
    entries.push({ direction: 'received', line });
    let message: unknown;
    try {
      message = JSON.parse(line);
    } catch {
      const shown = line.length > lineInErrorLimit ? `${line.slice(0, lineInErrorLimit)}…` : line;
      failAll(
        (method) =>
          new AgentError(
            'agent_crashed',
            `Codex app-server broke the protocol before answering ${method}: it printed a line that is not JSON: ${shown}`,
          ),
      );
      return;
    }
    if (typeof message !== 'object' || message === null) return;
    const { id, method, params, result, error } = message as Record<string, unknown>;
    const hasId = typeof id === 'number' || typeof id === 'string';
    if (typeof method === 'string') {
      if (hasId) send({ id, ...answerSafely({ id, method, params }) });
      return;
    }
    if (typeof id !== 'number') return;
    const request = settle(id);
    if (request === undefined) return;
    if (error !== undefined) request.reject(errorFromResponse(request.method, error));
    else request.resolve(result);
  };

  const answerSafely = (request: CodexServerRequest): CodexServerReply => {
    try {
      return options.answer(request);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return { error: { code: -32603, message: `subagent-mcp failed to answer: ${message}` } };
    }
  };

  const closed = (async () => {
    try {
      for await (const line of options.lines) {
        if (line.trim() !== '') receive(line);
      }
    } catch {
      // A broken pipe ends the conversation like an exit does.
    }
    isClosed = true;
    const ending = await (options.describeEnd?.() ?? Promise.resolve('its output ended'));
    failAll(
      (method) =>
        new AgentError(
          'agent_crashed',
          `Codex app-server ended (${ending}) before answering ${method}.`,
          {
            details: { method },
          },
        ),
    );
    entries.end();
  })();

  return {
    request(method, params, requestOptions = {}) {
      if (isClosed) {
        return Promise.reject(
          new AgentError('agent_crashed', `Codex app-server has ended; cannot send ${method}.`),
        );
      }
      const id = nextId++;
      return new Promise<unknown>((resolve, reject) => {
        const request: PendingRequest = { method, resolve, reject };
        if (requestOptions.timeoutMs !== undefined) {
          const seconds = requestOptions.timeoutMs / 1000;
          request.timer = setTimeout(() => {
            settle(id)?.reject(
              new AgentError(
                'agent_crashed',
                `Codex app-server did not answer ${method} within ${seconds} s.`,
                { details: { method, timeoutMs: requestOptions.timeoutMs } },
              ),
            );
          }, requestOptions.timeoutMs);
        }
        pending.set(id, request);
        try {
          send({ method, id, params });
        } catch (error) {
          settle(id);
          reject(
            new AgentError('agent_crashed', `Could not send ${method} to Codex app-server.`, {
              cause: error,
            }),
          );
        }
      });
    },
    notify(method, params) {
      if (isClosed) return;
      try {
        send(params === undefined ? { method } : { method, params });
      } catch {
        // The end of the output tells the rest.
      }
    },
    transcript: () => entries,
    closed,
    get isClosed() {
      return isClosed;
    },
  };
}

function errorFromResponse(method: string, error: unknown): AgentError {
  const { code, message, data } = (error ?? {}) as {
    code?: unknown;
    message?: unknown;
    data?: unknown;
  };
  const text = typeof message === 'string' ? message : JSON.stringify(error);
  return new AgentError('agent_error', `Codex app-server refused ${method}: ${text}`, {
    details: { method, rpcCode: code, ...(data === undefined ? {} : { rpcData: data }) },
  });
}

interface Queue<T> extends AsyncIterable<T> {
  push(item: T): void;
  end(): void;
}

/** An unbounded single-reader queue: items wait until read; reading ends after `end()`. */
function createQueue<T>(): Queue<T> {
  const items: T[] = [];
  let hasEnded = false;
  let wake: (() => void) | undefined;
  const notify = (): void => {
    const waiting = wake;
    wake = undefined;
    waiting?.();
  };
  return {
    push(item) {
      if (hasEnded) return;
      items.push(item);
      notify();
    },
    end() {
      hasEnded = true;
      notify();
    },
    async *[Symbol.asyncIterator]() {
      for (;;) {
        const item = items.shift();
        if (item !== undefined) {
          yield item;
          continue;
        }
        if (hasEnded) return;
        await new Promise<void>((resolve) => (wake = resolve));
      }
    },
  };
}
