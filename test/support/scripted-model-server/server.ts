/**
 * The core of the scripted model server: a plain `node:http` server that routes each request to
 * a dialect, records it, tracks open streams and connections, and shuts down promptly.
 */
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { anthropicDialect } from './anthropic-dialect.js';
import { chatCompletionsDialect } from './chat-completions-dialect.js';
import { geminiDialect } from './gemini-dialect.js';
import { RequestRecorder, defaultWaitTimeoutMs } from './request-recorder.js';
import { responsesDialect } from './responses-dialect.js';
import type {
  Dialect,
  Exchange,
  RecordedRequest,
  ScriptedModelServer,
  ScriptedModelServerOptions,
} from './types.js';

/** Dialects in routing order; the first one also shapes errors for unknown routes. */
const dialects: readonly Dialect[] = [
  anthropicDialect,
  responsesDialect,
  chatCompletionsDialect,
  geminiDialect,
];
const secretHeaders = new Set([
  'x-api-key',
  'authorization',
  'proxy-authorization',
  'cookie',
  'x-goog-api-key',
  'api-key',
]);

export async function startScriptedModelServer(
  options: ScriptedModelServerOptions = {},
): Promise<ScriptedModelServer> {
  const host = options.host ?? '127.0.0.1';
  const recorder = new RequestRecorder(options.logFile);
  const streams = new StreamCounter();
  const server = createServer((request, response) => {
    handleRequest(request, response, recorder, streams).catch((error: unknown) => {
      process.stderr.write(`scripted model server: request failed: ${String(error)}\n`);
      if (!response.headersSent && !response.destroyed) {
        dialects[0]?.writeError(response, 500, 'The scripted model server failed');
      } else {
        response.destroy();
      }
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;

  let closing: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${port}`,
    port,
    requests: recorder.requests,
    waitForRequest: (predicate, timeoutMs) => recorder.waitFor(predicate, timeoutMs),
    openStreams: () => streams.count,
    waitForAllStreamsClosed: (timeoutMs) => streams.waitForNone(timeoutMs),
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }).then(() => recorder.shutDown());
      return closing;
    },
  };
}

async function handleRequest(
  request: IncomingMessage,
  response: ServerResponse,
  recorder: RequestRecorder,
  streams: StreamCounter,
): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://scripted-model-server.invalid');
  const method = request.method ?? 'GET';
  const record: RecordedRequest = {
    method,
    path: url.pathname,
    query: url.search,
    headers: redactHeaders(request.headers),
    body: undefined,
    dialect: 'unknown',
    directive: undefined,
    reply: '',
    clientDisconnected: false,
    receivedAt: Date.now(),
  };
  let responseClosed = false;
  response.once('close', () => {
    responseClosed = true;
    if (!response.writableFinished) {
      record.clientDisconnected = true;
    }
    recorder.complete(record);
  });

  const rawBody = await readBody(request);
  let bodyParseFailed = false;
  if (rawBody.trim().length > 0) {
    try {
      record.body = JSON.parse(rawBody) as unknown;
    } catch {
      bodyParseFailed = true;
    }
  }

  const dialect = dialects.find((candidate) => candidate.handles(method, record.path));
  if (!dialect) {
    const answer = answerWithoutDialect(record, response);
    recorder.add(record);
    answer();
    return;
  }
  record.dialect = dialect.name;
  let tracked = false;
  const exchange: Exchange = {
    request,
    response,
    record,
    rawBody,
    bodyParseFailed,
    trackStream: () => {
      if (!tracked && !responseClosed) {
        tracked = true;
        streams.open(response);
      }
    },
  };
  const send = dialect.prepare(exchange);
  recorder.add(record);
  await send();
}

/** `HEAD /` and `GET /` (the warm-up) get 200; everything else a 404 error. */
function answerWithoutDialect(record: RecordedRequest, response: ServerResponse): () => void {
  if ((record.method === 'HEAD' || record.method === 'GET') && record.path === '/') {
    record.reply = 'http 200';
    return () => {
      response.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
      response.end(record.method === 'HEAD' ? undefined : 'scripted model server\n');
    };
  }
  record.reply = 'http 404';
  return () =>
    dialects[0]?.writeError(response, 404, `No route for ${record.method} ${record.path}`);
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function redactHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) {
      continue;
    }
    const text = Array.isArray(value) ? value.join(', ') : value;
    result[name] = secretHeaders.has(name.toLowerCase()) ? '<redacted>' : text;
  }
  return result;
}

/** Counts open streaming responses; each one counts until its connection closes. */
class StreamCounter {
  count = 0;
  private readonly idleWaiters = new Set<() => void>();

  open(response: ServerResponse): void {
    this.count += 1;
    response.once('close', () => {
      this.count -= 1;
      if (this.count === 0) {
        for (const wake of this.idleWaiters) {
          wake();
        }
      }
    });
  }

  waitForNone(timeoutMs = defaultWaitTimeoutMs): Promise<void> {
    if (this.count === 0) {
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const wake = (): void => {
        clearTimeout(timer);
        this.idleWaiters.delete(wake);
        resolve();
      };
      const timer = setTimeout(() => {
        this.idleWaiters.delete(wake);
        reject(new Error(`${this.count} stream(s) still open after ${timeoutMs} ms`));
      }, timeoutMs);
      this.idleWaiters.add(wake);
    });
  }
}
