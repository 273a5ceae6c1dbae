import { describe, expect, it } from 'vitest';
import { createConcurrencyLimiter } from './concurrency-limiter.js';

describe('concurrency limiter', () => {
  it('grants slots in order and lets an aborted waiter leave the queue', async () => {
    const limiter = createConcurrencyLimiter(1);
    const never = new AbortController();
    const releaseFirst = await limiter.acquire(never.signal);
    const leaving = new AbortController();
    const positions: number[] = [];
    const abandoned = limiter.acquire(leaving.signal, (position) => positions.push(position));
    const second = limiter.acquire(never.signal, (position) => positions.push(position));
    expect(positions).toEqual([1, 2]);
    leaving.abort(new Error('gave up'));
    await expect(abandoned).rejects.toThrow('gave up');
    expect(limiter.queued).toBe(1);
    releaseFirst();
    releaseFirst();
    const releaseSecond = await second;
    expect(limiter.running).toBe(1);
    releaseSecond();
    expect(limiter.running).toBe(0);
  });
});
