/**
 * The one error type of subagent-mcp. Callers switch on `code` (exhaustively); `details`
 * carries what a human needs to act (exit code, signal, stderr tail, HTTP status…); `cause`
 * keeps the underlying error.
 */
export type AgentErrorCode =
  /** Tool arguments that make no sense (empty prompt, relative cwd…). */
  | 'invalid_input'
  /** No provider with that id is registered. */
  | 'unknown_provider'
  /** The provider's CLI is missing or not logged in. */
  | 'provider_unavailable'
  /** `session_id` is not one this server issued. */
  | 'unknown_session'
  /** cwd does not exist or lies outside the allowed roots. */
  | 'cwd_not_allowed'
  /** Nested delegation beyond the configured maximum depth. */
  | 'depth_exceeded'
  /** The agent process could not be started. */
  | 'spawn_failed'
  /** The agent process died or broke its protocol before finishing the turn. */
  | 'agent_crashed'
  /** The agent reported that its model API failed (HTTP error, auth, overload). */
  | 'upstream_error'
  /** The agent ended the turn with an error of its own. */
  | 'agent_error'
  /** The caller cancelled the run. */
  | 'cancelled'
  /** The run exceeded its wall-clock bound. */
  | 'timed_out'
  /** The agent produced no event for longer than the idle bound. */
  | 'idle_timeout'
  /** The server is shutting down. */
  | 'shutting_down'
  /** wait_agent / cancel_agent named a session with no background run (running or remembered). */
  | 'no_background_run'
  /** The configuration is invalid. */
  | 'config_invalid'
  /** A bug or an unexpected state in subagent-mcp itself. */
  | 'internal';

export interface AgentErrorDetails {
  exitCode?: number | null;
  signal?: string | null;
  stderrTail?: string;
  httpStatus?: number;
  [key: string]: unknown;
}

export class AgentError extends Error {
  override readonly name = 'AgentError';
  readonly code: AgentErrorCode;
  readonly details: AgentErrorDetails;

  constructor(
    code: AgentErrorCode,
    message: string,
    options: { cause?: unknown; details?: AgentErrorDetails } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = options.details ?? {};
  }

  static is(value: unknown, code?: AgentErrorCode): value is AgentError {
    return value instanceof AgentError && (code === undefined || value.code === code);
  }
}

/** Wraps anything thrown into an AgentError, keeping it as the cause. */
export function toAgentError(
  error: unknown,
  fallbackCode: AgentErrorCode = 'internal',
): AgentError {
  if (error instanceof AgentError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new AgentError(fallbackCode, message, { cause: error });
}
