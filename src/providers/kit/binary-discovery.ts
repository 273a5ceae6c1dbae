/**
 * Finding an agent's executable from a small spec, the same way for every provider: the
 * configured path, then environment variables, then the native binary of an npm platform
 * package installed beside us (or, for a CLI written in JavaScript, the script of its npm
 * package), then the command on PATH (looking behind an npm launcher script for its native
 * binary). Every place looked at is reported, in order, with what was found there, e.g.
 * `$CLAUDE_BIN: unset` or `claude on PATH: not found`, for diagnostics (`subagent-mcp doctor`).
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
   * How many builds a platform has: `one` (reported as `platform package <name>: …`, or `none
   * for <platform>-<arch>`), or `several` to choose from by CPU and libc (reported together as
   * `platform packages <a>, <b>: …`). Default `one`.
   */
  buildsPerPlatform?: 'one' | 'several';
  /**
   * For a CLI written in JavaScript: its script inside `npmPackage` (e.g. `bundle/gemini.js`,
   * the target of the package's npm bin), run by its `#!/usr/bin/env node` line. Looked for
   * where `npmPackage` resolves from here, before PATH; not on Windows, which cannot start a
   * script by its first line (the `.cmd` launcher on PATH does).
   */
  packageScript?: string;
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
  /** The configured path (`providers.<id>.binary`): used as given. */
  configuredBinary?: string | undefined;
  /** Read for the spec's variables and PATH. */
  environment: Readonly<Record<string, string | undefined>>;
  platform?: NodeJS.Platform;
  arch?: string;
  isMusl?: boolean;
  hasAvx2?: boolean;
  /** When given, each place looked at is also appended here (see {@link BinaryDiscovery}). */
  searched?: string[];
}

export interface BinaryDiscovery {
  /** The executable to run; `undefined` when there is none. */
  path: string | undefined;
  /** The places looked at, in order, up to the one that answered, each with what was there. */
  searched: string[];
}

/** Looks for the spec's executable; see the module comment for the order. Never throws. */
export function discoverBinary(spec: BinarySpec, lookup: BinaryLookup): BinaryDiscovery {
  const searched = lookup.searched ?? [];
  const note = (line: string) => void searched.push(line);
  const found = (path: string | undefined): BinaryDiscovery => ({ path, searched });
  const command = spec.command.toUpperCase();
  const explicitSources: [string, string | undefined][] = [
    [`providers.${spec.providerId}.binary`, lookup.configuredBinary],
    ...(spec.environmentVariables ?? [`SUBAGENT_MCP_${command}_BIN`, `${command}_BIN`]).map(
      (name): [string, string | undefined] => [`$${name}`, nonEmpty(lookup.environment[name])],
    ),
  ];
  for (const [place, value] of explicitSources) {
    note(`${place}: ${value ?? 'unset'}`);
    if (value !== undefined) return found(value);
  }

  const platform = lookup.platform ?? process.platform;
  const target = platformTarget(lookup, platform);
  const packages = spec.nativePackages?.(target) ?? [];
  if (spec.nativePackages !== undefined) {
    const beside = findInNativePackages(spec, packages, createRequire(import.meta.url));
    note(describeNativePackages(spec, packages, target, beside));
    if (beside !== undefined) return found(beside.path);
  }
  if (spec.packageScript !== undefined) {
    const script = findPackageScript(spec, platform);
    note(`npm package ${spec.npmPackage}: ${script.description}`);
    if (script.path !== undefined) return found(script.path);
  }

  const onPath = findExecutableOnPath(spec.command, lookup.environment.PATH ?? '', {
    platform,
    ...(spec.placeholder ? { accept: (path) => !isPlaceholder(path, spec.placeholder!) } : {}),
  });
  const native =
    onPath !== undefined && spec.looksBehindLauncher && packages.length > 0
      ? nativeBinaryBehindLauncher(onPath, spec, packages)
      : undefined;
  const launcher = native ? ` (the npm launcher of ${native})` : '';
  note(`${spec.command} on PATH: ${onPath ? `found ${onPath}${launcher}` : 'not found'}`);
  return found(native ?? onPath);
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

function describeNativePackages(
  spec: BinarySpec,
  packages: readonly NativePackage[],
  target: PlatformTarget,
  beside: { name: string; path: string } | undefined,
): string {
  if (beside !== undefined) return `platform package ${beside.name}: found ${beside.path}`;
  const names = packages.map((nativePackage) => nativePackage.name);
  if (spec.buildsPerPlatform === 'several') {
    return `platform packages ${names.join(', ') || '(none for this platform)'}: not installed`;
  }
  if (names.length === 0) return `platform package: none for ${target.platform}-${target.arch}`;
  return `platform package ${names.join(', ')}: not installed`;
}

// Each package hoisted beside `require`, then nested inside the npm package's node_modules.
function findInNativePackages(
  spec: BinarySpec,
  packages: readonly NativePackage[],
  require: NodeJS.Require,
): { name: string; path: string } | undefined {
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
        if (isExecutableFile(candidate)) return { name: nativePackage.name, path: candidate };
      } catch {
        // Not installed there.
      }
    }
  }
  return undefined;
}

/** The spec's package script beside us, and what was found, for `searched`. */
function findPackageScript(
  spec: BinarySpec,
  platform: NodeJS.Platform,
): { path?: string; description: string } {
  if (platform === 'win32') return { description: 'not run directly on Windows' };
  try {
    const packageJson = createRequire(import.meta.url).resolve(`${spec.npmPackage}/package.json`);
    const path = join(dirname(packageJson), spec.packageScript!);
    if (isExecutableFile(path)) return { path, description: `found ${path}` };
    return { description: `installed, but ${spec.packageScript} is not executable` };
  } catch {
    return { description: 'not installed' };
  }
}

/** The native binary behind `onPath` when it is the launcher script of the spec's npm package. */
function nativeBinaryBehindLauncher(
  onPath: string,
  spec: BinarySpec,
  packages: readonly NativePackage[],
): string | undefined {
  const launcherPackage = launcherPackageJson(onPath, spec);
  if (launcherPackage === undefined) return undefined;
  return findInNativePackages(spec, packages, createRequire(launcherPackage))?.path;
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
