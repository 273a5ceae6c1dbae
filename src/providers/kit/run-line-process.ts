import type { AgentEvent } from '../../events/index.js';
import type { SpawnAgentProcessOptions } from '../../process/index.js';
import type { AgentDecoder, ProcessOutcome } from './agent-decoder.js';
import { startChildProcess, type StopPlan } from './child-process.js';
import { whenAborted } from './when-aborted.js';

export interface RunLineProcessOptions {
  /** The CLI, its argv, cwd and whole environment. */
  spawn: SpawnAgentProcessOptions;
  /** How an abort interrupts it (the CLI's graceful signal, then the tree). */
  stop: StopPlan;
  /**
   * For a CLI that lingers after the end of its turn: once the decoder is settled, no more
   * lines are read and the tree is ended at once, by `stop` with these fields changed.
   */
  stopWhenSettled?: Partial<StopPlan>;
  /** The run's signal: aborting interrupts the CLI; the run still ends with the decoder's end. */
  signal: AbortSignal;
  /** Reads each stdout line; flushed with how the process ended. */
  decoder: AgentDecoder<string, ProcessOutcome>;
}

/**
 * One turn of a CLI that prints its events on stdout, one per line, and exits at the end of the
 * turn: the decoder's events as they come, then its end. The process tree never outlives the
 * run, also when the consumer stops early (`finally`). Throws `spawn_failed` before any event.
 */
export async function* runLineProcess(
  options: RunLineProcessOptions,
): AsyncGenerator<AgentEvent, void, undefined> {
  const { decoder, signal } = options;
  const child = await startChildProcess({
    ...options.spawn,
    stop: options.stop,
    reapWhenLeaderExits: true,
  });
  let aborted: { reason: unknown } | undefined;
  const stopListening = whenAborted(signal, () => {
    if (child.process.hasExited || aborted) return;
    aborted = { reason: signal.reason };
    void child.stop();
  });
  const settledPlan = options.stopWhenSettled && { ...options.stop, ...options.stopWhenSettled };
  try {
    for await (const line of child.lines) {
      yield* decoder.push(line);
      if (settledPlan && decoder.isSettled) {
        void child.stop(settledPlan);
        break;
      }
    }
    const exit = await child.process.finished;
    yield* decoder.flush({ ...exit, stderrTail: child.process.stderrTail(), aborted });
  } finally {
    stopListening();
    // Also reached when the consumer stops early: the agent must not outlive its run.
    await child.stop();
  }
}
