import {
  discoverBinary,
  type BinaryLookup,
  type BinarySpec,
  type NativePackage,
} from '../kit/binary-discovery.js';
import { readCliVersion } from '../kit/probe-cli.js';

/** What to tell a user who has no `opencode`. */
export const opencodeInstallHint =
  'Install opencode: npm i -g opencode-ai (or set providers.opencode.binary, or connect to a ' +
  'running server with providers.opencode.serverUrl)';

/**
 * Where `opencode` may be: the configured path, then `SUBAGENT_MCP_OPENCODE_BIN` or
 * `OPENCODE_BIN`, then the native binary of a platform package beside us (not depending on the
 * `opencode-ai` postinstall, without which its launcher is a failing stub), then `opencode` on
 * PATH (the native binary beside it when it is the `opencode-ai` launcher).
 */
export const opencodeBinary: BinarySpec = {
  providerId: 'opencode',
  command: 'opencode',
  npmPackage: 'opencode-ai',
  nativePackages(target): NativePackage[] {
    const executable = target.platform === 'win32' ? 'bin/opencode.exe' : 'bin/opencode';
    return opencodePlatformPackages(target).map((name) => ({ name, executable }));
  },
  buildsPerPlatform: 'several',
  looksBehindLauncher: true,
  installHint: opencodeInstallHint,
};

/** The `opencode` executable to run (see {@link opencodeBinary}); `undefined` when there is none. */
export function findOpencodeBinary(lookup: BinaryLookup): string | undefined {
  return discoverBinary(opencodeBinary, lookup).path;
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

/** `opencode --version` (`1.18.33`), or why it failed. */
export const readOpencodeVersion = readCliVersion;
