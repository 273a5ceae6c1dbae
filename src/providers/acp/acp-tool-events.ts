import type { AgentEvent } from '../../events/index.js';
import type { AcpToolCall, AcpToolContent } from './acp-wire.js';

const outputLimit = 4000;

export function truncate(text: string, limit: number): string {
  if (text.length <= limit) return text;
  return `${text.slice(0, limit)}… [${text.length - limit} more characters]`;
}

/** What we know of one ACP tool call, merged from `tool_call` and its updates. */
export interface AcpToolState {
  callId: string;
  toolName: string;
  title?: string;
  kind?: string;
  status: string;
  rawInput?: unknown;
  rawOutput?: unknown;
  content: AcpToolContent[];
  locations: string[];
  /** The `tool-call` event went out. */
  isAnnounced: boolean;
}

/**
 * The tool's name: the one agents give (`Bash`, `exec_command`), else a first title that is a
 * bare identifier (opencode's `bash`, `write`), else its kind (`execute`, `edit`).
 */
export function newToolState(update: Partial<AcpToolCall> & { toolCallId: string }): AcpToolState {
  const title = update.title ?? undefined;
  const identifierTitle = title !== undefined && /^[\w.-]+$/.test(title) ? title : undefined;
  const toolName = update.name ?? identifierTitle ?? update.kind ?? 'tool';
  const state: AcpToolState = {
    callId: update.toolCallId,
    toolName,
    status: 'pending',
    content: [],
    locations: [],
    isAnnounced: false,
  };
  mergeToolUpdate(state, update);
  return state;
}

export function mergeToolUpdate(state: AcpToolState, update: Partial<AcpToolCall>): void {
  if (update.title) state.title = update.title;
  if (update.kind) state.kind = update.kind;
  if (update.status) state.status = update.status;
  if (hasContent(update.rawInput)) state.rawInput = update.rawInput;
  if (update.rawOutput !== undefined) state.rawOutput = update.rawOutput;
  if (update.content && update.content.length > 0) state.content = update.content;
  if (update.locations && update.locations.length > 0) {
    state.locations = update.locations.map((location) => location.path);
  }
}

/**
 * Announce a tool once it runs or finishes (or asks permission): agents send a `pending` call
 * before its input is complete (opencode: only the cwd; claude-agent-acp: nothing).
 */
export function isReadyToAnnounce(state: AcpToolState): boolean {
  return state.status !== 'pending';
}

export function isFinished(state: AcpToolState): boolean {
  return state.status === 'completed' || state.status === 'failed';
}

export function toolCallEvent(state: AcpToolState): AgentEvent {
  const input = hasContent(state.rawInput) ? state.rawInput : { title: state.title ?? '' };
  return { type: 'tool-call', callId: state.callId, toolName: state.toolName, input };
}

export function toolResultEvent(state: AcpToolState): AgentEvent {
  return {
    type: 'tool-result',
    callId: state.callId,
    toolName: state.toolName,
    output: truncate(describeOutput(state), outputLimit),
    isError: state.status === 'failed',
  };
}

/** The text the tool produced: its text content, else the output fields of `rawOutput`. */
function describeOutput(state: AcpToolState): string {
  const texts = state.content.flatMap((entry) => {
    if (entry.type === 'content' && entry.content?.text !== undefined) return [entry.content.text];
    if (entry.type === 'diff' && entry.path !== undefined) return [`(diff of ${entry.path})`];
    return [];
  });
  if (texts.length > 0) return texts.join('\n');
  const raw = state.rawOutput;
  if (typeof raw === 'string') return raw;
  if (typeof raw === 'object' && raw !== null) {
    const fields = raw as Record<string, unknown>;
    for (const key of ['output', 'formatted_output', 'stdout', 'error', 'message']) {
      const value = fields[key];
      if (typeof value === 'string' && value !== '') return value;
    }
    return JSON.stringify(raw);
  }
  return '';
}

/** Files a finished, successful tool changed: its diffs, else an edit tool's locations. */
export function fileChangesOf(state: AcpToolState): AgentEvent[] {
  if (state.status !== 'completed') return [];
  const diffs = state.content.filter((entry) => entry.type === 'diff' && entry.path);
  if (diffs.length > 0) {
    return diffs.map((entry) => ({
      type: 'file-change',
      path: entry.path!,
      kind: isAddition(entry) ? 'add' : 'update',
    }));
  }
  if (state.kind !== 'edit' && state.kind !== 'delete' && state.kind !== 'move') return [];
  const kind = state.kind === 'delete' ? 'delete' : 'unknown';
  return state.locations.map((path) => ({ type: 'file-change', path, kind }));
}

function isAddition(entry: AcpToolContent): boolean {
  const meta = (entry as { _meta?: { kind?: unknown } })._meta;
  return meta?.kind === 'add' || entry.oldText === null || entry.oldText === '';
}

function hasContent(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value === 'object') return Object.keys(value).length > 0;
  return true;
}

/** One line naming what a permission request is about. */
export function describeSubject(state: AcpToolState): string {
  const input = state.rawInput as Record<string, unknown> | undefined;
  for (const key of ['command', 'cmd', 'file_path', 'filePath', 'path']) {
    const value = input?.[key];
    if (typeof value === 'string' && value !== '') return value;
    if (Array.isArray(value)) return value.join(' ');
  }
  return state.title ?? state.locations.join(', ') ?? state.toolName;
}

export function permissionKindOf(
  state: AcpToolState,
): 'command' | 'file-change' | 'tool' | 'other' {
  if (state.kind === 'execute') return 'command';
  if (state.kind === 'edit' || state.kind === 'delete' || state.kind === 'move') {
    return 'file-change';
  }
  return 'tool';
}
