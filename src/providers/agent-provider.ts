/**
 * The one interface every provider adapter implements. The server sees providers only
 * through this interface (via the registry); a provider never imports from runs or server.
 */
import type { AgentEvent, Permissions } from '../events/index.js';
import type { WarmSettings } from './warm-settings.js';

export interface ProviderCapabilities {
  /** A finished session can be continued with `resume_agent`. */
  resume: boolean;
  /** A running turn can be interrupted and the session survives. */
  cancel: boolean;
  /** `permissions` is mapped to the CLI's own policy. */
  permissions: boolean;
  /** Answer text streams as deltas (not only whole messages). */
  streamingText: boolean;
}

export type AuthState = 'ok' | 'missing' | 'unknown';

/** What `probe` found out about the provider on this machine. Never throws for "not installed". */
export interface ProviderProbe {
  available: boolean;
  version?: string;
  auth: AuthState;
  /** What to install or log in to, when not available (or when auth is missing). */
  reason?: string;
  models?: string[];
  /** The executable that would run (for diagnostics). */
  binaryPath?: string;
  /**
   * Where the executable was looked for, in order, each with what was found there, e.g.
   * `$SUBAGENT_MCP_CLAUDE_BIN: unset`, `claude on PATH: not found` (for diagnostics).
   */
  searched?: string[];
  /**
   * What the agent itself says it can do, when the probe asked it (an ACP agent's `initialize`);
   * over `AgentProvider.capabilities`.
   */
  capabilities?: Partial<ProviderCapabilities>;
}

export interface ProviderRunRequest {
  prompt: string;
  /** Absolute, existing, already checked against the allowed roots. */
  cwd: string;
  model?: string;
  /** Extra system/developer instructions. */
  instructions?: string;
  permissions: Permissions;
  /** The agent's own session id to continue; absent for a new session. */
  resumeNativeSessionId?: string;
  /**
   * The environment the child starts from: the server's own environment plus the nesting
   * depth counter. The provider removes what would confuse a nested agent and applies its
   * configured overrides.
   */
  environment: Record<string, string | undefined>;
  /**
   * Aborting interrupts the agent gracefully, then ends its whole process tree. The stream
   * still ends with a `run-end`, whose status follows `signal.reason` (see
   * `statusForAbortReason`): `timed_out` for an AgentError with code `timed_out` or
   * `idle_timeout`, otherwise `cancelled`.
   */
  signal: AbortSignal;
}

export interface AgentProvider {
  /** Stable id used in `provider` arguments, e.g. `claude-code`. */
  readonly id: string;
  /** Human-readable name, e.g. `Claude Code`. */
  readonly name: string;
  readonly capabilities: ProviderCapabilities;
  /** Cheap health check: binary present, version, auth state. Does not throw. */
  probe(options?: { signal?: AbortSignal }): Promise<ProviderProbe>;
  /**
   * Runs one turn. Yields exactly one `run-start` first and exactly one `run-end` last;
   * start-up failures (missing binary…) are thrown as AgentError before any event. A consumer
   * that stops iterating early ends the agent process (cleanup lives in `finally`).
   */
  run(request: ProviderRunRequest): AsyncIterable<AgentEvent>;
  /** The warm-process limits it runs with (`providers.<id>.warm`); absent: it keeps none. */
  readonly warm?: WarmSettings;
  /** Agent processes it keeps alive between runs right now (a warm app-server…); absent: 0. */
  warmProcesses?(): number;
  /**
   * Releases what outlives a run (e.g. a warm agent server). Called once when subagent-mcp
   * shuts down, after every run has ended. Must not throw.
   */
  dispose?(): Promise<void>;
}
