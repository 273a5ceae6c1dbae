/**
 * The MCP Tasks extension (`io.modelcontextprotocol/tasks`, protocol revision 2026-07-28) over
 * background runs: a `tools/call` of run_agent / resume_agent from a client that names the
 * extension in its per-request capabilities is answered at once with a task; `tasks/get`,
 * `tasks/cancel` and `tasks/update` map to the run's status, result and cancel.
 *
 * Written against the extension's text, not an SDK: the answers are the wire objects, to be
 * returned from the SDK's request handlers (docs/clients.md says how on SDK 2). Tasks live as
 * long as this process; `input_required` never happens (approvals are by policy).
 */
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { BackgroundCall, BackgroundRunStatus, BackgroundRuns } from './background-runs.js';

export const tasksExtensionId = 'io.modelcontextprotocol/tasks';

/** JSON-RPC "Invalid params": the error the extension prescribes for an unknown task id. */
export const invalidParamsCode = -32602;

/** `input_required` never happens here, `failed` (a JSON-RPC error inside the call) neither. */
export type TaskStatus = 'working' | 'completed' | 'cancelled';

export interface TaskView {
  taskId: string;
  status: TaskStatus;
  statusMessage?: string;
  createdAt: string;
  lastUpdatedAt: string;
  ttlMs: number | null;
  pollIntervalMs: number;
  /** Present when `completed`: the tool result the call would have returned. */
  result?: CallToolResult;
}

export type CreateTaskResult = TaskView & { resultType: 'task' };

export class TaskProtocolError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

/** Whether a request's `io.modelcontextprotocol/clientCapabilities` names the extension. */
export function clientAcceptsTasks(clientCapabilities: unknown): boolean {
  if (typeof clientCapabilities !== 'object' || clientCapabilities === null) return false;
  const extensions = (clientCapabilities as { extensions?: unknown }).extensions;
  return typeof extensions === 'object' && extensions !== null && tasksExtensionId in extensions;
}

export interface TasksExtensionOptions {
  /** How often clients should poll `tasks/get`. */
  pollIntervalMs: number;
  now?: () => Date;
}

const taskStatusOf = {
  running: 'working',
  finished: 'completed',
  cancelled: 'cancelled',
} as const satisfies Record<BackgroundRunStatus['state'], TaskStatus>;

interface TaskEntry {
  runId: string;
  createdAt: string;
  lastUpdatedAt: string;
  status: TaskStatus;
}

export interface TasksExtension {
  /** Starts the call in the background; the `tools/call` answer, sent once `tasks/get` works. */
  createTask(call: BackgroundCall): Promise<CreateTaskResult>;
  getTask(taskId: string): TaskView;
  /** Asks the run to end; the task shows `cancelled` once it has. */
  cancelTask(taskId: string): Promise<Record<string, never>>;
  /** No task of ours asks for input: an acknowledgement for a known task. */
  updateTask(taskId: string): Record<string, never>;
}

export function createTasksExtension(
  runs: BackgroundRuns,
  options: TasksExtensionOptions,
): TasksExtension {
  const now = () => (options.now ?? (() => new Date()))().toISOString();
  const tasks = new Map<string, TaskEntry>();

  function find(taskId: string): TaskEntry {
    const entry = tasks.get(taskId);
    if (!entry) throw new TaskProtocolError(invalidParamsCode, `Unknown task: ${taskId}`);
    return entry;
  }

  function view(taskId: string, entry: TaskEntry): TaskView {
    const status = runs.status(entry.runId);
    if (!status) throw new TaskProtocolError(invalidParamsCode, `Task has expired: ${taskId}`);
    const next = taskStatusOf[status.state];
    if (next !== entry.status) {
      entry.status = next;
      entry.lastUpdatedAt = now();
    }
    const message = 'message' in status ? status.message : undefined;
    const result = next === 'completed' ? runs.result(entry.runId) : undefined;
    return {
      taskId,
      status: next,
      ...(message && { statusMessage: message }),
      createdAt: entry.createdAt,
      lastUpdatedAt: entry.lastUpdatedAt,
      ttlMs: null,
      pollIntervalMs: options.pollIntervalMs,
      ...(result && { result }),
    };
  }

  return {
    async createTask(call) {
      const runId = await runs.start(call);
      const createdAt = now();
      tasks.set(runId, { runId, createdAt, lastUpdatedAt: createdAt, status: 'working' });
      return { resultType: 'task', ...view(runId, find(runId)) };
    },
    getTask(taskId) {
      return view(taskId, find(taskId));
    },
    async cancelTask(taskId) {
      await runs.cancel(find(taskId).runId);
      return {};
    },
    updateTask(taskId) {
      find(taskId);
      return {};
    },
  };
}
