import type { ProviderProbe } from '../agent-provider.js';
import { probeCli } from '../kit/probe-cli.js';
import { detectClaudeCodeAuth } from './claude-code-auth.js';
import { claudeCodeBinary } from './claude-code-binary.js';
import type { ClaudeCodeSettings } from './claude-code-definition.js';
import { buildClaudeCodeEnvironment } from './claude-code-environment.js';

/** Binary, version and login state; the login is read from files, without running `claude`. */
export function probeClaudeCode(
  settings: ClaudeCodeSettings,
  signal: AbortSignal | undefined,
): Promise<ProviderProbe> {
  const environment = buildClaudeCodeEnvironment(
    process.env,
    settings.env,
    'read-only',
    process.cwd(),
  );
  return probeCli({
    agentName: 'Claude Code',
    binary: claudeCodeBinary,
    configuredBinary: settings.binary,
    environment,
    signal,
    readAuth: () => detectClaudeCodeAuth(environment),
  });
}
