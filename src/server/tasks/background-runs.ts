/**
 * What the Tasks extension needs from runs that go on after the call that started them: the
 * seam between the protocol layer (tasks-extension.ts) and whatever keeps background runs.
 * run-background-runs.ts is a minimal implementation over the RunService; the background-run
 * service of `run_agent { background: true }` can stand behind the same four methods.
 */
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { ResumeAgentInput, RunAgentInput } from '../../runs/index.js';

/** A run_agent or resume_agent call, with its arguments already parsed. */
export type BackgroundCall =
  { tool: 'run_agent'; input: RunAgentInput } | { tool: 'resume_agent'; input: ResumeAgentInput };

export type BackgroundRunStatus =
  /** Queued or running. `message` says what it does now, when known. */
  | { state: 'running'; message?: string }
  /** Ended on its own (completed, failed, timed out…): `result(id)` has the tool result. */
  | { state: 'finished'; message?: string }
  /** Ended because `cancel(id)` was called. */
  | { state: 'cancelled' };

export interface BackgroundRuns {
  /** Starts the call without waiting for it; resolves with the id the other methods take. */
  start(call: BackgroundCall): Promise<string>;
  /** Undefined when no run has that id (never started here, or forgotten). */
  status(id: string): BackgroundRunStatus | undefined;
  /** The call's tool result once the run finished, exactly what a foreground call returns. */
  result(id: string): CallToolResult | undefined;
  /** Asks the run to end; false when no run has that id. Ending is eventual. */
  cancel(id: string): Promise<boolean>;
}
