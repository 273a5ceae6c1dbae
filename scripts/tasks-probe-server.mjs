#!/usr/bin/env node
/**
 * A minimal stdio MCP server, written by hand against the protocol text, that offers the Tasks
 * extension (`io.modelcontextprotocol/tasks`, revision 2026-07-28) so that a client's handling of
 * it can be watched (docs/clients.md). Not part of the product.
 *
 * - `server/discover` → supportedVersions 2026-07-28 and 2025-11-25, capabilities with `tools` and
 *   `extensions["io.modelcontextprotocol/tasks"]`.
 * - `initialize` (legacy fallback) → protocolVersion 2025-11-25, `tools` only.
 * - one tool, `slow_echo { text }`: answered with a task (`resultType: "task"`) when the request's
 *   `_meta["io.modelcontextprotocol/clientCapabilities"].extensions` names the tasks extension,
 *   inline otherwise. The task completes PROBE_TASK_MS (default 3000) ms after creation.
 * - `tasks/get`, `tasks/cancel`, `tasks/update` as the extension says.
 */
import { createInterface } from 'node:readline';
import { randomUUID } from 'node:crypto';

const tasksExtension = 'io.modelcontextprotocol/tasks';
const taskMilliseconds = Number(process.env.PROBE_TASK_MS ?? 3000);
const tasks = new Map();

function send(message) {
  process.stdout.write(`${JSON.stringify({ jsonrpc: '2.0', ...message })}\n`);
}

function echoResult(text) {
  return { content: [{ type: 'text', text: `Echo: ${text}` }], isError: false };
}

function taskView(task) {
  const now = Date.now();
  if (task.status === 'working' && now >= task.doneAt) {
    task.status = 'completed';
    task.lastUpdatedAt = new Date(task.doneAt).toISOString();
  }
  const view = {
    taskId: task.taskId,
    status: task.status,
    createdAt: task.createdAt,
    lastUpdatedAt: task.lastUpdatedAt,
    ttlMs: 3_600_000,
    pollIntervalMs: 500,
  };
  return task.status === 'completed' ? { ...view, result: task.result } : view;
}

const tool = {
  name: 'slow_echo',
  description: 'Echoes the text after a while.',
  inputSchema: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] },
};

function modern(request) {
  return request.params?._meta?.['io.modelcontextprotocol/protocolVersion'] === '2026-07-28';
}

function handle(request) {
  const params = request.params ?? {};
  const resultType = modern(request) ? { resultType: 'complete' } : {};
  switch (request.method) {
    case 'server/discover':
      return {
        resultType: 'complete',
        supportedVersions: ['2026-07-28', '2025-11-25'],
        capabilities: { tools: {}, extensions: { [tasksExtension]: {} } },
        _meta: { 'io.modelcontextprotocol/serverInfo': { name: 'tasks-probe', version: '0.0.1' } },
      };
    case 'initialize':
      return {
        protocolVersion: '2025-11-25',
        capabilities: { tools: {} },
        serverInfo: { name: 'tasks-probe', version: '0.0.1' },
      };
    case 'ping':
      return {};
    case 'tools/list':
      return { ...resultType, tools: [tool] };
    case 'tools/call': {
      const text = String(params.arguments?.text ?? '');
      const capabilities = params._meta?.['io.modelcontextprotocol/clientCapabilities'];
      if (!capabilities?.extensions?.[tasksExtension])
        return { ...resultType, ...echoResult(text) };
      const now = new Date().toISOString();
      const task = {
        taskId: randomUUID(),
        status: 'working',
        createdAt: now,
        lastUpdatedAt: now,
        doneAt: Date.now() + taskMilliseconds,
        result: echoResult(text),
      };
      tasks.set(task.taskId, task);
      return { resultType: 'task', ...taskView(task), statusMessage: 'slow_echo is running' };
    }
    case 'tasks/get':
    case 'tasks/cancel':
    case 'tasks/update': {
      const task = tasks.get(params.taskId);
      if (!task) return { error: { code: -32602, message: 'Task not found' } };
      if (request.method === 'tasks/get') return { resultType: 'complete', ...taskView(task) };
      if (request.method === 'tasks/cancel' && task.status === 'working') {
        task.status = 'cancelled';
        task.lastUpdatedAt = new Date().toISOString();
      }
      return { resultType: 'complete' };
    }
    default:
      return { error: { code: -32601, message: `Method not found: ${request.method}` } };
  }
}

createInterface({ input: process.stdin }).on('line', (line) => {
  let message;
  try {
    message = JSON.parse(line);
  } catch {
    return;
  }
  if (message.id === undefined || typeof message.method !== 'string') return;
  const answer = handle(message);
  if (answer.error) send({ id: message.id, error: answer.error });
  else send({ id: message.id, result: answer });
});
