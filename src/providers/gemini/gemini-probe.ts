import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { AuthState, ProviderProbe } from '../agent-provider.js';
import { probeCli } from '../kit/probe-cli.js';
import { geminiBinary, readGeminiVersion } from './gemini-binary.js';
import type { GeminiSettings } from './gemini-definition.js';
import { buildGeminiEnvironment } from './gemini-environment.js';

export const geminiLoginHint =
  'Set GEMINI_API_KEY, or log in with `gemini` (Sign in with Google), or configure Vertex AI ' +
  '(GOOGLE_GENAI_USE_VERTEXAI=true with GOOGLE_CLOUD_PROJECT and GOOGLE_CLOUD_LOCATION, or GOOGLE_API_KEY)';

/**
 * Binary, version and how Gemini CLI will authenticate, without running it: the version comes
 * from the package manifest behind the bundle when it can. Never throws.
 */
export function probeGemini(
  settings: GeminiSettings,
  signal: AbortSignal | undefined,
): Promise<ProviderProbe> {
  const environment = buildGeminiEnvironment(process.env, settings.env, process.cwd());
  return probeCli({
    agentName: 'Gemini CLI',
    binary: geminiBinary,
    configuredBinary: settings.binary,
    environment,
    signal,
    readVersion: readGeminiVersion,
    readAuth: () => detectGeminiAuth(environment),
  });
}

/**
 * How Gemini CLI (0.61.0) will authenticate, judged without running it, and the method in
 * words. The auth type is `security.auth.selectedType` in `<GEMINI_CLI_HOME or ~>/.gemini/
 * settings.json`; without one the CLI picks it from the environment (`GOOGLE_GENAI_USE_GCA` →
 * Google login, `GOOGLE_GENAI_USE_VERTEXAI` → Vertex AI, `GOOGLE_GEMINI_BASE_URL` → gateway,
 * which headless runs reject with exit 41, `GEMINI_API_KEY` → API key). A Google login is stored
 * in `.gemini/oauth_creds.json` or the system keychain (which cannot be checked cheaply).
 */
export function detectGeminiAuth(environment: Readonly<Record<string, string | undefined>>): {
  auth: AuthState;
  reason: string;
} {
  const isSet = (name: string): boolean => Boolean(environment[name]);
  const geminiDirectory = join(
    environment.GEMINI_CLI_HOME || environment.HOME || homedir(),
    '.gemini',
  );
  const selected = readSelectedAuthType(join(geminiDirectory, 'settings.json'));
  const hasStoredLogin = existsSync(join(geminiDirectory, 'oauth_creds.json'));
  const type =
    selected ??
    (isSet('GOOGLE_GENAI_USE_GCA')
      ? 'oauth-personal'
      : isSet('GOOGLE_GENAI_USE_VERTEXAI')
        ? 'vertex-ai'
        : isSet('GOOGLE_GEMINI_BASE_URL')
          ? 'gateway'
          : isSet('GEMINI_API_KEY')
            ? 'gemini-api-key'
            : undefined);
  const source = selected ? `security.auth.selectedType "${selected}"` : 'the environment';
  switch (type) {
    case 'gemini-api-key':
      return isSet('GEMINI_API_KEY')
        ? { auth: 'ok', reason: `API key (GEMINI_API_KEY), chosen by ${source}` }
        : {
            auth: 'missing',
            reason: `${source} asks for an API key, but GEMINI_API_KEY is not set`,
          };
    case 'vertex-ai': {
      const configured =
        isSet('GOOGLE_API_KEY') ||
        (isSet('GOOGLE_CLOUD_PROJECT') && isSet('GOOGLE_CLOUD_LOCATION'));
      return configured
        ? { auth: 'ok', reason: `Vertex AI, chosen by ${source}` }
        : {
            auth: 'unknown',
            reason: `Vertex AI, chosen by ${source}; needs GOOGLE_API_KEY or GOOGLE_CLOUD_PROJECT and GOOGLE_CLOUD_LOCATION (or application default credentials)`,
          };
    }
    case 'oauth-personal':
      return hasStoredLogin
        ? { auth: 'ok', reason: `Google login (stored OAuth credentials), chosen by ${source}` }
        : {
            auth: 'unknown',
            reason: `Google login, chosen by ${source}; no oauth_creds.json (the keychain may hold it)`,
          };
    case 'gateway':
      return {
        auth: selected ? 'unknown' : 'missing',
        reason: selected
          ? `gateway, chosen by ${source}; headless runs reject it`
          : 'GOOGLE_GEMINI_BASE_URL without security.auth.selectedType selects the gateway auth type, which headless runs reject: set selectedType to "gemini-api-key" (with GEMINI_API_KEY)',
      };
    case undefined:
      return hasStoredLogin
        ? { auth: 'unknown', reason: 'Stored OAuth credentials, but no security.auth.selectedType' }
        : { auth: 'missing', reason: geminiLoginHint };
    default:
      return { auth: 'unknown', reason: `${type}, chosen by ${source}` };
  }
}

function readSelectedAuthType(path: string): string | undefined {
  try {
    const settings = JSON.parse(readFileSync(path, 'utf8')) as {
      security?: { auth?: { selectedType?: unknown } };
    };
    const selected = settings.security?.auth?.selectedType;
    return typeof selected === 'string' && selected !== '' ? selected : undefined;
  } catch {
    return undefined;
  }
}
