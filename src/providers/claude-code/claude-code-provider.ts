import type { AgentProvider } from '../agent-provider.js';
import { requireBinary } from '../kit/binary-discovery.js';
import { runLineProcess } from '../kit/run-line-process.js';
import { describeInstance, type ProviderIdentity } from '../provider-definition.js';
import { buildClaudeCodeArgs } from './claude-code-args.js';
import { claudeCodeBinary } from './claude-code-binary.js';
import { createClaudeCodeDecoder } from './claude-code-decoder.js';
import { claudeCodeDefinition, type ClaudeCodeSettings } from './claude-code-definition.js';
import { buildClaudeCodeEnvironment } from './claude-code-environment.js';
import { runClaudeCodeLiveTurn } from './claude-code-live-runs.js';
import { probeClaudeCode } from './claude-code-probe.js';
import { createClaudeWarmPool } from './claude-code-warm-pool.js';
import type { ProviderContext } from '../warm-settings.js';

// After SIGINT, claude prints its result and exits within ~30 ms; two seconds is generous.
const interruptGraceMs = 2000;
// Linux refuses one argument over 128 KiB (MAX_ARG_STRLEN) with E2BIG: a longer prompt goes on
// stdin (a stream-json turn) even with warm processes off, and that process is not kept.
const longestArgumentPromptBytes = 100_000;

/**
 * The Claude Code adapter. With warm processes allowed (`context.warm`), a turn runs on a live
 * `claude --input-format stream-json` process that is kept for `idleSeconds` after the turn, so
 * the next `resume_agent` of that session skips claude's start-up (claude-code-live-runs.ts).
 * Otherwise one `claude -p … --output-format stream-json` process per turn, interrupted by
 * SIGINT (a prompt too long for one argument goes on stdin, through a turn like a warm one whose
 * process is not kept). Either way an interrupted session stays resumable.
 */
export function createClaudeCodeProvider(
  settings: ClaudeCodeSettings = {},
  identity: ProviderIdentity = claudeCodeDefinition,
  context?: ProviderContext,
): AgentProvider {
  const warm = context?.warm;
  const pool = warm && warm.maxProcesses > 0 && createClaudeWarmPool(warm);
  const keepsNone = createClaudeWarmPool({ maxProcesses: 0, idleSeconds: 0 });
  return {
    ...describeInstance(claudeCodeDefinition, identity),
    probe: (options) => probeClaudeCode(settings, options?.signal),
    async *run(request) {
      const { cwd, permissions } = request;
      const env = buildClaudeCodeEnvironment(request.environment, settings.env, permissions, cwd);
      const binary = requireBinary(claudeCodeBinary, {
        configuredBinary: settings.binary,
        environment: env,
      });
      const decoder = createClaudeCodeDecoder({ cwd, provider: identity.id });
      if (pool || Buffer.byteLength(request.prompt) > longestArgumentPromptBytes) {
        const turnPool = pool || keepsNone;
        yield* runClaudeCodeLiveTurn({ request, settings, binary, env, decoder, pool: turnPool });
        return;
      }
      const args = buildClaudeCodeArgs({
        prompt: request.prompt,
        model: request.model,
        instructions: request.instructions,
        permissions,
        resumeSessionId: request.resumeNativeSessionId,
        extraArgs: settings.extraArgs,
      });
      yield* runLineProcess({
        spawn: { binary, args, cwd, env },
        stop: { signal: 'SIGINT', graceMs: interruptGraceMs },
        signal: request.signal,
        decoder,
      });
    },
    ...(warm && { warm }),
    warmProcesses: () => (pool ? pool.size : 0),
    ...(pool && { dispose: () => pool.dispose() }),
  };
}
