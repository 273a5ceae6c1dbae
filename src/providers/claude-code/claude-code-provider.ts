import type { AgentProvider } from '../agent-provider.js';
import { requireBinary } from '../kit/binary-discovery.js';
import { runLineProcess } from '../kit/run-line-process.js';
import { describeInstance, type ProviderIdentity } from '../provider-definition.js';
import { buildClaudeCodeArgs } from './claude-code-args.js';
import { claudeCodeBinary } from './claude-code-binary.js';
import { createClaudeCodeDecoder } from './claude-code-decoder.js';
import { claudeCodeDefinition, type ClaudeCodeSettings } from './claude-code-definition.js';
import { buildClaudeCodeEnvironment } from './claude-code-environment.js';
import { probeClaudeCode } from './claude-code-probe.js';

// After SIGINT, claude prints its result and exits within ~30 ms; two seconds is generous.
const interruptGraceMs = 2000;

/**
 * The Claude Code adapter: one `claude -p … --output-format stream-json` process per turn.
 * SIGINT interrupts it: claude ends the turn with a result line and keeps the session
 * resumable.
 */
export function createClaudeCodeProvider(
  settings: ClaudeCodeSettings = {},
  identity: ProviderIdentity = claudeCodeDefinition,
): AgentProvider {
  return {
    ...describeInstance(claudeCodeDefinition, identity),
    probe: (options) => probeClaudeCode(settings, options?.signal),
    async *run(request) {
      const { cwd, permissions } = request;
      const env = buildClaudeCodeEnvironment(request.environment, settings.env, permissions, cwd);
      const lookup = { configuredBinary: settings.binary, environment: env };
      const args = buildClaudeCodeArgs({
        prompt: request.prompt,
        model: request.model,
        instructions: request.instructions,
        permissions,
        resumeSessionId: request.resumeNativeSessionId,
        extraArgs: settings.extraArgs,
      });
      yield* runLineProcess({
        spawn: { binary: requireBinary(claudeCodeBinary, lookup), args, cwd, env },
        stop: { signal: 'SIGINT', graceMs: interruptGraceMs },
        signal: request.signal,
        decoder: createClaudeCodeDecoder({ cwd, provider: identity.id }),
      });
    },
  };
}
