import { readFileSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import {
  nonEmpty,
  findExecutableOnPath,
  isMuslLibc,
  isExecutableFile,
  readExecutableVersion,
} from '../../process/index.js';

/** What to tell a user who has no `opencode`. */
export const opencodeInstallHint =
  'Install opencode: npm i -g opencode-ai (or set providers.opencode.binary, or connect to a ' +
  'running server with providers.opencode.serverUrl)';

export interface OpencodeBinaryLookup {
  /** `providers.opencode.binary` from the configuration: used as given. */
  configuredBinary?: string;
  /** Read for SUBAGENT_MCP_OPENCODE_BIN, OPENCODE_BIN and PATH. */
  environment: Readonly<Record<string, string | undefined>>;
  platform?: NodeJS.Platform;
  arch?: string;
  /** Whether the CPU has AVX2 (the non-baseline builds need it); read from /proc/cpuinfo. */
  hasAvx2?: boolean;
  isMusl?: boolean;
  /** When given, each place looked at is appended, in order, with what was found there. */
  searched?: string[];
}

const launcherPackage = 'opencode-ai';

/**
 * The `opencode` executable to run: the configured path, then `SUBAGENT_MCP_OPENCODE_BIN` or
 * `OPENCODE_BIN`, then the native binary of a platform package beside us (not depending on the
 * `opencode-ai` postinstall, without which its launcher is a failing stub), then `opencode` on
 * PATH (the native binary beside it when it is the `opencode-ai` launcher). `undefined` when
 * there is none.
 */
export function findOpencodeBinary(lookup: OpencodeBinaryLookup): string | undefined {
  const note = (line: string) => lookup.searched?.push(line);
  const explicitSources = [
    ['providers.opencode.binary', lookup.configuredBinary],
    ['$SUBAGENT_MCP_OPENCODE_BIN', nonEmpty(lookup.environment.SUBAGENT_MCP_OPENCODE_BIN)],
    ['$OPENCODE_BIN', nonEmpty(lookup.environment.OPENCODE_BIN)],
  ] as const;
  for (const [place, value] of explicitSources) {
    note(`${place}: ${value ?? 'unset'}`);
    if (value !== undefined) return value;
  }
  const platform = lookup.platform ?? process.platform;
  const packages = opencodePlatformPackages({
    platform,
    arch: lookup.arch ?? process.arch,
    hasAvx2: lookup.hasAvx2 ?? hasAvx2(platform),
    isMusl: lookup.isMusl ?? (platform === 'linux' && isMuslLibc()),
  });
  const require = createRequire(import.meta.url);
  const beside = findNativeBinary(packages, platform, require);
  note(
    beside
      ? `platform package: found ${beside}`
      : `platform packages ${packages.join(', ') || '(none for this platform)'}: not installed`,
  );
  if (beside !== undefined) return beside;
  const onPath = findExecutableOnPath('opencode', lookup.environment.PATH ?? '', { platform });
  const native = onPath && nativeBinaryBehindLauncher(onPath, packages, platform);
  note(
    `opencode on PATH: ${onPath ? `found ${onPath}` : 'not found'}${native ? ` (launcher of ${native})` : ''}`,
  );
  return native || onPath;
}

/**
 * The platform packages `opencode-ai` depends on, best first, as its postinstall orders them:
 * `opencode-<platform>-<arch>[-baseline][-musl]`, the baseline build first on a CPU without
 * AVX2 and the musl builds first on musl.
 */
export function opencodePlatformPackages(target: {
  platform: NodeJS.Platform;
  arch: string;
  hasAvx2: boolean;
  isMusl: boolean;
}): string[] {
  const platform = target.platform === 'win32' ? 'windows' : target.platform;
  if (!['linux', 'darwin', 'windows'].includes(platform)) return [];
  if (target.arch !== 'x64' && target.arch !== 'arm64') return [];
  const base = `opencode-${platform}-${target.arch}`;
  const builds = target.arch === 'x64' ? [base, `${base}-baseline`] : [base];
  if (!target.hasAvx2) builds.reverse();
  if (platform !== 'linux') return builds;
  const musl = builds.map((name) => `${name}-musl`);
  return target.isMusl ? [...musl, ...builds] : [...builds, ...musl];
}

function findNativeBinary(
  packages: readonly string[],
  platform: NodeJS.Platform,
  require: NodeJS.Require,
): string | undefined {
  const executable = platform === 'win32' ? 'opencode.exe' : 'opencode';
  const requires = [
    () => require,
    // Nested inside the launcher package's own node_modules.
    () => createRequire(require.resolve(`${launcherPackage}/package.json`)),
  ];
  for (const resolver of requires) {
    for (const packageName of packages) {
      try {
        const packageJson = resolver().resolve(`${packageName}/package.json`);
        const candidate = join(dirname(packageJson), 'bin', executable);
        if (isExecutableFile(candidate)) return candidate;
      } catch {
        // Not installed there.
      }
    }
  }
  return undefined;
}

/** When `opencode` on PATH is the `opencode-ai` launcher, the native binary of a package beside it. */
function nativeBinaryBehindLauncher(
  launcher: string,
  packages: readonly string[],
  platform: NodeJS.Platform,
): string | undefined {
  try {
    const target = realpathSync(launcher);
    const packageJson = join(dirname(target), '..', 'package.json');
    if (basename(dirname(dirname(target))) !== launcherPackage) return undefined;
    return findNativeBinary(packages, platform, createRequire(packageJson));
  } catch {
    return undefined;
  }
}

let avx2Detected: boolean | undefined;

function hasAvx2(platform: NodeJS.Platform): boolean {
  if (platform !== 'linux') return true;
  if (avx2Detected === undefined) {
    try {
      avx2Detected = /\bavx2\b/.test(readFileSync('/proc/cpuinfo', 'latin1'));
    } catch {
      avx2Detected = true;
    }
  }
  return avx2Detected;
}

/** `opencode --version` (`1.18.33`), or why it failed. */
export const readOpencodeVersion = readExecutableVersion;
