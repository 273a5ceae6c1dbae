/**
 * Serves the Tasks extension (`io.modelcontextprotocol/tasks`) on one 2026-07-28 MCP server:
 * declares it, answers its methods from the process's TasksExtension, and tells the tool
 * handlers whether a `tools/call` asks for a task (the client names the extension in the
 * request's capabilities).
 */
import {
  CLIENT_CAPABILITIES_META_KEY,
  ProtocolError,
  type McpServer,
  type ServerContext,
} from '@modelcontextprotocol/server';
import { z } from 'zod';
import {
  clientAcceptsTasks,
  TaskProtocolError,
  tasksExtensionId,
  type TasksExtension,
} from './tasks-extension.js';

/** The capabilities a 2026-07-28 server declares to offer tasks. */
export const tasksCapabilities = { extensions: { [tasksExtensionId]: {} } };

/** Whether this `tools/call` should be answered with a task. */
export function callAsksForTask(context: ServerContext): boolean {
  const envelope: Record<string, unknown> | undefined = context.mcpReq.envelope;
  return clientAcceptsTasks(envelope?.[CLIENT_CAPABILITIES_META_KEY]);
}

const taskParams = z.looseObject({ taskId: z.string().min(1) });

type ValidateToolOutput = (tool: unknown, result: unknown, toolName: string) => Promise<void>;

/**
 * A tool with an output schema must answer with structured content, the SDK checks (2.4.0,
 * `McpServer.validateToolOutput`, private): a task answer is no tool output, so it is let
 * through unchecked; every other answer is checked as before.
 */
function letTaskAnswersThrough(server: McpServer): void {
  const validate = Reflect.get(server, 'validateToolOutput') as ValidateToolOutput | undefined;
  if (typeof validate !== 'function') {
    throw new Error('@modelcontextprotocol/server has no McpServer.validateToolOutput to wrap');
  }
  const wrapped: ValidateToolOutput = (tool, result, toolName) =>
    isTaskAnswer(result) ? Promise.resolve() : validate.call(server, tool, result, toolName);
  Reflect.set(server, 'validateToolOutput', wrapped);
}

function isTaskAnswer(result: unknown): boolean {
  return (result as { resultType?: unknown } | undefined)?.resultType === 'task';
}

export function registerTasksMethods(
  server: McpServer,
  tasks: TasksExtension,
  owner: string | undefined,
): void {
  letTaskAnswersThrough(server);
  const answer = async <T>(work: () => T | Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      if (error instanceof TaskProtocolError) throw new ProtocolError(error.code, error.message);
      throw error;
    }
  };
  server.server.setRequestHandler('tasks/get', { params: taskParams }, ({ taskId }) =>
    answer(() => ({ ...tasks.getTask(taskId, owner) })),
  );
  server.server.setRequestHandler('tasks/cancel', { params: taskParams }, ({ taskId }) =>
    answer(() => tasks.cancelTask(taskId, owner)),
  );
  server.server.setRequestHandler('tasks/update', { params: taskParams }, ({ taskId }) =>
    answer(() => tasks.updateTask(taskId, owner)),
  );
}
