import {
  discoverBinary,
  type BinaryLookup,
  type BinarySpec,
  type NativePackage,
} from '../kit/binary-discovery.js';
import { readCliVersion } from '../kit/probe-cli.js';

/** What to tell a user who has no `claude`. */
export const claudeCodeInstallHint =
  'Install Claude Code: npm i -g @anthropic-ai/claude-code (or set providers.claude-code.binary)';

/** The npm package with the native binary for this platform, as the wrapper names them. */
export function claudeCodePlatformPackage(
  platform: NodeJS.Platform,
  arch: string,
  isMusl: boolean,
): string | undefined {
  if (arch !== 'x64' && arch !== 'arm64') return undefined;
  if (platform === 'linux')
    return `@anthropic-ai/claude-code-linux-${arch}${isMusl ? '-musl' : ''}`;
  if (platform === 'darwin' || platform === 'win32')
    return `@anthropic-ai/claude-code-${platform}-${arch}`;
  return undefined;
}

/**
 * Where `claude` may be: the configured path, then `SUBAGENT_MCP_CLAUDE_BIN` or `CLAUDE_BIN`,
 * then the native binary of the platform package beside us (not depending on the wrapper's
 * postinstall), then `claude` on PATH. The npm wrapper ships `bin/claude.exe` as a ~500-byte
 * stub that the postinstall replaces with the native binary; a stub left in place only prints
 * an error, so it is skipped.
 */
export const claudeCodeBinary: BinarySpec = {
  providerId: 'claude-code',
  command: 'claude',
  npmPackage: '@anthropic-ai/claude-code',
  nativePackages(target): NativePackage[] {
    const isMusl = target.platform === 'linux' && target.isMusl;
    const name = claudeCodePlatformPackage(target.platform, target.arch, isMusl);
    const executable = target.platform === 'win32' ? 'claude.exe' : 'claude';
    return name === undefined ? [] : [{ name, executable }];
  },
  placeholder: { fileName: 'claude.exe', maxBytes: 4 * 1024 },
  installHint: claudeCodeInstallHint,
};

/** The `claude` executable to run (see {@link claudeCodeBinary}); `undefined` when there is none. */
export function findClaudeCodeBinary(lookup: BinaryLookup): string | undefined {
  return discoverBinary(claudeCodeBinary, lookup).path;
}

/** `claude --version` → `2.1.330`, or why it failed. */
export const readClaudeCodeVersion = readCliVersion;
