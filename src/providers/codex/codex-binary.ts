import {
  discoverBinary,
  type BinaryLookup,
  type BinarySpec,
  type NativePackage,
} from '../kit/binary-discovery.js';
import { readCliVersion } from '../kit/probe-cli.js';

/** What to tell a user who has no `codex`. */
export const codexInstallHint =
  'Install Codex: npm i -g @openai/codex (or set providers.codex.binary)';

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
 * Where `codex` may be: the configured path, then `SUBAGENT_MCP_CODEX_BIN` or `CODEX_BIN`,
 * then the native binary of the platform package beside us, then `codex` on PATH (the native
 * binary behind it when it is the npm wrapper, which costs ~100 ms per start).
 */
export const codexBinary: BinarySpec = {
  providerId: 'codex',
  command: 'codex',
  npmPackage: '@openai/codex',
  nativePackages(target): NativePackage[] {
    const found = codexPlatformTarget(target.platform, target.arch);
    if (found === undefined) return [];
    const executable = target.platform === 'win32' ? 'codex.exe' : 'codex';
    return [
      { name: found.packageName, executable: `vendor/${found.targetTriple}/bin/${executable}` },
    ];
  },
  looksBehindLauncher: true,
  installHint: codexInstallHint,
};

/** The `codex` executable to run (see {@link codexBinary}); `undefined` when there is none. */
export function findCodexBinary(lookup: BinaryLookup): string | undefined {
  return discoverBinary(codexBinary, lookup).path;
}

/** `codex --version` (`codex-cli 0.169.0`) → `0.169.0`, or why it failed. */
export const readCodexVersion = readCliVersion;
