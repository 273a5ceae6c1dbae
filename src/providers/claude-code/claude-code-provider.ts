import type { AgentEvent } from '../../events/index.js';
import { AgentError } from '../../errors/index.js';
import {
  killProcessGroup,
  readLines,
  spawnAgentProcess,
  terminateProcessTree,
} from '../../process/index.js';
import type { AgentProvider, ProviderProbe, ProviderRunRequest } from '../agent-provider.js';
import type { ProviderIdentity } from '../provider-definition.js';
import { buildClaudeCodeArgs } from './claude-code-args.js';
import { detectClaudeCodeAuth } from './claude-code-auth.js';
import {
  claudeCodeInstallHint,
  findClaudeCodeBinary,
  readClaudeCodeVersion,
} from './claude-code-binary.js';
import { createClaudeCodeDecoder } from './claude-code-decoder.js';
import { claudeCodeDefinition, type ClaudeCodeSettings } from './claude-code-definition.js';
import { buildClaudeCodeEnvironment } from './claude-code-environment.js';

// After SIGINT, claude prints its result and exits within ~30 ms; two seconds is generous.
const interruptGraceMs = 2000;

/** The Claude Code adapter: one `claude -p … --output-format stream-json` process per turn. */
export function createClaudeCodeProvider(
  settings: ClaudeCodeSettings = {},
  identity: ProviderIdentity = claudeCodeDefinition,
): AgentProvider {
  return {
    id: identity.id,
    name: identity.name,
    capabilities: claudeCodeDefinition.capabilities,
    probe: (options) => probeClaudeCode(settings, options?.signal),
    run: (request) => runClaudeCode(settings, identity.id, request),
  };
}

async function probeClaudeCode(
  settings: ClaudeCodeSettings,
  signal: AbortSignal | undefined,
): Promise<ProviderProbe> {
  try {
    const environment = buildClaudeCodeEnvironment(
      process.env,
      settings.env,
      'read-only',
      process.cwd(),
    );
    const { auth, reason: authReason } = detectClaudeCodeAuth(environment);
    const binaryPath = findClaudeCodeBinary({ configuredBinary: settings.binary, environment });
    if (binaryPath === undefined) {
      return { available: false, auth, reason: claudeCodeInstallHint };
    }
    const { version, failure } = await readClaudeCodeVersion(binaryPath, environment, signal);
    if (version === undefined) {
      return { available: false, auth, binaryPath, reason: `${failure}. ${claudeCodeInstallHint}` };
    }
    return {
      available: true,
      version,
      auth,
      binaryPath,
      ...(authReason ? { reason: authReason } : {}),
    };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { available: false, auth: 'unknown', reason: `Probing Claude Code failed: ${message}` };
  }
}

async function* runClaudeCode(
  settings: ClaudeCodeSettings,
  providerId: string,
  request: ProviderRunRequest,
): AsyncGenerator<AgentEvent, void, undefined> {
  const environment = buildClaudeCodeEnvironment(
    request.environment,
    settings.env,
    request.permissions,
    request.cwd,
  );
  const binary = findClaudeCodeBinary({ configuredBinary: settings.binary, environment });
  if (binary === undefined) throw new AgentError('provider_unavailable', claudeCodeInstallHint);

  const args = buildClaudeCodeArgs({
    prompt: request.prompt,
    model: request.model,
    instructions: request.instructions,
    permissions: request.permissions,
    resumeSessionId: request.resumeNativeSessionId,
    extraArgs: settings.extraArgs,
  });
  const child = await spawnAgentProcess({ binary, args, cwd: request.cwd, env: environment });
  const decoder = createClaudeCodeDecoder({ cwd: request.cwd, provider: providerId });

  let aborted: { reason: unknown } | undefined;
  let termination: Promise<void> | undefined;
  const interrupt = (): void => {
    if (child.hasExited || aborted) return;
    aborted = { reason: request.signal.reason };
    // SIGINT first: claude ends the turn with a result line and keeps the session resumable.
    termination = terminateProcessTree(child, { graceMs: interruptGraceMs });
  };
  request.signal.addEventListener('abort', interrupt, { once: true });
  if (request.signal.aborted) interrupt();
  // Reap whatever the leader leaves behind as soon as it exits; a grandchild still holding
  // the stdout pipe would otherwise keep the stream below from ending.
  void child.exited.then(() => killProcessGroup(child.pid));

  try {
    for await (const line of readLines(child.stdout)) yield* decoder.push(line);
    const exit = await child.finished;
    yield* decoder.flush({ ...exit, stderrTail: child.stderrTail(), aborted });
  } finally {
    request.signal.removeEventListener('abort', interrupt);
    // Also reached when the consumer stops early: the agent must not outlive its run.
    await (termination ?? terminateProcessTree(child, { graceMs: interruptGraceMs }));
  }
}
