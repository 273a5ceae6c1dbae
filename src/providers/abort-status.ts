import type { RunStatus } from '../events/index.js';
import { AgentError } from '../errors/index.js';

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
