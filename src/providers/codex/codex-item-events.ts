import type { AgentEvent, AgentEventOf } from '../../events/index.js';
import { toolOutputLimit, truncate } from '../kit/truncate-text.js';
import type { CodexThreadItem } from './codex-wire.js';

type ToolItem = Exclude<CodexThreadItem, { type: 'agentMessage' } | { type: 'reasoning' }>;

export function isToolItem(item: CodexThreadItem): item is ToolItem {
  return item.type !== 'agentMessage' && item.type !== 'reasoning';
}

/** The `tool-call` for an item Codex started (or completed without a start). */
export function toolCallFor(item: ToolItem): AgentEventOf<'tool-call'> {
  const call = (toolName: string, input: unknown): AgentEventOf<'tool-call'> => ({
    type: 'tool-call',
    callId: item.id,
    toolName,
    input,
  });
  switch (item.type) {
    case 'commandExecution':
      return call('shell', { command: item.command, cwd: item.cwd ?? undefined });
    case 'fileChange':
      return call('apply_patch', {
        changes: item.changes.map((change) => ({ path: change.path, kind: change.kind?.type })),
      });
    case 'mcpToolCall':
      return call(`mcp__${item.server}__${item.tool}`, item.arguments ?? {});
    case 'dynamicToolCall':
      return call(item.tool, item.arguments ?? {});
    case 'webSearch':
      return call('web_search', { query: item.query ?? undefined });
    case 'imageView':
      return call('view_image', { path: item.path });
    case 'collabAgentToolCall':
      return call(item.tool, {
        prompt: item.prompt ?? undefined,
        receiverThreadIds: item.receiverThreadIds ?? undefined,
      });
  }
}

/** The `tool-result` for a completed item, and the files it changed. */
export function toolResultFor(item: ToolItem): AgentEvent[] {
  const toolName = toolCallFor(item).toolName;
  const result = (output: string, isError: boolean): AgentEventOf<'tool-result'> => ({
    type: 'tool-result',
    callId: item.id,
    toolName,
    output: truncate(output, toolOutputLimit),
    isError,
  });
  switch (item.type) {
    case 'commandExecution':
      return [
        result(
          commandOutput(item.aggregatedOutput, item.exitCode, item.status),
          item.status !== 'completed' || (item.exitCode ?? 0) !== 0,
        ),
      ];
    case 'fileChange': {
      const changes = item.changes.map(
        (change) => `${changeLetter(change.kind?.type)} ${change.kind?.move_path ?? change.path}`,
      );
      const summary = [...changes, ...statusNote(item.status)].join('\n');
      const isApplied = item.status === 'completed';
      return [result(summary, !isApplied), ...(isApplied ? fileChangesOf(item) : [])];
    }
    case 'mcpToolCall': {
      const text = item.error?.message ?? (item.result?.content ?? []).map(blockText).join('\n');
      return [result(text, item.status === 'failed' || Boolean(item.error))];
    }
    case 'dynamicToolCall': {
      const text = (item.contentItems ?? []).map(blockText).join('\n');
      return [result(text, item.status === 'failed' || item.success === false)];
    }
    case 'webSearch':
      return [
        result(item.query ? `Searched the web for: ${item.query}` : 'Searched the web.', false),
      ];
    case 'imageView':
      return [result(`Viewed ${item.path}`, false)];
    case 'collabAgentToolCall':
      return [result(`${item.tool} ${item.status}`, item.status === 'failed')];
  }
}

/** One line naming what an item asks to do, for a `permission-request`'s subject. */
export function subjectOf(item: CodexThreadItem): string | undefined {
  if (item.type === 'commandExecution') return item.command;
  if (item.type === 'fileChange') return item.changes.map((change) => change.path).join(', ');
  return undefined;
}

function fileChangesOf(item: Extract<ToolItem, { type: 'fileChange' }>): AgentEvent[] {
  return item.changes.flatMap((change): AgentEvent[] => {
    const movedTo = change.kind?.move_path;
    if (movedTo) {
      return [
        { type: 'file-change', path: change.path, kind: 'delete' },
        { type: 'file-change', path: movedTo, kind: 'add' },
      ];
    }
    return [{ type: 'file-change', path: change.path, kind: changeKind(change.kind?.type) }];
  });
}

function changeKind(kind: string | undefined): AgentEventOf<'file-change'>['kind'] {
  return kind === 'add' || kind === 'update' || kind === 'delete' ? kind : 'unknown';
}

function changeLetter(kind: string | undefined): string {
  return kind === 'add' ? 'A' : kind === 'delete' ? 'D' : kind === 'update' ? 'M' : '?';
}

function commandOutput(
  output: string | null | undefined,
  exitCode: number | null | undefined,
  status: string,
): string {
  const text = (output ?? '').trimEnd();
  const ending =
    status === 'declined'
      ? '(declined: the command did not run)'
      : exitCode === null || exitCode === undefined
        ? `(${status})`
        : `(exit code ${exitCode})`;
  return text === '' ? ending : `${text}\n${ending}`;
}

// A status worth saying next to the output: not run, or failed.
function statusNote(status: string): string[] {
  if (status === 'declined') return ['(declined: not applied)'];
  if (status === 'failed') return ['(failed)'];
  return [];
}

function blockText(block: unknown): string {
  if (typeof block !== 'object' || block === null) return '';
  const { type, text } = block as { type?: unknown; text?: unknown };
  if (typeof text === 'string') return text;
  return typeof type === 'string' ? `[${type}]` : '';
}
