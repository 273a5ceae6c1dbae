import { describe, expect, it } from 'vitest';
import { createProgressReporter, type ProgressNotification } from './progress-reporter.js';

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
