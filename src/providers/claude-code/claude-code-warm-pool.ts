import type { WarmSettings } from '../warm-settings.js';
import type { LiveClaudeProcess, LiveProcessIdentity } from './claude-code-live-process.js';

/**
 * The idle live processes of one provider, by the agent's session id: a process serves one
 * session, and only the turn that continues it. At most `maxProcesses` are kept (the longest
 * idle one ends first), each for `idleSeconds`.
 */
export interface ClaudeWarmPool {
  /**
   * The idle process of `sessionId`, taken out of the pool, when it still runs and `wanted`
   * matches what it was started with (a request without a model takes any model). Otherwise
   * `undefined`, and a process of that session is ended: its history would go stale while
   * another process continues the session.
   */
  take(sessionId: string, wanted: LiveProcessIdentity): LiveClaudeProcess | undefined;
  /** Keeps `live` for the next turn of `sessionId`; `false` (and nothing kept) when it may not. */
  park(sessionId: string, live: LiveClaudeProcess): boolean;
  /** How many idle processes are kept now. */
  readonly size: number;
  /** Ends every idle process and keeps none from now on. Never throws. */
  dispose(): Promise<void>;
}

interface Parked {
  live: LiveClaudeProcess;
  timer: NodeJS.Timeout;
}

export function createClaudeWarmPool(limits: WarmSettings): ClaudeWarmPool {
  const parked = new Map<string, Parked>();
  const stopping = new Set<Promise<void>>();
  let isDisposed = false;

  const end = (live: LiveClaudeProcess): void => {
    const stopped = live.stop();
    stopping.add(stopped);
    void stopped.then(() => stopping.delete(stopped));
  };
  const remove = (sessionId: string): LiveClaudeProcess | undefined => {
    const entry = parked.get(sessionId);
    if (entry === undefined) return undefined;
    clearTimeout(entry.timer);
    parked.delete(sessionId);
    return entry.live;
  };

  return {
    take(sessionId, wanted) {
      const live = remove(sessionId);
      if (live === undefined) return undefined;
      const matches =
        live.key === wanted.key && (wanted.model === undefined || wanted.model === live.model);
      if (matches && !live.hasExited) return live;
      end(live);
      return undefined;
    },

    park(sessionId, live) {
      if (isDisposed || limits.idleSeconds <= 0 || limits.maxProcesses <= 0 || live.hasExited) {
        return false;
      }
      const earlier = remove(sessionId);
      if (earlier !== undefined && earlier !== live) end(earlier);
      const timer = setTimeout(() => {
        if (parked.get(sessionId)?.live === live) end(remove(sessionId)!);
      }, limits.idleSeconds * 1000);
      // An idle process must not keep the server alive.
      timer.unref();
      parked.set(sessionId, { live, timer });
      void live.exited.then(() => {
        if (parked.get(sessionId)?.live === live) remove(sessionId);
      });
      // Over the limit: the longest idle one (the first in insertion order) ends.
      while (parked.size > limits.maxProcesses) {
        const [oldest] = parked.keys();
        end(remove(oldest!)!);
      }
      return true;
    },

    get size() {
      return parked.size;
    },

    async dispose() {
      isDisposed = true;
      for (const sessionId of [...parked.keys()]) end(remove(sessionId)!);
      await Promise.allSettled([...stopping]);
    },
  };
}
