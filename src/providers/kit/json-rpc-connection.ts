/**
 * JSON-RPC over newline-delimited JSON on a child's stdio: Codex app-server speaks it without
 * the `jsonrpc` field, ACP agents with it. Requests are matched to responses by our own ids;
 * the peer's requests are answered at once by `answer`; every line sent and received is kept,
 * in order, in the transcript (which is what a decoder reads).
 */
import { AgentError } from '../../errors/index.js';
import { createAsyncQueue } from './async-queue.js';

/** One line of the conversation, as it went over the pipe. */
export interface JsonRpcTranscriptEntry {
  direction: 'sent' | 'received';
  line: string;
  /** The `tag` of the request this line sent, when it was given one. */
  tag?: string;
}

/** A request the peer sends us (approvals…); its ids are the peer's, apart from ours. */
export interface JsonRpcIncomingRequest {
  id: number | string;
  method: string;
  params: unknown;
}

export type JsonRpcReply =
  { result: unknown } | { error: { code: number; message: string; data?: unknown } };

export interface JsonRpcConnectionOptions {
  /** The peer's name in error messages, e.g. `Codex app-server`. */
  peerName: string;
  /** `'2.0'` to send the `jsonrpc` field; absent for peers that leave it out. */
  jsonrpc?: '2.0';
  /** The peer's stdout, line by line. */
  lines: AsyncIterable<string>;
  /** Writes one line to the peer's stdin (the newline is added there). */
  write: (line: string) => void;
  /** Answers a peer request at once; the reply is sent back before the next line is read. */
  answer: (request: JsonRpcIncomingRequest) => JsonRpcReply;
  /** How the peer ended, for the errors of requests it never answered. */
  describeEnd?: () => Promise<string>;
}

export interface JsonRpcRequestOptions {
  /** Fails the request with `agent_crashed` when no answer came within this many ms. */
  timeoutMs?: number;
  /**
   * Kept on the request's transcript entry: who sent it, when several share the connection
   * (a warm codex app-server's runs).
   */
  tag?: string;
}

/** When the output ends, or a line is not JSON, every pending request fails with an AgentError. */
export interface JsonRpcConnection {
  /** Resolves with the `result`; rejects with an AgentError on an error response, end or timeout. */
  request(method: string, params: unknown, options?: JsonRpcRequestOptions): Promise<unknown>;
  notify(method: string, params?: unknown): void;
  /** Every line sent and received, in order; ends when the peer's output ends. One reader. */
  transcript(): AsyncIterable<JsonRpcTranscriptEntry>;
  /** Resolves when the peer's output has ended and pending requests have failed. */
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

export function createJsonRpcConnection(options: JsonRpcConnectionOptions): JsonRpcConnection {
  const { peerName } = options;
  const pending = new Map<number, PendingRequest>();
  const entries = createAsyncQueue<JsonRpcTranscriptEntry>();
  const envelope = options.jsonrpc === undefined ? {} : { jsonrpc: options.jsonrpc };
  let nextId = 0;
  let isClosed = false;

  const send = (message: Record<string, unknown>, tag?: string): void => {
    const line = JSON.stringify({ ...envelope, ...message });
    options.write(line);
    entries.push(
      tag === undefined ? { direction: 'sent', line } : { direction: 'sent', line, tag },
    );
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
            `${peerName} broke the protocol before answering ${method}: it printed a line that is not JSON: ${shown}`,
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
    if (error !== undefined) request.reject(refusal(peerName, request.method, error));
    else request.resolve(result);
  };

  const answerSafely = (request: JsonRpcIncomingRequest): JsonRpcReply => {
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
          `${peerName} ended (${ending}) before answering ${method}.`,
          { details: { method } },
        ),
    );
    entries.end();
  })();

  return {
    request(method, params, requestOptions = {}) {
      if (isClosed) {
        return Promise.reject(
          new AgentError('agent_crashed', `${peerName} has ended; cannot send ${method}.`),
        );
      }
      const id = nextId++;
      return new Promise<unknown>((resolve, reject) => {
        const request: PendingRequest = { method, resolve, reject };
        const { timeoutMs } = requestOptions;
        if (timeoutMs !== undefined) {
          request.timer = setTimeout(() => {
            settle(id)?.reject(
              new AgentError(
                'agent_crashed',
                `${peerName} did not answer ${method} within ${timeoutMs / 1000} s.`,
                { details: { method, timeoutMs } },
              ),
            );
          }, timeoutMs);
        }
        pending.set(id, request);
        try {
          send({ method, id, params }, requestOptions.tag);
        } catch (error) {
          settle(id);
          reject(
            new AgentError('agent_crashed', `Could not send ${method} to ${peerName}.`, {
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

function refusal(peerName: string, method: string, error: unknown): AgentError {
  const { code, message, data } = (error ?? {}) as {
    code?: unknown;
    message?: unknown;
    data?: unknown;
  };
  const text = typeof message === 'string' ? message : JSON.stringify(error);
  return new AgentError('agent_error', `${peerName} refused ${method}: ${text}`, {
    details: { method, rpcCode: code, ...(data === undefined ? {} : { rpcData: data }) },
  });
}
