import { realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import {
  nonEmpty,
  findExecutableOnPath,
  isExecutableFile,
  readExecutableVersion,
} from '../../process/index.js';

/** What to tell a user who has no `codex`. */
export const codexInstallHint =
  'Install Codex: npm i -g @openai/codex (or set providers.codex.binary)';

export interface CodexBinaryLookup {
  /** `providers.codex.binary` from the configuration: used as given. */
  configuredBinary?: string;
  /** Read for SUBAGENT_MCP_CODEX_BIN, CODEX_BIN and PATH. */
  environment: Readonly<Record<string, string | undefined>>;
  platform?: NodeJS.Platform;
  arch?: string;
  /** When given, each place looked at is appended, in order, with what was found there. */
  searched?: string[];
}

/** Where the native binary of one platform lives: its npm package and its Rust target triple. */
export interface CodexPlatformTarget {
  packageName: string;
  targetTriple: string;
}

const targetTriples: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  linux: { x64: 'x86_64-unknown-linux-musl', arm64: 'aarch64-unknown-linux-musl' },
  darwin: { x64: 'x86_64-apple-darwin', arm64: 'aarch64-apple-darwin' },
  win32: { x64: 'x86_64-pc-windows-msvc', arm64: 'aarch64-pc-windows-msvc' },
};

/**
 * The native package and target triple the `@openai/codex` wrapper would use (Linux builds are
 * musl, static, on every libc); `undefined` on a platform Codex does not ship for.
 */
export function codexPlatformTarget(
  platform: NodeJS.Platform,
  arch: string,
): CodexPlatformTarget | undefined {
  const targetTriple = targetTriples[platform]?.[arch];
  if (targetTriple === undefined) return undefined;
  return { packageName: `@openai/codex-${platform}-${arch}`, targetTriple };
}

/**
 * The `codex` executable to run: the configured path, then `SUBAGENT_MCP_CODEX_BIN` or
 * `CODEX_BIN`, then the native binary of the platform package beside us, then `codex` on PATH
 * (the native binary behind it when it is the npm wrapper, which costs ~100 ms per start).
 * `undefined` when there is none.
 */
export function findCodexBinary(lookup: CodexBinaryLookup): string | undefined {
  const note = (line: string) => lookup.searched?.push(line);
  const explicitSources = [
    ['providers.codex.binary', lookup.configuredBinary],
    ['$SUBAGENT_MCP_CODEX_BIN', nonEmpty(lookup.environment.SUBAGENT_MCP_CODEX_BIN)],
    ['$CODEX_BIN', nonEmpty(lookup.environment.CODEX_BIN)],
  ] as const;
  for (const [place, value] of explicitSources) {
    note(`${place}: ${value ?? 'unset'}`);
    if (value !== undefined) return value;
  }
  const platform = lookup.platform ?? process.platform;
  const arch = lookup.arch ?? process.arch;
  const target = codexPlatformTarget(platform, arch);
  const require = createRequire(import.meta.url);
  const beside = target && findNativeBinary(target, platform, require);
  note(
    target === undefined
      ? `platform package: none for ${platform}-${arch}`
      : `platform package ${target.packageName}: ${beside ? `found ${beside}` : 'not installed'}`,
  );
  if (beside !== undefined) return beside;
  const onPath = findExecutableOnPath('codex', lookup.environment.PATH ?? '', { platform });
  const native = onPath && target && nativeBinaryBehindWrapper(onPath, target, platform);
  note(
    `codex on PATH: ${onPath ? `found ${onPath}` : 'not found'}${native ? ` (npm wrapper of ${native})` : ''}`,
  );
  return native || onPath;
}

function findNativeBinary(
  target: CodexPlatformTarget,
  platform: NodeJS.Platform,
  require: NodeJS.Require,
): string | undefined {
  const executable = platform === 'win32' ? 'codex.exe' : 'codex';
  // Hoisted beside us, or nested inside the wrapper package's own node_modules.
  const resolvers = [
    () => require.resolve(`${target.packageName}/package.json`),
    () =>
      createRequire(require.resolve('@openai/codex/package.json')).resolve(
        `${target.packageName}/package.json`,
      ),
  ];
  for (const resolve of resolvers) {
    try {
      const candidate = join(dirname(resolve()), 'vendor', target.targetTriple, 'bin', executable);
      if (isExecutableFile(candidate)) return candidate;
    } catch {
      // Not installed there.
    }
  }
  return undefined;
}

/** When `codex` on PATH is the npm wrapper (`@openai/codex/bin/codex.js`), its native binary. */
function nativeBinaryBehindWrapper(
  wrapper: string,
  target: CodexPlatformTarget,
  platform: NodeJS.Platform,
): string | undefined {
  try {
    const script = realpathSync(wrapper);
    if (basename(script) !== 'codex.js') return undefined;
    const packageJson = join(dirname(script), '..', 'package.json');
    return findNativeBinary(target, platform, createRequire(packageJson));
  } catch {
    return undefined;
  }
}

/** `codex --version` (`codex-cli 0.169.0`) → `0.169.0`, or why it failed. */
export const readCodexVersion = readExecutableVersion;
