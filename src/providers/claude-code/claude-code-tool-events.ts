import type { AgentEvent, AgentEventOf } from '../../events/index.js';
import { toolOutputLimit, truncate } from '../kit/truncate-text.js';

const fileEditingTools: ReadonlySet<string> = new Set([
  'Write',
  'Edit',
  'MultiEdit',
  'NotebookEdit',
]);
const planStatuses = ['pending', 'in_progress', 'completed'] as const;

/** A `tool_result` content (a string, or text/image blocks) as bounded text. */
export function toolOutputText(content: unknown): string {
  const text =
    typeof content === 'string'
      ? content
      : Array.isArray(content)
        ? content.map(blockText).join('\n')
        : '';
  return truncate(text, toolOutputLimit);
}

function blockText(block: unknown): string {
  if (typeof block !== 'object' || block === null) return '';
  const { type, text } = block as { type?: unknown; text?: unknown };
  if (typeof text === 'string') return text;
  return typeof type === 'string' ? `[${type}]` : '';
}

/**
 * The file a successful editing tool call changed. Write reports in its `tool_use_result`
 * whether it created the file (`type: 'create'`) or replaced it.
 */
export function fileChangeFor(
  toolName: string,
  input: unknown,
  toolUseResult: unknown,
): AgentEventOf<'file-change'> | undefined {
  if (!fileEditingTools.has(toolName)) return undefined;
  const path = stringField(input, 'file_path') ?? stringField(input, 'notebook_path');
  const reportedPath = stringField(toolUseResult, 'filePath');
  const changedPath = path ?? reportedPath;
  if (changedPath === undefined) return undefined;
  const created = toolName === 'Write' && stringField(toolUseResult, 'type') === 'create';
  return { type: 'file-change', path: changedPath, kind: created ? 'add' : 'update' };
}

/** TodoWrite's input (`{ todos: [{ content, status, activeForm }] }`) as the whole plan. */
export function planUpdateFor(toolName: string, input: unknown): AgentEvent | undefined {
  if (toolName !== 'TodoWrite') return undefined;
  const todos = (input as { todos?: unknown } | null)?.todos;
  if (!Array.isArray(todos)) return undefined;
  const entries = todos.flatMap((todo: unknown) => {
    const content = stringField(todo, 'content');
    if (content === undefined) return [];
    const status = planStatuses.find((known) => known === stringField(todo, 'status'));
    return [{ content, status: status ?? 'pending' }];
  });
  return { type: 'plan-update', entries };
}

/** A one-line summary of a tool input for warnings, e.g. the Bash command or the file path. */
export function describeToolInput(input: unknown): string {
  const summary =
    stringField(input, 'command') ??
    stringField(input, 'file_path') ??
    stringField(input, 'notebook_path') ??
    stringField(input, 'url') ??
    stringField(input, 'pattern') ??
    (input === undefined ? '' : JSON.stringify(input));
  return truncate(summary, 200);
}

function stringField(value: unknown, name: string): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const field = (value as Record<string, unknown>)[name];
  return typeof field === 'string' ? field : undefined;
}
