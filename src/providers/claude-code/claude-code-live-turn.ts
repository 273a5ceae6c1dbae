import type { AgentEvent, RunEndEvent } from '../../events/index.js';
import { whenAborted } from '../kit/when-aborted.js';
import type { ClaudeCodeDecoder } from './claude-code-decoder.js';
import type { LiveClaudeProcess } from './claude-code-live-process.js';
import { claudeCodeUserLine } from './claude-code-stream-input.js';

// After an interrupt request claude ends the turn within ~50 ms; then the process is ended.
const interruptGraceMs = 2000;

export interface LiveTurnOptions {
  prompt: string;
  signal: AbortSignal;
  decoder: ClaudeCodeDecoder;
  /** The session's idle process from an earlier turn, if one is kept. */
  warm: LiveClaudeProcess | undefined;
  /** A new process for this turn (with `--resume` when the turn continues a session). */
  start: () => Promise<LiveClaudeProcess>;
  /**
   * Called once the turn completed on a process that still runs: `true` when it was kept for
   * the next turn. Not called (and the process ended) when the turn failed, was interrupted,
   * or the consumer stopped early.
   */
  keep: (live: LiveClaudeProcess, end: RunEndEvent) => boolean;
}

/**
 * One turn on a live `claude --input-format stream-json` process: the prompt as a user line,
 * the decoder's events until the turn's result, then its end. A warm process that died between
 * turns (it ends before printing anything) is replaced by a new one and the turn goes on there.
 * An abort asks claude to interrupt the turn (a control request), then ends the process tree.
 * Throws `spawn_failed` before any event when no process can start.
 */
export async function* runLiveTurn(
  options: LiveTurnOptions,
): AsyncGenerator<AgentEvent, void, undefined> {
  const { decoder, signal } = options;
  const userLine = claudeCodeUserLine(options.prompt);
  let live = options.warm;
  if (live === undefined || !live.write(userLine)) {
    if (live !== undefined) void live.stop();
    live = await options.start();
    live.write(userLine);
  }
  let isReplaceable = live === options.warm;
  let aborted: { reason: unknown } | undefined;
  let escalation: NodeJS.Timeout | undefined;
  let isKept = false;
  let end: RunEndEvent | undefined;
  const noted = (events: AgentEvent[]): AgentEvent[] => {
    end ??= events.find((event): event is RunEndEvent => event.type === 'run-end');
    return events;
  };
  const stopListening = whenAborted(signal, () => {
    if (aborted) return;
    aborted = { reason: signal.reason };
    live!.interrupt();
    escalation = setTimeout(() => void live!.stop(), interruptGraceMs);
  });
  try {
    for (;;) {
      const line = await live.nextLine();
      if (line === undefined && isReplaceable && !aborted) {
        // Died while idle (killed, crashed): the session on disk is intact; resume it afresh.
        isReplaceable = false;
        void live.stop();
        live = await options.start();
        live.write(userLine);
        continue;
      }
      if (line === undefined) break;
      isReplaceable = false;
      yield* noted(decoder.push(line));
      if (decoder.isSettled) break;
    }
    const outcome = live.hasExited || !decoder.isSettled ? await live.finished : undefined;
    yield* noted(
      decoder.flush({
        exitCode: outcome?.exitCode ?? null,
        signal: outcome?.signal ?? null,
        stderrTail: live.stderrTail(),
        aborted,
      }),
    );
    const isCompleted = !aborted && !live.hasExited && end?.status === 'completed';
    isKept = isCompleted && end !== undefined && options.keep(live, end);
  } finally {
    stopListening();
    clearTimeout(escalation);
    // Also reached when the consumer stops early: a process not kept must not outlive its run.
    if (!isKept) await live.stop();
  }
}
