/**
 * One turn at a time per session: a resume of a session whose turn is still running waits for
 * it, so two of our runs never merge into one agent turn (opencode, for one, would queue the
 * second prompt into the running turn).
 */
export interface SessionLock {
  /** Runs `work` once every earlier holder of `sessionId` is done; rejects if `signal` aborts first. */
  run<T>(sessionId: string, signal: AbortSignal, work: () => Promise<T>): Promise<T>;
}

export function createSessionLock(): SessionLock {
  const tails = new Map<string, Promise<void>>();
  return {
    async run(sessionId, signal, work) {
      const previous = tails.get(sessionId) ?? Promise.resolve();
      let release = () => {};
      const done = new Promise<void>((resolve) => (release = resolve));
      const tail = previous.then(() => done);
      tails.set(sessionId, tail);
      try {
        await untilAborted(previous, signal);
        return await work();
      } finally {
        release();
        if (tails.get(sessionId) === tail) tails.delete(sessionId);
      }
    },
  };
}

function untilAborted(promise: Promise<void>, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(toError(signal.reason));
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(toError(signal.reason));
    signal.addEventListener('abort', onAbort, { once: true });
    void promise.then(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    });
  });
}

function toError(reason: unknown): Error {
  return reason instanceof Error ? reason : new Error(String(reason));
}
