import { readFileSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import {
  findExecutableOnPath,
  isExecutableFile,
  nonEmpty,
  readExecutableVersion,
} from '../../process/index.js';

/** What to tell a user who has no `gemini`. */
export const geminiInstallHint =
  'Install Gemini CLI: npm i -g @google/gemini-cli (or set providers.gemini.binary)';

export interface GeminiBinaryLookup {
  /** `providers.gemini.binary` from the configuration: used as given. */
  configuredBinary?: string;
  /** Read for SUBAGENT_MCP_GEMINI_BIN, GEMINI_BIN and PATH. */
  environment: Readonly<Record<string, string | undefined>>;
  platform?: NodeJS.Platform;
}

/**
 * The `gemini` executable to run: the configured path, then `SUBAGENT_MCP_GEMINI_BIN` or
 * `GEMINI_BIN`, then the bundle of the `@google/gemini-cli` package beside us (a Node script
 * with a `#!/usr/bin/env node` line), then `gemini` on PATH. `undefined` when there is none.
 */
export function findGeminiBinary(lookup: GeminiBinaryLookup): string | undefined {
  const explicit =
    lookup.configuredBinary ??
    nonEmpty(lookup.environment.SUBAGENT_MCP_GEMINI_BIN) ??
    nonEmpty(lookup.environment.GEMINI_BIN);
  if (explicit !== undefined) return explicit;
  const platform = lookup.platform ?? process.platform;
  return (
    (platform === 'win32' ? undefined : findPackageBundle()) ??
    findExecutableOnPath('gemini', lookup.environment.PATH ?? '', { platform })
  );
}

function findPackageBundle(): string | undefined {
  try {
    const manifest = createRequire(import.meta.url).resolve('@google/gemini-cli/package.json');
    const candidate = join(dirname(manifest), 'bundle', 'gemini.js');
    return isExecutableFile(candidate) ? candidate : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The version of `binary`: from the package manifest when it is the npm package's bundle
 * (`<package>/bundle/gemini.js`, also behind a `gemini` symlink), since `gemini --version` loads
 * the whole 96 MB bundle (1–4 s); otherwise `gemini --version` → `0.61.0`, or why it failed.
 */
export async function readGeminiVersion(
  binary: string,
  environment: Record<string, string>,
  signal?: AbortSignal,
): Promise<{ version?: string; failure?: string }> {
  const version = readPackageManifestVersion(binary);
  if (version !== undefined) return { version };
  return readExecutableVersion(binary, environment, signal);
}

function readPackageManifestVersion(binary: string): string | undefined {
  try {
    const bundle = realpathSync(binary);
    if (basename(bundle) !== 'gemini.js' || basename(dirname(bundle)) !== 'bundle')
      return undefined;
    const manifestPath = join(dirname(dirname(bundle)), 'package.json');
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as {
      name?: unknown;
      version?: unknown;
    };
    return manifest.name === '@google/gemini-cli' && typeof manifest.version === 'string'
      ? manifest.version
      : undefined;
  } catch {
    return undefined;
  }
}
