/**
 * Finding an agent's executable from a small spec, the same way for every provider: the
 * configured path, then environment variables, then the native binary of an npm platform
 * package installed beside us, then the command on PATH (looking behind an npm launcher
 * script for its native binary). Every place looked at is reported, in order, for diagnostics.
 */
import { readFileSync, realpathSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { AgentError } from '../../errors/index.js';
import {
  findExecutableOnPath,
  isExecutableFile,
  isMuslLibc,
  nonEmpty,
} from '../../process/index.js';

/** The machine a native binary must be built for. */
export interface PlatformTarget {
  platform: NodeJS.Platform;
  arch: string;
  isMusl: boolean;
  /** Whether the CPU has AVX2 (some builds need it). */
  hasAvx2: boolean;
}

/** An npm package that carries a native binary. */
export interface NativePackage {
  name: string;
  /** The executable inside the package folder, e.g. `bin/opencode` or `vendor/<triple>/bin/codex`. */
  executable: string;
}

/** Where a provider's CLI may be; each provider declares one. */
export interface BinarySpec {
  /** Whose setting `providers.<providerId>.binary` names the executable. */
  providerId: string;
  /** The command on PATH, e.g. `claude`. */
  command: string;
  /**
   * Variables that may name the executable, in order of preference. Default
   * `SUBAGENT_MCP_<COMMAND>_BIN`, then `<COMMAND>_BIN`.
   */
  environmentVariables?: readonly string[];
  /** The npm package users install; platform packages may be nested inside it. */
  npmPackage?: string;
  /** The platform packages with a native binary for `target`, best first. */
  nativePackages?(target: PlatformTarget): NativePackage[];
  /**
   * When the command on PATH is `npmPackage`'s launcher script, run the native binary behind
   * it instead (the launcher costs a Node start per run, or is a stub when its postinstall did
   * not run).
   */
  looksBehindLauncher?: boolean;
  /** A file on PATH that is only a placeholder (its real name, below this size) is skipped. */
  placeholder?: { fileName: string; maxBytes: number };
  /** What to tell a user who has none. */
  installHint: string;
}

export interface BinaryLookup {
  /** The configured path (`settingName`): used as given. */
  configuredBinary?: string | undefined;
  /** Read for the spec's variables and PATH. */
  environment: Readonly<Record<string, string | undefined>>;
  platform?: NodeJS.Platform;
  arch?: string;
  isMusl?: boolean;
  hasAvx2?: boolean;
}

export interface BinaryDiscovery {
  /** The executable to run; `undefined` when there is none. */
  path: string | undefined;
  /** The places looked at, in order, up to the one that answered. */
  searched: string[];
}

/** Looks for the spec's executable; see the module comment for the order. Never throws. */
export function discoverBinary(spec: BinarySpec, lookup: BinaryLookup): BinaryDiscovery {
  const searched: string[] = [`providers.${spec.providerId}.binary`];
  const found = (path: string | undefined): BinaryDiscovery => ({ path, searched });
  if (lookup.configuredBinary !== undefined) return found(lookup.configuredBinary);
  const command = spec.command.toUpperCase();
  const variables = spec.environmentVariables ?? [`SUBAGENT_MCP_${command}_BIN`, `${command}_BIN`];
  for (const name of variables) {
    searched.push(`$${name}`);
    const value = nonEmpty(lookup.environment[name]);
    if (value !== undefined) return found(value);
  }

  const platform = lookup.platform ?? process.platform;
  const packages = spec.nativePackages?.(platformTarget(lookup, platform)) ?? [];
  const require = createRequire(import.meta.url);
  searched.push(...packages.map((nativePackage) => `npm package ${nativePackage.name}`));
  const beside = findInNativePackages(spec, packages, require);
  if (beside !== undefined) return found(beside);

  searched.push(`${spec.command} on PATH`);
  const onPath = findExecutableOnPath(spec.command, lookup.environment.PATH ?? '', {
    platform,
    ...(spec.placeholder ? { accept: (path) => !isPlaceholder(path, spec.placeholder!) } : {}),
  });
  if (onPath === undefined || !spec.looksBehindLauncher || packages.length === 0) {
    return found(onPath);
  }
  const launcherPackage = launcherPackageJson(onPath, spec);
  if (launcherPackage === undefined) return found(onPath);
  searched.push(`the native binary behind ${onPath}`);
  return found(findInNativePackages(spec, packages, createRequire(launcherPackage)) ?? onPath);
}

/** The executable for a run, or `AgentError('provider_unavailable')` with the install hint. */
export function requireBinary(spec: BinarySpec, lookup: BinaryLookup): string {
  const { path } = discoverBinary(spec, lookup);
  if (path === undefined) throw new AgentError('provider_unavailable', spec.installHint);
  return path;
}

// Read only when the spec asks: the libc check costs a process report.
function platformTarget(lookup: BinaryLookup, platform: NodeJS.Platform): PlatformTarget {
  return {
    platform,
    arch: lookup.arch ?? process.arch,
    get isMusl() {
      return lookup.isMusl ?? (platform === 'linux' && isMuslLibc());
    },
    get hasAvx2() {
      return lookup.hasAvx2 ?? hasAvx2(platform);
    },
  };
}

// Each package hoisted beside `require`, then nested inside the npm package's node_modules.
function findInNativePackages(
  spec: BinarySpec,
  packages: readonly NativePackage[],
  require: NodeJS.Require,
): string | undefined {
  const resolvers = [() => require];
  const { npmPackage } = spec;
  if (npmPackage !== undefined) {
    resolvers.push(() => createRequire(require.resolve(`${npmPackage}/package.json`)));
  }
  for (const resolver of resolvers) {
    for (const nativePackage of packages) {
      try {
        const packageJson = resolver().resolve(`${nativePackage.name}/package.json`);
        const candidate = join(dirname(packageJson), nativePackage.executable);
        if (isExecutableFile(candidate)) return candidate;
      } catch {
        // Not installed there.
      }
    }
  }
  return undefined;
}

/** The `package.json` of the npm package whose launcher `path` is (`<package>/bin/<script>`). */
function launcherPackageJson(path: string, spec: BinarySpec): string | undefined {
  try {
    const packageJson = join(dirname(realpathSync(path)), '..', 'package.json');
    const { name } = JSON.parse(readFileSync(packageJson, 'utf8')) as { name?: unknown };
    return name === spec.npmPackage ? packageJson : undefined;
  } catch {
    return undefined;
  }
}

function isPlaceholder(path: string, placeholder: { fileName: string; maxBytes: number }): boolean {
  try {
    const target = realpathSync(path);
    return (
      basename(target) === placeholder.fileName && statSync(target).size < placeholder.maxBytes
    );
  } catch {
    return false;
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
