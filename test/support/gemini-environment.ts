/**
 * Environment variables and settings that point the real Gemini CLI (0.61.0) at the scripted
 * model server's Gemini dialect, with isolated state and no traffic beyond 127.0.0.1:
 * - `GEMINI_CLI_HOME=<directory>`: the CLI keeps everything in `<directory>/.gemini/` (settings,
 *   chats under `tmp/<project>/chats/`), whatever `HOME` says;
 * - `GOOGLE_GEMINI_BASE_URL=<server>` (the SDK appends `/v1beta/models/…`) and a dummy
 *   `GEMINI_API_KEY`, sent as `x-goog-api-key`;
 * - `settings.json`: auth type `gemini-api-key` (without it the base URL alone selects the
 *   `gateway` type, which headless runs reject with exit 41); usage statistics and telemetry off
 *   (with them on the CLI looks up play.googleapis.com), auto-update and its notice off, the IDE
 *   integration off, and one attempt per model call (`general.maxAttempts: 1`: a 429 or 5xx is
 *   otherwise retried with 5–30 s back-off for minutes).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

export const geminiMockApiKey = 'mock-gemini-key';

export interface GeminiEnvironmentOptions {
  /** Becomes GEMINI_CLI_HOME; created (with parents) when missing. */
  directory: string;
  /** The scripted model server's URL, e.g. `http://127.0.0.1:43123`. */
  modelServerUrl: string;
}

export interface GeminiEnvironment {
  /** Variables to add to Gemini CLI's environment. */
  environment: Record<string, string>;
  settingsFile: string;
}

export function buildGeminiSettings(): Record<string, unknown> {
  return {
    security: { auth: { selectedType: 'gemini-api-key' } },
    privacy: { usageStatisticsEnabled: false },
    telemetry: { enabled: false },
    general: { enableAutoUpdate: false, enableAutoUpdateNotification: false, maxAttempts: 1 },
    ide: { enabled: false },
  };
}

export async function createGeminiEnvironment(
  options: GeminiEnvironmentOptions,
): Promise<GeminiEnvironment> {
  const home = path.resolve(options.directory);
  const settingsFile = path.join(home, '.gemini', 'settings.json');
  await mkdir(path.dirname(settingsFile), { recursive: true });
  await writeFile(settingsFile, `${JSON.stringify(buildGeminiSettings(), null, 2)}\n`);
  return {
    environment: {
      GEMINI_CLI_HOME: home,
      GOOGLE_GEMINI_BASE_URL: options.modelServerUrl.replace(/\/+$/, ''),
      GEMINI_API_KEY: geminiMockApiKey,
    },
    settingsFile,
  };
}
