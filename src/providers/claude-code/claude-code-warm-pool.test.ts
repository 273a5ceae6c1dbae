import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ProcessExit } from '../../process/index.js';
import type { LiveClaudeProcess } from './claude-code-live-process.js';
import { createClaudeWarmPool } from './claude-code-warm-pool.js';

/** A stand-in with the identity and lifetime of a live process (the pool touches nothing else). */
function createLiveProcess(key = 'same', model?: string) {
  let exit: (value: ProcessExit) => void = () => undefined;
  const exited = new Promise<ProcessExit>((resolve) => (exit = resolve));
  const live = {
    key,
    model,
    pid: 1,
    hasExited: false as boolean,
    exited,
    finished: exited,
    nextLine: () => Promise.resolve(undefined),
    write: () => true,
    interrupt: () => undefined,
    stderrTail: () => '',
    stop: vi.fn(() => {
      live.hasExited = true;
      exit({ exitCode: 0, signal: null });
      return Promise.resolve();
    }),
  } satisfies LiveClaudeProcess;
  return live;
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('createClaudeWarmPool', () => {
  const limits = { maxProcesses: 2, idleSeconds: 10 };

  it('gives a parked process back to its session when it was started the same way', () => {
    const pool = createClaudeWarmPool(limits);
    const live = createLiveProcess('same', 'mock-model');
    expect(pool.park('session-1', live)).toBe(true);
    expect(pool.size).toBe(1);
    expect(pool.take('session-2', { key: 'same', model: undefined })).toBeUndefined();
    expect(pool.take('session-1', { key: 'same', model: undefined })).toBe(live);
    expect(pool.size).toBe(0);
    expect(live.stop).not.toHaveBeenCalled();
  });

  it.each([
    ['other settings', { key: 'other', model: 'mock-model' }],
    ['another model', { key: 'same', model: 'mock-model-2' }],
  ])('ends the session’s process instead of giving it for %s', (_label, wanted) => {
    const pool = createClaudeWarmPool(limits);
    const live = createLiveProcess('same', 'mock-model');
    pool.park('session-1', live);
    expect(pool.take('session-1', wanted)).toBeUndefined();
    expect(live.stop).toHaveBeenCalledOnce();
    expect(pool.size).toBe(0);
  });

  it('ends a process idle for idleSeconds', () => {
    const pool = createClaudeWarmPool(limits);
    const live = createLiveProcess();
    pool.park('session-1', live);
    vi.advanceTimersByTime(9_999);
    expect(live.stop).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(live.stop).toHaveBeenCalledOnce();
    expect(pool.size).toBe(0);
  });

  it('ends the longest idle process beyond maxProcesses', () => {
    const pool = createClaudeWarmPool(limits);
    const [first, second, third] = [createLiveProcess(), createLiveProcess(), createLiveProcess()];
    pool.park('session-1', first);
    pool.park('session-2', second);
    pool.park('session-3', third);
    expect(first.stop).toHaveBeenCalledOnce();
    expect(pool.size).toBe(2);
    expect(pool.take('session-3', { key: 'same', model: undefined })).toBe(third);
  });

  it('forgets a process that exited while idle', async () => {
    const pool = createClaudeWarmPool(limits);
    const live = createLiveProcess();
    pool.park('session-1', live);
    await live.stop();
    await Promise.resolve();
    expect(pool.size).toBe(0);
  });

  it('keeps nothing with maxProcesses 0 or after dispose, and dispose ends what it kept', async () => {
    const off = createClaudeWarmPool({ maxProcesses: 0, idleSeconds: 10 });
    expect(off.park('session-1', createLiveProcess())).toBe(false);
    const pool = createClaudeWarmPool(limits);
    const live = createLiveProcess();
    pool.park('session-1', live);
    await pool.dispose();
    expect(live.stop).toHaveBeenCalledOnce();
    expect(pool.park('session-2', createLiveProcess())).toBe(false);
  });
});
