import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { AgentEvent, RunEndEvent } from '../../events/index.js';
import { createRunRecordStore } from './run-record-store.js';

const stateDirectory = mkdtempSync(join(tmpdir(), 'subagent-mcp-records-'));
afterAll(() => rmSync(stateDirectory, { recursive: true, force: true }));
let sessionCount = 0;
const newSessionId = () => `sa_${String((sessionCount += 1)).padStart(22, '0')}`;
const end = (text: string): RunEndEvent => ({
  type: 'run-end',
  status: 'completed',
  text,
  finishReason: { unified: 'stop' },
});
const parse = (text: string | undefined) =>
  (text ?? '')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as AgentEvent);

describe('run record store', () => {
  it('records events as JSON lines, deltas of a block merged, readable while running and after', async () => {
    const store = createRunRecordStore({
      stateDir: join(stateDirectory, 'plain'),
      maxRunBytes: 1024 * 1024,
      maxTotalBytes: 8 * 1024 * 1024,
    });
    const sessionId = newSessionId();
    const record = (await store.begin(sessionId, 0))!;
    expect(record.runNumber).toBe(1);
    record.write({ type: 'run-start', provider: 'p', cwd: '/work' });
    record.write({ type: 'text-delta', blockId: 'a', delta: 'Hel' });
    record.write({ type: 'text-delta', blockId: 'a', delta: 'lo' });
    expect(parse(await store.read(record)).map((event) => event.type)).toEqual(['run-start']);
    record.write({ type: 'text', blockId: 'a', text: 'Hello' });
    record.write(end('Hello'));
    expect(await record.finish(end('unused'))).toBe(true);
    expect(parse(await store.read(record))).toEqual([
      { type: 'run-start', provider: 'p', cwd: '/work' },
      { type: 'text-delta', blockId: 'a', delta: 'Hello' },
      { type: 'text', blockId: 'a', text: 'Hello' },
      end('Hello'),
    ]);
    const second = (await store.begin(sessionId, 0))!;
    expect(second.runNumber).toBe(2);
    await second.finish(end('failed before any event'));
    expect(parse(await store.read(second))).toEqual([end('failed before any event')]);
    expect(await store.read({ sessionId, runNumber: 3 })).toBeUndefined();
    expect(await store.read({ sessionId: '../plain', runNumber: 1 })).toBeUndefined();
  });

  it('keeps the beginning and the most recent events of a long run, and its whole answer', async () => {
    const maxRunBytes = 64 * 1024;
    const store = createRunRecordStore({
      stateDir: join(stateDirectory, 'long'),
      maxRunBytes,
      maxTotalBytes: 8 * 1024 * 1024,
    });
    const record = (await store.begin(newSessionId(), 0))!;
    record.write({ type: 'run-start', provider: 'p', cwd: '/work' });
    for (let index = 0; index < 5_000; index += 1) {
      record.write({ type: 'warning', message: `event ${index} ${'.'.repeat(100)}` });
    }
    const answer = 'A'.repeat(100_000);
    record.write(end(answer));
    await record.finish(end('unused'));
    const events = parse(await store.read(record));
    const messages = events.map((event) => (event.type === 'warning' ? event.message : ''));
    expect(events[0]!.type).toBe('run-start');
    expect(messages[1]).toMatch(/^event 0 /);
    const cut = messages.findIndex((message) => message.startsWith('Run record cut'));
    expect(messages[cut]).toMatch(
      /^Run record cut: \d+ events \(\d+ bytes\) from the middle of the run were dropped to keep it within records\.maxRunBytes \(65536 bytes\)\.$/,
    );
    expect(messages.at(-2)).toMatch(/^event 4999 /);
    expect(events.at(-1)).toEqual(end(answer));
    const recordBytes = statSync(
      join(stateDirectory, 'long', 'runs', record.sessionId, '1.jsonl'),
    ).size;
    expect(recordBytes).toBeLessThan(maxRunBytes + answer.length + 1000);
    expect(readdirSync(join(stateDirectory, 'long', 'runs', record.sessionId))).toEqual([
      '1.jsonl',
    ]);
  });

  it('removes the oldest records once all of them pass the total bound', async () => {
    const stateDir = join(stateDirectory, 'total');
    const store = createRunRecordStore({
      stateDir,
      maxRunBytes: 64 * 1024,
      maxTotalBytes: 80 * 1024,
    });
    const sessions = [newSessionId(), newSessionId(), newSessionId(), newSessionId()];
    const answer = 'B'.repeat(25 * 1024);
    for (const [index, sessionId] of sessions.entries()) {
      const record = (await store.begin(sessionId, 0))!;
      record.write(end(answer));
      await record.finish(end('unused'));
      // Older by an hour per step, whatever the clock's resolution.
      const hoursAgo = new Date(Date.now() - (sessions.length - index) * 3_600_000);
      await utimes(join(stateDir, 'runs', sessionId, '1.jsonl'), hoursAgo, hoursAgo);
    }
    expect(readdirSync(join(stateDir, 'runs')).sort()).toEqual(sessions.slice(1).sort());
    expect(await store.read({ sessionId: sessions[0]!, runNumber: 1 })).toBeUndefined();
    expect(parse(await store.read({ sessionId: sessions[3]!, runNumber: 1 }))).toEqual([
      end(answer),
    ]);
  });

  it('removes the oldest records after a finish that does not wait for it', async () => {
    const stateDir = join(stateDirectory, 'background');
    const store = createRunRecordStore({
      stateDir,
      maxRunBytes: 64 * 1024,
      maxTotalBytes: 40 * 1024,
    });
    const older = (await store.begin(newSessionId(), 0))!;
    older.write(end('C'.repeat(25 * 1024)));
    await older.finish(end('unused'));
    const hourAgo = new Date(Date.now() - 3_600_000);
    await utimes(join(stateDir, 'runs', older.sessionId, '1.jsonl'), hourAgo, hourAgo);
    const newer = (await store.begin(newSessionId(), 0))!;
    newer.write(end('D'.repeat(25 * 1024)));
    expect(await newer.finish(end('unused'), { isPruneAwaited: false })).toBe(true);
    await expect
      .poll(() => readdirSync(join(stateDir, 'runs')), { timeout: 5000, interval: 20 })
      .toEqual([newer.sessionId]);
  });
});
