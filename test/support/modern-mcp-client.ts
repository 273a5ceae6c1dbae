/**
 * A 2026-07-28 MCP client that asks for tasks, at the JSON-RPC level: every request carries
 * the era's `_meta` envelope (protocol version, client info, client capabilities naming the
 * Tasks extension). The SDK 2 client (2.4.0) negotiates this era but rejects a `tools/call`
 * answered with a task ("Unsupported result type 'task'"), so the tests speak the wire
 * themselves, over the built server's stdio or its HTTP endpoint.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { createParser } from 'eventsource-parser';
import { builtCliPath, type AgentTestEnvironment } from './stdio-server-harness.js';

export const modernProtocolVersion = '2026-07-28';
export const tasksExtensionId = 'io.modelcontextprotocol/tasks';

export interface JsonRpcError {
  code: number;
  message: string;
}

export interface JsonRpcMessage {
  jsonrpc: '2.0';
  id?: number | string;
  method?: string;
  params?: Record<string, unknown>;
  result?: Record<string, unknown>;
  error?: JsonRpcError;
}

export interface ModernClient {
  /** The answer to one request: its `result`, or its `error`. */
  request(method: string, params?: Record<string, unknown>): Promise<JsonRpcMessage>;
  /** Notifications received so far (progress…), oldest first. */
  readonly notifications: JsonRpcMessage[];
}

export interface ModernClientOptions {
  /** Name the Tasks extension in the client capabilities (default true). */
  tasks?: boolean;
}

function envelope(options: ModernClientOptions): Record<string, unknown> {
  return {
    'io.modelcontextprotocol/protocolVersion': modernProtocolVersion,
    'io.modelcontextprotocol/clientInfo': { name: 'e2e-modern-client', version: '1.0.0' },
    'io.modelcontextprotocol/clientCapabilities':
      options.tasks === false ? {} : { extensions: { [tasksExtensionId]: {} } },
  };
}

function withEnvelope(
  options: ModernClientOptions,
  params: Record<string, unknown>,
): Record<string, unknown> {
  const meta = (params._meta ?? {}) as Record<string, unknown>;
  return { ...params, _meta: { ...envelope(options), ...meta } };
}

export interface ModernStdioClient extends ModernClient {
  child: ChildProcess;
  /** Ends stdin and waits for the server to exit. */
  close(): Promise<void>;
}

/** The built server on stdio, spoken to in the 2026-07-28 era. */
export function startModernStdioClient(
  environment: AgentTestEnvironment,
  options: ModernClientOptions = {},
): ModernStdioClient {
  const child = spawn(
    process.execPath,
    [builtCliPath, '--allowed-root', environment.root, '--state-dir', environment.stateDir],
    { cwd: environment.root, env: environment.environment, stdio: ['pipe', 'pipe', 'ignore'] },
  );
  const pending = new Map<number, (message: JsonRpcMessage) => void>();
  const notifications: JsonRpcMessage[] = [];
  createInterface({ input: child.stdout }).on('line', (line) => {
    const message = JSON.parse(line) as JsonRpcMessage;
    const answer = typeof message.id === 'number' ? pending.get(message.id) : undefined;
    if (answer && message.method === undefined) {
      pending.delete(message.id as number);
      answer(message);
    } else {
      notifications.push(message);
    }
  });
  let nextId = 1;
  const exited = once(child, 'exit');
  return {
    child,
    notifications,
    request(method, params = {}) {
      const id = nextId++;
      const answered = new Promise<JsonRpcMessage>((resolve) => pending.set(id, resolve));
      const message = { jsonrpc: '2.0', id, method, params: withEnvelope(options, params) };
      child.stdin.write(`${JSON.stringify(message)}\n`);
      return answered;
    },
    async close() {
      child.stdin.end();
      await exited;
    },
  };
}

function nameOf(params: Record<string, unknown>): string | undefined {
  const name = params.name ?? params.taskId ?? params.uri;
  return typeof name === 'string' ? name : undefined;
}

/** The built server's HTTP endpoint, spoken to in the 2026-07-28 era (no session). */
export function modernHttpClient(
  url: string,
  token: string,
  options: ModernClientOptions = {},
): ModernClient {
  const notifications: JsonRpcMessage[] = [];
  let nextId = 1;
  return {
    notifications,
    async request(method, params = {}) {
      const id = nextId++;
      const response = await fetch(url, {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${token}`,
          'Content-Type': 'application/json',
          Accept: 'application/json, text/event-stream',
          'MCP-Protocol-Version': modernProtocolVersion,
          // The era's HTTP binding repeats the method and what it names (a tool, a task) in headers.
          'Mcp-Method': method,
          ...(nameOf(params) !== undefined && { 'Mcp-Name': nameOf(params) }),
        },
        body: JSON.stringify({ jsonrpc: '2.0', id, method, params: withEnvelope(options, params) }),
      });
      const text = await response.text();
      if (!(response.headers.get('content-type') ?? '').includes('text/event-stream')) {
        return JSON.parse(text) as JsonRpcMessage;
      }
      const messages: JsonRpcMessage[] = [];
      const parser = createParser({
        onEvent: (event) => messages.push(JSON.parse(event.data) as JsonRpcMessage),
      });
      parser.feed(text);
      const answer = messages.find((message) => message.id === id && !message.method);
      notifications.push(...messages.filter((message) => message !== answer));
      if (!answer) throw new Error(`no answer to ${method} in the event stream: ${text}`);
      return answer;
    },
  };
}

export interface TaskAnswer {
  taskId: string;
  status: string;
  statusMessage?: string;
  pollIntervalMs: number;
  result?: { content: Array<{ type: string; text?: string }>; structuredContent?: unknown };
}

/** `tasks/get` at the task's poll interval until it is no longer `working`. */
export async function pollTask(
  client: ModernClient,
  taskId: string,
  timeoutMs = 90_000,
): Promise<TaskAnswer> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const answer = await client.request('tasks/get', { taskId });
    if (answer.error) throw new Error(`tasks/get failed: ${answer.error.message}`);
    const task = answer.result as unknown as TaskAnswer;
    if (task.status !== 'working') return task;
    if (Date.now() > deadline)
      throw new Error(`task ${taskId} still working after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, task.pollIntervalMs));
  }
}
