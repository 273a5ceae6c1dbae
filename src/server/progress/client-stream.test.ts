import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { whenDrained } from './client-stream.js';

describe('whenDrained', () => {
  it('waits while the stream buffers past its high-water mark, and not otherwise', async () => {
    const written: Array<() => void> = [];
    const stream = new Writable({
      highWaterMark: 4,
      write: (_chunk, _encoding, done) => written.push(done),
    });
    await whenDrained(stream);
    stream.write('more than four bytes');
    let isDrained = false;
    const drained = whenDrained(stream).then(() => (isDrained = true));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(isDrained).toBe(false);
    written.shift()!();
    await drained;
    expect(isDrained).toBe(true);
  });

  it('lets go when the stream closes instead of draining', async () => {
    const stream = new Writable({ highWaterMark: 1, write: () => undefined });
    stream.write('stuck');
    const drained = whenDrained(stream);
    stream.destroy();
    await drained;
  });
});
