/**
 * The endings every provider shares: a run the caller aborted (cancelled, or timed out), one
 * that failed for a reason we saw ourselves, and an agent that died before finishing its turn.
 * A provider adds its own endings (the agent's answer, its errors) and spreads one of these
 * into its `run-end`.
 */
import type { RunEndEvent, RunStatus } from '../../events/index.js';
import { AgentError, type AgentErrorCode } from '../../errors/index.js';
import type { ProcessOutcome } from './agent-decoder.js';

/** The part of a `run-end` that says how it ended. */
export type RunEnding = Pick<RunEndEvent, 'status' | 'finishReason' | 'error'>;

const stderrInMessageLimit = 2000;

/** The run status for a run whose signal was aborted with `reason`. */
export function statusForAbortReason(
  reason: unknown,
): Extract<RunStatus, 'cancelled' | 'timed_out'> {
  if (AgentError.is(reason, 'timed_out') || AgentError.is(reason, 'idle_timeout'))
    return 'timed_out';
  return 'cancelled';
}

/** The `{ code, message }` error for an aborted run. */
export function errorForAbortReason(reason: unknown): { code: string; message: string } {
  if (reason instanceof AgentError) return { code: reason.code, message: reason.message };
  return { code: 'cancelled', message: 'The run was cancelled by the caller.' };
}

/** A run we interrupted: `cancelled`, or `timed_out` when a timeout was the reason. */
export function abortedEnding(aborted: { reason: unknown }, raw: string | undefined): RunEnding {
  return {
    status: statusForAbortReason(aborted.reason),
    finishReason: { unified: 'interrupted', raw },
    error: errorForAbortReason(aborted.reason),
  };
}

/** A failed run, with the error as given. */
export function failedEnding(
  error: { code: string; message: string },
  raw: string | undefined,
): RunEnding {
  return {
    status: 'failed',
    finishReason: { unified: 'error', raw },
    error: { code: error.code, message: error.message },
  };
}

/** `SIGTERM`, or `exit code 1`. */
export function describeProcessExit(exit: Pick<ProcessOutcome, 'exitCode' | 'signal'>): string {
  return exit.signal ?? `exit code ${exit.exitCode}`;
}

/** What an exit code of a CLI means, where the CLI documents it. */
export interface ExitCodeMeaning {
  code: AgentErrorCode;
  /** What the CLI did, e.g. `could not authenticate`. */
  reason: string;
}

/** A CLI's documented exit codes, by number. */
export type ExitCodeMeanings = ReadonlyMap<number, ExitCodeMeaning>;

/**
 * An agent process that ended before finishing the turn, with the end of its stderr:
 * `agent_crashed`, or what the CLI's exit code is documented to mean.
 */
export function crashedEnding(
  agentName: string,
  outcome: ProcessOutcome,
  exitCodes?: ExitCodeMeanings,
): RunEnding {
  const ending = describeProcessExit(outcome);
  const stderr = outcome.stderrTail.slice(-stderrInMessageLimit).trim();
  const meaning = outcome.exitCode === null ? undefined : exitCodes?.get(outcome.exitCode);
  const what = `${agentName} ${meaning?.reason ?? 'ended'} (${ending})`;
  // Garbage on stdout (a wrapper's banner, another output format) explains a turn never read.
  const unread =
    outcome.unreadLine === undefined
      ? ''
      : `; it printed a line that is not JSON ("${outcome.unreadLine}")`;
  return failedEnding(
    {
      code: meaning?.code ?? 'agent_crashed',
      message: `${what} before finishing the turn${unread}${stderr ? `: ${stderr}` : '.'}`,
    },
    ending,
  );
}

/**
 * How a turn ended when the agent never said so itself: aborted by us, failed for a reason we
 * saw (`outcome.failure`), or the process died (see {@link crashedEnding}). `abortedRaw` is the
 * raw finish reason of an aborted run (default: how the process ended).
 */
export function processEnding(
  agentName: string,
  outcome: ProcessOutcome,
  options: { abortedRaw?: string; exitCodes?: ExitCodeMeanings } = {},
): RunEnding {
  const { abortedRaw = describeProcessExit(outcome), exitCodes } = options;
  if (outcome.aborted) return abortedEnding(outcome.aborted, abortedRaw);
  if (outcome.failure) return failedEnding(outcome.failure, describeProcessExit(outcome));
  return crashedEnding(agentName, outcome, exitCodes);
}
