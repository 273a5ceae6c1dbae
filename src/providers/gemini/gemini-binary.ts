import { readFileSync, realpathSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { discoverBinary, type BinaryLookup, type BinarySpec } from '../kit/binary-discovery.js';
import { readCliVersion } from '../kit/probe-cli.js';

/** What to tell a user who has no `gemini`. */
export const geminiInstallHint =
  'Install Gemini CLI: npm i -g @google/gemini-cli (or set providers.gemini.binary)';

const geminiPackage = '@google/gemini-cli';

/**
 * Where `gemini` may be: the configured path, then `SUBAGENT_MCP_GEMINI_BIN` or `GEMINI_BIN`,
 * then the bundle of the `@google/gemini-cli` package beside us (a Node script with a
 * `#!/usr/bin/env node` line; 0.61.0 ships no native build), then `gemini` on PATH. The
 * package's npm bin is a link to that same bundle, so there is no launcher to look behind; on
 * Windows the `gemini.cmd` launcher on PATH starts it.
 */
export const geminiBinary: BinarySpec = {
  providerId: 'gemini',
  command: 'gemini',
  npmPackage: geminiPackage,
  packageScript: 'bundle/gemini.js',
  installHint: geminiInstallHint,
};

/** The `gemini` executable to run (see {@link geminiBinary}); `undefined` when there is none. */
export function findGeminiBinary(lookup: BinaryLookup): string | undefined {
  return discoverBinary(geminiBinary, lookup).path;
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
  return readCliVersion(binary, environment, signal);
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
    return manifest.name === geminiPackage && typeof manifest.version === 'string'
      ? manifest.version
      : undefined;
  } catch {
    return undefined;
  }
}
