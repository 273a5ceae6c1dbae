import { isAbsolute, relative } from 'node:path';
import type { AgentEvent } from '../../events/index.js';

const previewLength = 120;

/** One readable line for a progress notification, e.g. `claude-code · tool: Bash "npm test"`. */
export function describeEvent(
  provider: string,
  event: AgentEvent,
  context: { cwd?: string; answerSoFar: string },
): string {
  return `${provider} · ${describe(event, context)}`;
}

function describe(event: AgentEvent, context: { cwd?: string; answerSoFar: string }): string {
  switch (event.type) {
    case 'run-start':
      return `started${event.model ? ` (${event.model})` : ''} in ${event.cwd}`;
    case 'text-delta':
    case 'text':
      return `answer: ${preview(context.answerSoFar || (event.type === 'text' ? event.text : event.delta))}`;
    case 'reasoning-delta':
    case 'reasoning':
      return 'thinking…';
    case 'tool-call':
      return `tool: ${event.toolName}${summarizeToolInput(event.input, context.cwd)}`;
    case 'tool-result':
      return `${event.toolName} ${event.isError ? 'failed' : 'done'}${event.output ? `: ${preview(event.output)}` : ''}`;
    case 'file-change': {
      const verb = { add: 'created', update: 'edited', delete: 'deleted', unknown: 'changed' }[
        event.kind
      ];
      return `${verb} ${displayPath(event.path, context.cwd)}`;
    }
    case 'plan-update': {
      const done = event.entries.filter((entry) => entry.status === 'completed').length;
      const current = event.entries.find((entry) => entry.status === 'in_progress');
      return `plan: ${done}/${event.entries.length} done${current ? ` — ${preview(current.content)}` : ''}`;
    }
    case 'permission-request':
      return `${event.decision} by policy: ${event.kind} ${preview(event.subject)}`;
    case 'usage':
      return `usage: ${event.usage.inputTokens} in / ${event.usage.outputTokens} out${
        event.usage.costUsd === undefined ? '' : ` ($${event.usage.costUsd.toFixed(4)})`
      }`;
    case 'warning':
      return `warning: ${preview(event.message)}`;
    case 'error':
      return `error: ${preview(event.message)}`;
    case 'run-end':
      return event.status === 'completed'
        ? `completed: ${preview(event.text)}`
        : `${event.status.replace('_', ' ')}${event.error ? `: ${preview(event.error.message)}` : ''}`;
  }
}

function summarizeToolInput(input: unknown, cwd: string | undefined): string {
  if (typeof input !== 'object' || input === null) return '';
  const fields = input as Record<string, unknown>;
  for (const key of [
    'command',
    'cmd',
    'file_path',
    'path',
    'notebook_path',
    'pattern',
    'url',
    'query',
    'description',
  ]) {
    const value = fields[key];
    if (typeof value === 'string' && value !== '') {
      const shown = key.endsWith('path') ? displayPath(value, cwd) : value;
      return ` "${preview(shown)}"`;
    }
    if (Array.isArray(value) && value.every((part) => typeof part === 'string')) {
      return ` "${preview(value.join(' '))}"`;
    }
  }
  return '';
}

function displayPath(path: string, cwd: string | undefined): string {
  if (!cwd || !isAbsolute(path)) return path;
  const inside = relative(cwd, path);
  return inside && !inside.startsWith('..') && !isAbsolute(inside) ? inside : path;
}

function preview(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > previewLength ? `${line.slice(0, previewLength - 1)}…` : line;
}
