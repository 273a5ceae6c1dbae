/**
 * What a background run did lately, as a few readable lines for wait_agent's answer while the
 * run goes on: the latest `maxLines` event descriptions (describe-event.ts), an answer's
 * deltas folded into one line, repeats dropped, plus the counts a result carries.
 */
import type { AgentEvent } from '../../events/index.js';
import { describeEvent } from '../progress/describe-event.js';

export interface RecentEvents {
  push(event: AgentEvent): void;
  /** A status line without an event (queued). */
  status(line: string): void;
  /** Oldest first, at most `maxLines`. */
  lines(): string[];
  readonly toolCalls: number;
  readonly filesChanged: string[];
}

// The answer preview shows 120 characters (describe-event.ts); more is never needed.
const answerPreviewCharacters = 200;
const maxFilesChanged = 1000;

export function createRecentEvents(provider: string, maxLines = 8): RecentEvents {
  const lines: string[] = [];
  const filesChanged = new Set<string>();
  let toolCalls = 0;
  let cwd: string | undefined;
  let answerSoFar = '';
  let isAnswerLineLast = false;

  const add = (line: string, isAnswer = false) => {
    if (isAnswer && isAnswerLineLast) lines.pop();
    else if (lines.at(-1) === line) return;
    lines.push(line);
    if (lines.length > maxLines) lines.shift();
    isAnswerLineLast = isAnswer;
  };

  return {
    push(event) {
      switch (event.type) {
        case 'run-start':
          cwd = event.cwd;
          break;
        case 'text-delta':
          answerSoFar = (answerSoFar + event.delta).slice(0, answerPreviewCharacters);
          break;
        case 'text':
          answerSoFar = event.text.slice(0, answerPreviewCharacters);
          break;
        case 'tool-call':
          toolCalls += 1;
          answerSoFar = '';
          break;
        case 'file-change':
          if (filesChanged.size < maxFilesChanged) filesChanged.add(event.path);
          break;
        case 'reasoning-delta':
        case 'reasoning':
        case 'tool-result':
        case 'plan-update':
        case 'permission-request':
        case 'usage':
        case 'warning':
        case 'error':
        case 'run-end':
          break;
      }
      const isAnswer = event.type === 'text-delta' || event.type === 'text';
      add(describeEvent(provider, event, { cwd, answerSoFar }), isAnswer);
    },
    status(line) {
      add(`${provider} · ${line}`);
    },
    lines: () => [...lines],
    get toolCalls() {
      return toolCalls;
    },
    get filesChanged() {
      return [...filesChanged];
    },
  };
}
