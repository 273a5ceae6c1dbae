import { describe, expect, it } from 'vitest';
import {
  createProgressReporter,
  progressEventMetaKey,
  type ProgressNotification,
} from './progress-reporter.js';

const start = { type: 'run-start' as const, provider: 'p', cwd: '/work' };

describe('progress reporter', () => {
  it('flushes pending deltas before the next event and sends nothing after close', async () => {
    const sent: ProgressNotification[] = [];
    const reporter = createProgressReporter({
      provider: 'p',
      heartbeatMs: 50,
      coalesceMs: 10_000,
      send: (notification) => {
        sent.push(notification);
        return Promise.resolve();
      },
    });
    reporter.push(start);
    reporter.push({ type: 'text-delta', blockId: 'a', delta: 'Hel' });
    reporter.push({ type: 'text-delta', blockId: 'a', delta: 'lo' });
    reporter.push({
      type: 'tool-call',
      callId: 'c',
      toolName: 'Read',
      input: { file_path: '/work/src/a.ts' },
    });
    await reporter.close();
    reporter.push({ type: 'warning', message: 'late' });
    reporter.status('late');
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(sent.map((notification) => notification.message)).toEqual([
      'p · started in /work',
      'p · answer: Hello',
      'p · tool: Read "src/a.ts"',
    ]);
    expect(sent.map((notification) => notification.progress)).toEqual([1, 2, 3]);
  });

  it('keeps going when a send fails', async () => {
    let calls = 0;
    const reporter = createProgressReporter({
      provider: 'p',
      heartbeatMs: 10_000,
      send: () => {
        calls += 1;
        return calls === 1 ? Promise.reject(new Error('connection gone')) : Promise.resolve();
      },
    });
    reporter.push(start);
    reporter.push({ type: 'warning', message: 'still here' });
    await reporter.close();
    expect(calls).toBe(2);
  });
});

describe('progress reporter with finished blocks', () => {
  it('sends a finished text block instead of its still-pending deltas', async () => {
    const sent: ProgressNotification[] = [];
    const reporter = createProgressReporter({
      provider: 'p',
      heartbeatMs: 10_000,
      coalesceMs: 10_000,
      send: (notification) => {
        sent.push(notification);
        return Promise.resolve();
      },
    });
    reporter.push({ type: 'text-delta', blockId: 'a', delta: 'Hel' });
    reporter.push({ type: 'text-delta', blockId: 'a', delta: 'lo' });
    reporter.push({ type: 'text', blockId: 'a', text: 'Hello' });
    reporter.push({ type: 'text-delta', blockId: 'b', delta: 'Next' });
    reporter.push({ type: 'text', blockId: 'c', text: 'Other' });
    await reporter.close();
    expect(sent.map((notification) => notification.message)).toEqual([
      'p · answer: Hello',
      'p · answer: Next',
      'p · answer: Other',
    ]);
  });
});

/** A client that takes the first notification and nothing more until `unblock()`. */
function createStuckClient() {
  const sent: ProgressNotification[] = [];
  let unblock = () => {};
  const blocked = new Promise<void>((resolve) => (unblock = resolve));
  const send = (notification: ProgressNotification) => {
    sent.push(notification);
    return sent.length === 1 ? blocked : Promise.resolve();
  };
  return { sent, send, unblock: () => unblock() };
}

describe('progress reporter with a stuck client', () => {
  it('holds a bounded backlog, merges deltas and summarises the rest, never waiting in push', async () => {
    const { sent, send, unblock } = createStuckClient();
    const reporter = createProgressReporter({
      provider: 'p',
      heartbeatMs: 10_000,
      coalesceMs: 1,
      maxQueued: 10,
      maxDeltaCharacters: 100,
      send,
    });
    reporter.push(start);
    const chunk = 'x'.repeat(1000);
    for (let index = 0; index < 20_000; index += 1) {
      expect(reporter.push({ type: 'text-delta', blockId: 'a', delta: chunk })).toBeUndefined();
    }
    for (let index = 0; index < 5_000; index += 1) {
      reporter.push({ type: 'tool-call', callId: `c${index}`, toolName: 'Read', input: {} });
      reporter.push({ type: 'text-delta', blockId: `b${index}`, delta: chunk });
    }
    reporter.push({
      type: 'run-end',
      status: 'completed',
      text: 'Done.',
      finishReason: { unified: 'stop' },
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(sent).toHaveLength(1);
    unblock();
    await reporter.close();

    const messages = sent.map((notification) => notification.message);
    // The start, the queue's 10, the summary, the end.
    expect(sent).toHaveLength(13);
    expect(messages[1]).toBe(
      'p · answer: ' + 'x'.repeat(119) + '… (19,999,900 more characters not shown)',
    );
    expect(messages[11]).toBe(
      'p · 9,991 progress updates not shown: the client reads them more slowly than the agent works (4,996 text-delta, 4,995 tool-call); the run record keeps every event',
    );
    expect(messages[12]).toBe('p · completed: Done.');
    const deltas = sent.filter((notification) => notification.message.includes('answer:'));
    for (const notification of deltas) {
      const event = notification._meta?.[progressEventMetaKey] as { delta: string };
      expect(event.delta.length).toBeLessThanOrEqual(100);
    }
    expect(sent.map((notification) => notification.progress)).toEqual(
      sent.map((_, index) => index + 1),
    );
  });

  it('bounds the queue by size as well as by count', async () => {
    const { sent, send, unblock } = createStuckClient();
    const reporter = createProgressReporter({
      provider: 'p',
      heartbeatMs: 10_000,
      maxQueuedCharacters: 50_000,
      send,
    });
    reporter.push(start);
    for (let index = 0; index < 100; index += 1) {
      reporter.push({ type: 'text', blockId: `t${index}`, text: 'y'.repeat(20_000) });
    }
    unblock();
    await reporter.close();
    expect(sent.map((notification) => notification.message.slice(0, 40))).toEqual([
      'p · started in /work',
      'p · answer: ' + 'y'.repeat(28),
      'p · answer: ' + 'y'.repeat(28),
      'p · 98 progress updates not shown: the c',
    ]);
  });
});
