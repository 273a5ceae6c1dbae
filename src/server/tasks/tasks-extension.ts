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
import type { CallToolResult } from '@modelcontextprotocol/server';
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
  /** How long a task stays readable after it was created (the background runs' retention). */
  ttlMs?: number;
  now?: () => Date;
}

const taskStatusOf = {
  running: 'working',
  finished: 'completed',
  cancelled: 'cancelled',
} as const satisfies Record<BackgroundRunStatus['state'], TaskStatus>;

interface TaskEntry {
  runId: string;
  /** Who created it (the HTTP bearer token's fingerprint); only they can read or cancel it. */
  owner?: string;
  createdAt: string;
  lastUpdatedAt: string;
  status: TaskStatus;
}

/**
 * Every method takes the caller's `owner` (the HTTP bearer token's fingerprint, undefined on
 * stdio): a task created under one owner is an unknown task to every other.
 */
export interface TasksExtension {
  /** Starts the call in the background; the `tools/call` answer, sent once `tasks/get` works. */
  createTask(call: BackgroundCall, owner?: string): Promise<CreateTaskResult>;
  getTask(taskId: string, owner?: string): TaskView;
  /** Asks the run to end; the task shows `cancelled` once it has. */
  cancelTask(taskId: string, owner?: string): Promise<Record<string, never>>;
  /** No task of ours asks for input: an acknowledgement for a known task. */
  updateTask(taskId: string, owner?: string): Record<string, never>;
}

export function createTasksExtension(
  runs: BackgroundRuns,
  options: TasksExtensionOptions,
): TasksExtension {
  const now = () => (options.now ?? (() => new Date()))().toISOString();
  const tasks = new Map<string, TaskEntry>();

  function find(taskId: string, owner: string | undefined): TaskEntry {
    const entry = tasks.get(taskId);
    if (!entry || entry.owner !== owner)
      throw new TaskProtocolError(invalidParamsCode, `Unknown task: ${taskId}`);
    return entry;
  }

  function view(taskId: string, entry: TaskEntry): TaskView {
    const status = runs.status(entry.runId);
    if (!status) {
      tasks.delete(taskId);
      throw new TaskProtocolError(invalidParamsCode, `Task has expired: ${taskId}`);
    }
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
      ttlMs: options.ttlMs ?? null,
      pollIntervalMs: options.pollIntervalMs,
      ...(result && { result }),
    };
  }

  return {
    async createTask(call, owner) {
      // Tasks whose runs the background runs forgot (retention) go too, polled or not.
      for (const [taskId, entry] of tasks) if (!runs.status(entry.runId)) tasks.delete(taskId);
      const runId = await runs.start(call, { owner });
      const createdAt = now();
      const entry = {
        runId,
        owner,
        createdAt,
        lastUpdatedAt: createdAt,
        status: 'working' as const,
      };
      tasks.set(runId, entry);
      return { resultType: 'task', ...view(runId, entry) };
    },
    getTask(taskId, owner) {
      return view(taskId, find(taskId, owner));
    },
    async cancelTask(taskId, owner) {
      await runs.cancel(find(taskId, owner).runId);
      return {};
    },
    updateTask(taskId, owner) {
      find(taskId, owner);
      return {};
    },
  };
}
