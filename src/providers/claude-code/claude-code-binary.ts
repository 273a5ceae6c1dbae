import { realpathSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import {
  nonEmpty,
  findExecutableOnPath,
  isMuslLibc,
  isExecutableFile,
  readExecutableVersion,
} from '../../process/index.js';

/** What to tell a user who has no `claude`. */
export const claudeCodeInstallHint =
  'Install Claude Code: npm i -g @anthropic-ai/claude-code (or set providers.claude-code.binary)';

export interface ClaudeCodeBinaryLookup {
  /** `providers.claude-code.binary` from the configuration: used as given. */
  configuredBinary?: string;
  /** Read for SUBAGENT_MCP_CLAUDE_BIN, CLAUDE_BIN and PATH. */
  environment: Readonly<Record<string, string | undefined>>;
  platform?: NodeJS.Platform;
  arch?: string;
  /** When given, each place looked at is appended, in order, with what was found there. */
  searched?: string[];
}

// The npm wrapper ships bin/claude.exe as a ~500-byte stub that the postinstall replaces with
// the native binary; when the postinstall did not run, the stub only prints an error.
const wrapperStubMaxBytes = 4 * 1024;

/**
 * The `claude` executable to run: the configured path, then `SUBAGENT_MCP_CLAUDE_BIN` or
 * `CLAUDE_BIN`, then the native binary of the platform package beside us (not depending on
 * the wrapper's postinstall), then `claude` on PATH. `undefined` when there is none.
 */
export function findClaudeCodeBinary(lookup: ClaudeCodeBinaryLookup): string | undefined {
  const note = (line: string) => lookup.searched?.push(line);
  const explicitSources = [
    ['providers.claude-code.binary', lookup.configuredBinary],
    ['$SUBAGENT_MCP_CLAUDE_BIN', nonEmpty(lookup.environment.SUBAGENT_MCP_CLAUDE_BIN)],
    ['$CLAUDE_BIN', nonEmpty(lookup.environment.CLAUDE_BIN)],
  ] as const;
  for (const [place, value] of explicitSources) {
    note(`${place}: ${value ?? 'unset'}`);
    if (value !== undefined) return value;
  }
  const platform = lookup.platform ?? process.platform;
  const arch = lookup.arch ?? process.arch;
  const packageName = claudeCodePlatformPackage(
    platform,
    arch,
    platform === 'linux' && isMuslLibc(),
  );
  const beside = packageName && findPlatformPackageBinary(packageName, platform);
  note(
    packageName === undefined
      ? `platform package: none for ${platform}-${arch}`
      : `platform package ${packageName}: ${beside ? `found ${beside}` : 'not installed'}`,
  );
  if (beside) return beside;
  const onPath = findExecutableOnPath('claude', lookup.environment.PATH ?? '', {
    platform,
    accept: (candidate) => !isWrapperStub(candidate),
  });
  note(`claude on PATH: ${onPath ? `found ${onPath}` : 'not found'}`);
  return onPath;
}

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

function findPlatformPackageBinary(
  packageName: string,
  platform: NodeJS.Platform,
): string | undefined {
  const executable = platform === 'win32' ? 'claude.exe' : 'claude';
  const require = createRequire(import.meta.url);
  // Hoisted beside us, or nested inside the wrapper package's own node_modules.
  const resolvers = [() => require.resolve(`${packageName}/package.json`)];
  resolvers.push(() =>
    createRequire(require.resolve('@anthropic-ai/claude-code/package.json')).resolve(
      `${packageName}/package.json`,
    ),
  );
  for (const resolve of resolvers) {
    try {
      const candidate = join(dirname(resolve()), executable);
      if (isExecutableFile(candidate)) return candidate;
    } catch {
      // Not installed there.
    }
  }
  return undefined;
}

function isWrapperStub(path: string): boolean {
  try {
    const target = realpathSync(path);
    return basename(target) === 'claude.exe' && statSync(target).size < wrapperStubMaxBytes;
  } catch {
    return false;
  }
}

/** `claude --version` → `2.1.330`, or why it failed. */
export const readClaudeCodeVersion = readExecutableVersion;
