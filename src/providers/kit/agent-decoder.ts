import type { AgentEvent } from '../../events/index.js';
import type { AgentError } from '../../errors/index.js';

/**
 * The one decoder shape of every provider: pure and stateful, the CLI's native messages in,
 * normalized events out. Together with {@link createRunLifecycle} it yields exactly one
 * `run-start` first and exactly one `run-end` last. Malformed input becomes `warning` events,
 * never exceptions.
 */
export interface AgentDecoder<Native, Outcome extends TurnOutcome = ProcessOutcome> {
  /** One native message (a stdout line, a JSON-RPC line, an SSE payload) in; its events out. */
  push(native: Native): AgentEvent[];
  /**
   * After the transport ended (or the turn settled): closes what is open and emits the
   * `run-end` if none came yet — and the `run-start` first if none came at all. `[]` after
   * the run ended.
   */
  flush(outcome: Outcome): AgentEvent[];
  /** The turn is over: nothing more is needed but `flush` (for transports that outlive a turn). */
  readonly isSettled?: boolean;
}

/** How a turn ended as the provider saw it, beside what the agent said. */
export interface TurnOutcome {
  /** Set when the run's signal was aborted (we interrupted the agent). */
  aborted?: { reason: unknown };
  /** A failure the agent's own messages do not show (a request that timed out, a broken stream…). */
  failure?: AgentError;
}

/** How the agent's process ended, for agents that run as one process per turn. */
export interface ProcessOutcome extends TurnOutcome {
  exitCode: number | null;
  signal: string | null;
  stderrTail: string;
  /** The first stdout line that was not JSON, when the CLI printed one (a decoder adds it). */
  unreadLine?: string;
}
