import { readExecutableVersion } from '../../process/index.js';
import type { AuthState, ProviderProbe } from '../agent-provider.js';
import { discoverBinary, type BinarySpec } from './binary-discovery.js';

/** `<binary> --version` → the first `x.y.z…` it prints, or why that failed. */
export const readCliVersion = readExecutableVersion;

/** What a provider learned about the login and models. */
export interface CliFacts {
  auth: AuthState;
  /** What to do about the auth, when it is not `ok`. */
  reason?: string | undefined;
  models?: string[] | undefined;
}

export interface ProbeCliOptions {
  /** The agent's name in messages, e.g. `Claude Code`. */
  agentName: string;
  binary: BinarySpec;
  configuredBinary?: string | undefined;
  /** The environment the CLI would run with. */
  environment: Record<string, string>;
  signal?: AbortSignal | undefined;
  /** Reads the version of the found executable. Default {@link readCliVersion}. */
  readVersion?: typeof readCliVersion;
  /** The auth as far as it is known without the CLI: also reported when it is not installed. */
  readAuth?: () => CliFacts;
  /** Asks the installed CLI (auth, models) once it answered `--version`. */
  inspect?: (cli: { binaryPath: string; version: string }) => Promise<CliFacts>;
}

/**
 * The probe every CLI provider starts with: find the executable (reporting where it looked),
 * ask its version, then the provider's own questions. Never throws: any failure is an
 * unavailable provider with the reason.
 */
export async function probeCli(options: ProbeCliOptions): Promise<ProviderProbe> {
  try {
    const { binary, environment } = options;
    const offline = options.readAuth?.() ?? { auth: 'unknown' };
    const lookup = { configuredBinary: options.configuredBinary, environment };
    const { path: binaryPath, searched } = discoverBinary(binary, lookup);
    if (binaryPath === undefined) {
      return { available: false, auth: offline.auth, reason: binary.installHint, searched };
    }
    const readVersion = options.readVersion ?? readCliVersion;
    const { version, failure } = await readVersion(binaryPath, environment, options.signal);
    if (version === undefined) {
      const reason = `${failure}. ${binary.installHint}`;
      return { available: false, auth: offline.auth, binaryPath, reason, searched };
    }
    const facts = (await options.inspect?.({ binaryPath, version })) ?? offline;
    return { available: true, version, binaryPath, searched, ...withoutEmpty(facts) };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const reason = `Probing ${options.agentName} failed: ${message}`;
    return { available: false, auth: 'unknown', reason };
  }
}

/** The facts without an empty reason or model list. */
export function withoutEmpty(facts: CliFacts): CliFacts {
  return {
    auth: facts.auth,
    ...(facts.reason ? { reason: facts.reason } : {}),
    ...(facts.models && facts.models.length > 0 ? { models: facts.models } : {}),
  };
}
