import { isAbsolute, join } from 'node:path';
import type { AgentEvent, AgentEventOf } from '../../events/index.js';
import { truncate } from '../kit/truncate-text.js';
import { opencodeTodoSchema, type OpencodeToolState } from './opencode-wire.js';

const toolOutputLimit = 8000;

type FileChange = AgentEventOf<'file-change'>;
type PlanUpdate = AgentEventOf<'plan-update'>;

/** The `tool-result` of a finished tool part (`completed` or `error`). */
export function toolResultFor(
  callId: string,
  toolName: string,
  state: OpencodeToolState,
): AgentEventOf<'tool-result'> {
  const isError = state.status === 'error';
  const output = isError ? (state.error ?? 'The tool failed.') : (state.output ?? '');
  return {
    type: 'tool-result',
    callId,
    toolName,
    output: truncate(output, toolOutputLimit),
    isError,
  };
}

/**
 * The files a completed tool changed, as its metadata reports them: `write` (`filepath`,
 * `exists`), `edit` (`filediff.file`), `apply_patch` (`files[]` with a type each); the tool
 * input's `filePath` (relative to the project) when the metadata has no path.
 */
export function fileChangesFor(tool: string, state: OpencodeToolState, cwd: string): FileChange[] {
  if (state.status !== 'completed') return [];
  const metadata = state.metadata ?? {};
  const input = (state.input ?? {}) as { filePath?: unknown };
  const inputPath = typeof input.filePath === 'string' ? absolute(input.filePath, cwd) : undefined;
  const change = (path: string | undefined, kind: FileChange['kind']): FileChange[] =>
    path === undefined ? [] : [{ type: 'file-change', path, kind }];
  switch (tool) {
    case 'write': {
      const path = stringAt(metadata, 'filepath') ?? inputPath;
      return change(path, metadata.exists === false ? 'add' : 'update');
    }
    case 'edit':
    case 'multiedit': {
      const filediff = metadata.filediff as Record<string, unknown> | undefined;
      return change(
        stringAt(filediff, 'file') ?? stringAt(metadata, 'filepath') ?? inputPath,
        'update',
      );
    }
    case 'apply_patch':
    case 'patch':
      return patchedFiles(metadata.files, cwd);
    default:
      return [];
  }
}

function patchedFiles(files: unknown, cwd: string): FileChange[] {
  if (!Array.isArray(files)) return [];
  return files.flatMap((file: unknown): FileChange[] => {
    const { filePath, movePath, type } = (file ?? {}) as Record<string, unknown>;
    if (typeof filePath !== 'string') return [];
    const path = absolute(filePath, cwd);
    if (type === 'add') return [{ type: 'file-change', path, kind: 'add' }];
    if (type === 'delete') return [{ type: 'file-change', path, kind: 'delete' }];
    if (typeof movePath === 'string') {
      return [
        { type: 'file-change', path, kind: 'delete' },
        { type: 'file-change', path: absolute(movePath, cwd), kind: 'add' },
      ];
    }
    return [{ type: 'file-change', path, kind: type === 'update' ? 'update' : 'unknown' }];
  });
}

/** The plan in a `todowrite` input or a `todo.updated` event; cancelled items count as done. */
export function planUpdateFrom(todos: unknown): PlanUpdate | undefined {
  if (!Array.isArray(todos)) return undefined;
  const entries = todos.flatMap((todo: unknown): PlanUpdate['entries'] => {
    const parsed = opencodeTodoSchema.safeParse(todo);
    if (!parsed.success) return [];
    const { content, status } = parsed.data;
    if (status === 'cancelled') return [{ content: `${content} (cancelled)`, status: 'completed' }];
    const known = status === 'in_progress' || status === 'completed' ? status : 'pending';
    return [{ content, status: known }];
  });
  return { type: 'plan-update', entries };
}

/** A tool call's events, once: its `tool-call` when first seen running or finished. */
export function toolCallFor(callId: string, toolName: string, input: unknown): AgentEvent {
  return { type: 'tool-call', callId, toolName, input: input ?? {} };
}

function stringAt(record: Record<string, unknown> | undefined, key: string): string | undefined {
  const value = record?.[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function absolute(path: string, cwd: string): string {
  return isAbsolute(path) ? path : join(cwd, path);
}
