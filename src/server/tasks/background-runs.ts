/**
 * Runs that go on after the call that started them: the seam between the protocols that start
 * them (`run_agent { background: true }` with wait_agent / cancel_agent, and the Tasks
 * extension in tasks-extension.ts) and what keeps them (run-background-runs.ts, over the
 * RunService, so a background run keeps every guarantee of a foreground one).
 */
import type { CallToolResult } from '@modelcontextprotocol/server';
import type { AgentEvent } from '../../events/index.js';
import type { ResumeAgentInput, RunAgentInput, RunRecordReference } from '../../runs/index.js';

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

export interface BackgroundStartOptions {
  /**
   * Who may find the run by its session (`findBySession`): the HTTP bearer token's
   * fingerprint, so runs never show across tokens. Undefined: only callers without one.
   */
  owner?: string;
  /** The provider for messages, when the caller knows it (a resumed session's). */
  provider?: string;
}

/** What a background run did so far, for wait_agent's answer while it runs. */
export interface BackgroundRunView {
  /** Our session id, once the run was accepted (undefined only for a refused call). */
  sessionId?: string;
  provider: string;
  startedAt: number;
  /** Readable lines of the latest events, oldest first (bounded, see recent-events.ts). */
  latestEvents: string[];
  toolCalls: number;
  filesChanged: string[];
  /** The run's record, once it ended with one. */
  record?: RunRecordReference;
}

export interface BackgroundRuns {
  /**
   * Starts the call without waiting for it to run; resolves with the id the other methods
   * take once the call was accepted (its session id is known) or refused (its result is).
   */
  start(call: BackgroundCall, options?: BackgroundStartOptions): Promise<string>;
  /** Undefined when no run has that id (never started here, or forgotten). */
  status(id: string): BackgroundRunStatus | undefined;
  /** The call's tool result once the run ended, exactly what a foreground call returns. */
  result(id: string): CallToolResult | undefined;
  /** Asks the run to end; false when no run has that id. Ending is eventual: see `settled`. */
  cancel(id: string): Promise<boolean>;
  /** The id of the newest run of `sessionId` started by `owner`, while it is remembered. */
  findBySession(sessionId: string, owner?: string): string | undefined;
  view(id: string): BackgroundRunView | undefined;
  /**
   * Resolves true once the run has ended (at once if it has), false after `timeoutMs` or when
   * `signal` aborts first.
   */
  settled(id: string, timeoutMs: number, signal?: AbortSignal): Promise<boolean>;
  /** Calls `listener` with each later event of the run; returns the unsubscribe. */
  watch(id: string, listener: (event: AgentEvent) => void): () => void;
  /** Runs not yet ended. */
  readonly running: number;
  /** Resolves once no run is running (at once when none is). */
  idle(): Promise<void>;
}

/** How long and how many ended runs stay readable (their results and views). */
export interface BackgroundRetention {
  /** Ended runs kept at most (the oldest go first); default 100. */
  maxEnded?: number;
  /** How long an ended run is kept; default one hour. */
  retainMs?: number;
}

export const defaultBackgroundRetention = { maxEnded: 100, retainMs: 60 * 60 * 1000 } as const;
