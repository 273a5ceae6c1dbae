import type { AgentEvent } from '../../events/index.js';
import type { ProviderRunRequest } from '../agent-provider.js';
import { buildClaudeCodeSessionArgs } from './claude-code-args.js';
import type { ClaudeCodeDecoder } from './claude-code-decoder.js';
import type { ClaudeCodeSettings } from './claude-code-definition.js';
import { startLiveClaudeProcess, type LiveProcessIdentity } from './claude-code-live-process.js';
import { runLiveTurn } from './claude-code-live-turn.js';
import type { ClaudeWarmPool } from './claude-code-warm-pool.js';

export interface ClaudeCodeLiveTurnOptions {
  request: ProviderRunRequest;
  settings: ClaudeCodeSettings;
  binary: string;
  /** The child's whole environment (buildClaudeCodeEnvironment). */
  env: Record<string, string>;
  decoder: ClaudeCodeDecoder;
  pool: ClaudeWarmPool;
}

/**
 * A turn with warm sessions on: a resume takes its session's idle process when it was started
 * the same way (binary, cwd, environment, permissions, model), else starts one with `--resume`;
 * a completed turn leaves its process in the pool for the next turn of its session.
 */
export function runClaudeCodeLiveTurn(
  options: ClaudeCodeLiveTurnOptions,
): AsyncGenerator<AgentEvent, void, undefined> {
  const { request, settings, binary, env, pool } = options;
  const { cwd, permissions, resumeNativeSessionId } = request;
  const identity: LiveProcessIdentity = {
    key: identityKey({ binary, cwd, env, permissions, extraArgs: settings.extraArgs ?? [] }),
    model: request.model,
  };
  const args = buildClaudeCodeSessionArgs({
    model: request.model,
    instructions: request.instructions,
    permissions,
    resumeSessionId: resumeNativeSessionId,
    extraArgs: settings.extraArgs,
  });
  return runLiveTurn({
    prompt: request.prompt,
    signal: request.signal,
    decoder: options.decoder,
    warm:
      resumeNativeSessionId === undefined ? undefined : pool.take(resumeNativeSessionId, identity),
    start: () => startLiveClaudeProcess({ binary, args, cwd, env }, identity),
    keep: (live, end) => end.nativeSessionId !== undefined && pool.park(end.nativeSessionId, live),
  });
}

// What makes two claude processes interchangeable for a session, but the model (compared apart:
// a resume that names none takes the session's).
function identityKey(parts: {
  binary: string;
  cwd: string;
  env: Record<string, string>;
  permissions: string;
  extraArgs: readonly string[];
}): string {
  const env = Object.entries(parts.env).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify([parts.binary, parts.cwd, parts.permissions, parts.extraArgs, env]);
}
