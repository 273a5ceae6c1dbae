import { readPackageVersion } from '../../package-version.js';
import type { ProviderProbe } from '../agent-provider.js';
import type { CodexSettings } from './codex-definition.js';
import { startCodexAppServer, type CodexAppServer } from './codex-app-server-process.js';
import { buildCodexArgs, buildCodexInitializeParams } from './codex-args.js';
import { codexAuthFrom } from './codex-auth.js';
import { codexInstallHint, findCodexBinary, readCodexVersion } from './codex-binary.js';
import { buildCodexEnvironment } from './codex-environment.js';

// A fresh app-server answers initialize in ~80 ms (a cold CODEX_HOME ~350 ms more), and each
// question in a few ms; the probe gives up after these and reports what it has.
const initializeTimeoutMs = 10_000;
const questionTimeoutMs = 3000;

/**
 * Binary, version, login state and models. The login state and models come from a short-lived
 * app-server (`account/read`, `config/read`, `model/list`). Never throws.
 */
export async function probeCodex(
  settings: CodexSettings,
  signal: AbortSignal | undefined,
): Promise<ProviderProbe> {
  try {
    const cwd = process.cwd();
    const environment = buildCodexEnvironment(process.env, settings.env, cwd);
    const binaryPath = findCodexBinary({ configuredBinary: settings.binary, environment });
    if (binaryPath === undefined) {
      return { available: false, auth: 'unknown', reason: codexInstallHint };
    }
    const { version, failure } = await readCodexVersion(binaryPath, environment, signal);
    if (version === undefined) {
      return {
        available: false,
        auth: 'unknown',
        binaryPath,
        reason: `${failure}. ${codexInstallHint}`,
      };
    }
    const server = await startCodexAppServer({
      binary: binaryPath,
      args: buildCodexArgs(settings.extraArgs),
      cwd,
      env: environment,
      answer: (request) => ({
        error: { code: -32601, message: `subagent-mcp does not support ${request.method}` },
      }),
    });
    try {
      const { auth, reason, models } = await askAppServer(server, environment, signal);
      return {
        available: true,
        version,
        auth,
        binaryPath,
        ...(reason ? { reason } : {}),
        ...(models && models.length > 0 ? { models } : {}),
      };
    } finally {
      await server.shutdown();
    }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { available: false, auth: 'unknown', reason: `Probing Codex failed: ${message}` };
  }
}

async function askAppServer(
  server: CodexAppServer,
  environment: Record<string, string>,
  signal: AbortSignal | undefined,
): Promise<Pick<ProviderProbe, 'auth' | 'reason' | 'models'>> {
  const { client } = server;
  const stop = (): void => void server.shutdown();
  signal?.addEventListener('abort', stop, { once: true });
  try {
    await client.request('initialize', buildCodexInitializeParams(readPackageVersion()), {
      timeoutMs: initializeTimeoutMs,
    });
    client.notify('initialized');
    const account = await client.request(
      'account/read',
      { refreshToken: false },
      { timeoutMs: questionTimeoutMs },
    );
    const config = await client
      .request('config/read', {}, { timeoutMs: questionTimeoutMs })
      .catch(() => undefined);
    // With a ChatGPT login the list may come from the network: the probe does not wait long.
    const models = await client
      .request('model/list', {}, { timeoutMs: questionTimeoutMs })
      .then(modelIds, () => undefined);
    return { ...codexAuthFrom(account, config, environment), models };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { auth: 'unknown', reason: `Could not ask Codex for its login state: ${message}` };
  } finally {
    signal?.removeEventListener('abort', stop);
  }
}

function modelIds(result: unknown): string[] {
  const data = (result as { data?: unknown } | null)?.data;
  if (!Array.isArray(data)) return [];
  return data.flatMap((model: unknown) => {
    const { model: id, hidden } = (model ?? {}) as { model?: unknown; hidden?: unknown };
    return typeof id === 'string' && hidden !== true ? [id] : [];
  });
}
