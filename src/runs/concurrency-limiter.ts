import { AgentError } from '../errors/index.js';

export interface ConcurrencyLimiter {
  /**
   * Waits for a free slot (FIFO). Resolves to the release function; rejects with the signal's
   * reason if aborted while queued. `onQueued` is told the queue position when it has to wait.
   */
  acquire(signal: AbortSignal, onQueued?: (position: number) => void): Promise<() => void>;
  readonly running: number;
  readonly queued: number;
}

export function createConcurrencyLimiter(maxConcurrent: number): ConcurrencyLimiter {
  let running = 0;
  const waiting: Array<() => void> = [];

  const release = () => {
    running -= 1;
    waiting.shift()?.();
  };

  const makeRelease = () => {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      release();
    };
  };

  return {
    get running() {
      return running;
    },
    get queued() {
      return waiting.length;
    },
    acquire(signal, onQueued) {
      if (signal.aborted) return Promise.reject(toError(signal.reason));
      if (running < maxConcurrent) {
        running += 1;
        return Promise.resolve(makeRelease());
      }
      return new Promise((resolve, reject) => {
        const grant = () => {
          signal.removeEventListener('abort', onAbort);
          running += 1;
          resolve(makeRelease());
        };
        const onAbort = () => {
          const index = waiting.indexOf(grant);
          if (index >= 0) waiting.splice(index, 1);
          reject(toError(signal.reason));
        };
        signal.addEventListener('abort', onAbort, { once: true });
        waiting.push(grant);
        onQueued?.(waiting.length);
      });
    },
  };
}

function toError(reason: unknown): Error {
  return reason instanceof Error ? reason : new AgentError('cancelled', String(reason));
}
