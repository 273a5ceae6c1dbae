import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { guardAcpResume, hasChatOfThisMinute, minuteStamp } from './acp-resume-guard.js';

const home = mkdtempSync(join(tmpdir(), 'acp-resume-guard-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));
const sessionId = '6f20572e-2e11-4c7f-b4fd-6155bc93c32a';
const chats = join(home, '.gemini', 'tmp', 'work', 'chats');
mkdirSync(chats, { recursive: true });
writeFileSync(join(chats, `session-2026-12-06T03-29-6f20572e.jsonl`), '');

describe('the Gemini resume guard', () => {
  it('finds a chat of the session stamped with the current minute', () => {
    const tmp = join(home, '.gemini', 'tmp');
    expect(minuteStamp(new Date('2026-12-06T03:29:59Z'), true)).toBe('2026-12-06T03-29');
    expect(hasChatOfThisMinute(tmp, sessionId, new Date('2026-12-06T03:29:10Z'))).toBe(true);
    expect(hasChatOfThisMinute(tmp, sessionId, new Date('2026-12-06T03:30:00Z'))).toBe(false);
    expect(hasChatOfThisMinute(tmp, 'aaaaaaaa-other', new Date('2026-12-06T03:29:10Z'))).toBe(
      false,
    );
  });

  it('waits for the next minute, with a note, before loading such a session', async () => {
    const notes: string[] = [];
    const times = [
      new Date('2026-12-06T03:29:59.900Z'),
      new Date('2026-12-06T03:29:59.900Z'),
      new Date('2026-12-06T03:30:00.200Z'),
    ];
    const startedAt = Date.now();
    await guardAcpResume({
      recipe: { resumeGuard: 'gemini-chat-minute', env: {} },
      sessionId,
      environment: { GEMINI_CLI_HOME: home },
      note: (text) => notes.push(text),
      signal: new AbortController().signal,
      now: () => times.shift() ?? new Date('2026-12-06T03:30:01Z'),
    });
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(300);
    expect(notes).toHaveLength(1);
  });

  it('does nothing for agents without the guard', async () => {
    const notes: string[] = [];
    await guardAcpResume({
      recipe: { env: {} },
      sessionId,
      environment: { GEMINI_CLI_HOME: home },
      note: (text) => notes.push(text),
      signal: new AbortController().signal,
      now: () => new Date('2026-12-06T03:29:10Z'),
    });
    expect(notes).toEqual([]);
  });
});
