/**
 * The spare thread of a warm `codex app-server`: when a run that started a new thread leaves,
 * a `thread/start` with the same parameters is sent ahead on a held channel of the router, and
 * the next run asking for a thread just like it takes that one — its request, response and
 * notifications handed to the run's channel as if the run had sent it — so a warm run's turn
 * starts without a thread/start round trip (~7 ms on 0.171.0). One spare per server; an unused
 * one is dropped after `maxAgeMs`, or when a run leaves a thread of other parameters.
 */
import type { CodexThreadChannel, CodexThreadRouter } from './codex-thread-router.js';

export interface CodexThreadStart {
  params: unknown;
  options: { timeoutMs: number };
}

export interface CodexSpareThread {
  /** The spare thread's answer, handed over to `channel`, when its parameters are `params`. */
  take(params: unknown, channel: CodexThreadChannel): Promise<unknown> | undefined;
  /** Sends a spare `thread/start` like `request`, in place of one unlike it. */
  prepare(request: CodexThreadStart): void;
  /** Drops the spare (the server stops). */
  drop(): void;
}

interface Spare {
  key: string;
  channel: CodexThreadChannel;
  answered: Promise<unknown>;
  timer: NodeJS.Timeout;
}

export function createCodexSpareThread(options: {
  router: CodexThreadRouter;
  /** Stops the notifications of threads nobody uses (best effort). */
  unsubscribe: (threadIds: readonly string[]) => void;
  /**
   * A spare read Codex's configuration and the project's instructions (AGENTS.md) when it was
   * started; older than this, it goes unused.
   */
  maxAgeMs: number;
}): CodexSpareThread {
  const { router, unsubscribe, maxAgeMs } = options;
  let current: Spare | undefined;

  const drop = (spare: Spare): void => {
    if (current === spare) current = undefined;
    clearTimeout(spare.timer);
    spare.channel.close();
    spare.answered.then(
      (result) => {
        const threadId = (result as { thread?: { id?: unknown } } | undefined)?.thread?.id;
        if (typeof threadId === 'string') unsubscribe([threadId]);
      },
      () => undefined,
    );
  };

  return {
    take(params, channel) {
      const spare = current;
      if (spare?.key !== JSON.stringify(params)) return undefined;
      current = undefined;
      clearTimeout(spare.timer);
      return spare.channel.handOver(channel) ? spare.answered : undefined;
    },

    prepare(request) {
      const key = JSON.stringify(request.params);
      if (current?.key === key) return;
      if (current) drop(current);
      const channel = router.open({ held: true });
      const answered = channel.request('thread/start', request.params, request.options);
      const spare: Spare = {
        key,
        channel,
        answered,
        timer: setTimeout(() => drop(spare), maxAgeMs),
      };
      spare.timer.unref();
      current = spare;
      // Refused or unanswered: no run takes it (one that already did reads the refusal).
      answered.catch(() => {
        if (current === spare) drop(spare);
      });
    },

    drop() {
      if (current) drop(current);
    },
  };
}
