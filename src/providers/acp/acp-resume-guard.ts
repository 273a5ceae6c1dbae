/**
 * Gemini CLI 0.61 keeps a chat in `<home>/.gemini/tmp/<project>/chats/session-<minute>-<id8>.jsonl`.
 * `session/load` first starts a new chat file named after the current minute; when a file of
 * that session and minute exists already (the session was created, or loaded, this minute) it
 * resets that file and the session is lost for good. The guard waits for the next minute
 * instead: the user's session is never destroyed.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import type { AcpAgentRecipe } from './acp-agent-recipe.js';

export interface AcpResumeGuardOptions {
  recipe: Pick<AcpAgentRecipe, 'resumeGuard' | 'env'>;
  sessionId: string;
  environment: Readonly<Record<string, string | undefined>>;
  note(text: string): void;
  signal: AbortSignal;
  now?: () => Date;
}

export async function guardAcpResume(options: AcpResumeGuardOptions): Promise<void> {
  if (options.recipe.resumeGuard !== 'gemini-chat-minute') return;
  const home =
    options.recipe.env.GEMINI_CLI_HOME ??
    options.environment.GEMINI_CLI_HOME ??
    options.environment.HOME;
  if (home === undefined) return;
  const now = options.now ?? (() => new Date());
  let hasNoted = false;
  while (hasChatOfThisMinute(join(home, '.gemini', 'tmp'), options.sessionId, now())) {
    if (!hasNoted) {
      options.note(
        'Gemini CLI loses a session loaded twice within one clock minute; waiting for the next minute before loading it.',
      );
      hasNoted = true;
    }
    const current = now();
    const untilNextMinute =
      60_000 - (current.getSeconds() * 1000 + current.getMilliseconds()) + 250;
    await delay(untilNextMinute, undefined, { signal: options.signal });
  }
}

/** Whether a chat file of this session is stamped with the minute of `time` (UTC or local). */
export function hasChatOfThisMinute(tmpDirectory: string, sessionId: string, time: Date): boolean {
  const shortId = sessionId.slice(0, 8);
  const names = new Set([
    `session-${minuteStamp(time, true)}-${shortId}.jsonl`,
    `session-${minuteStamp(time, false)}-${shortId}.jsonl`,
  ]);
  for (const project of safeReaddir(tmpDirectory)) {
    for (const file of safeReaddir(join(tmpDirectory, project, 'chats'))) {
      if (names.has(file)) return true;
    }
  }
  return false;
}

/** `2026-12-06T02-12` */
export function minuteStamp(time: Date, isUtc: boolean): string {
  const pad = (value: number) => String(value).padStart(2, '0');
  const parts = isUtc
    ? [
        time.getUTCFullYear(),
        time.getUTCMonth() + 1,
        time.getUTCDate(),
        time.getUTCHours(),
        time.getUTCMinutes(),
      ]
    : [time.getFullYear(), time.getMonth() + 1, time.getDate(), time.getHours(), time.getMinutes()];
  const [year, month, day, hours, minutes] = parts.map((part) => pad(part ?? 0));
  return `${year}-${month}-${day}T${hours}-${minutes}`;
}

function safeReaddir(directory: string): string[] {
  try {
    return readdirSync(directory);
  } catch {
    return [];
  }
}
