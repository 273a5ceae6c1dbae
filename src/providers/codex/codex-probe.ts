import { readPackageVersion } from '../../package-version.js';
import type { ProviderProbe } from '../agent-provider.js';
import type { CliFacts } from '../kit/probe-cli.js';
import { probeCli } from '../kit/probe-cli.js';
import { whenAborted } from '../kit/when-aborted.js';
import { startCodexAppServer, type CodexAppServer } from './codex-app-server-process.js';
import { buildCodexArgs, buildCodexInitializeParams } from './codex-args.js';
import { codexAuthFrom } from './codex-auth.js';
import { codexBinary } from './codex-binary.js';
import type { CodexSettings } from './codex-definition.js';
import { buildCodexEnvironment } from './codex-environment.js';

// A fresh app-server answers initialize in ~80 ms (a cold CODEX_HOME ~350 ms more), and each
// question in a few ms; the probe gives up after these and reports what it has.
const initializeTimeoutMs = 10_000;
const questionTimeoutMs = 3000;

/**
 * Binary, version, login state and models. The login state and models come from a short-lived
 * app-server (`account/read`, `config/read`, `model/list`). Never throws.
 */
export function probeCodex(
  settings: CodexSettings,
  signal: AbortSignal | undefined,
): Promise<ProviderProbe> {
  const cwd = process.cwd();
  const environment = buildCodexEnvironment(process.env, settings.env, cwd);
  return probeCli({
    agentName: 'Codex',
    binary: codexBinary,
    configuredBinary: settings.binary,
    environment,
    signal,
    async inspect({ binaryPath }) {
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
        return await askAppServer(server, environment, signal);
      } finally {
        await server.shutdown();
      }
    },
  });
}

async function askAppServer(
  server: CodexAppServer,
  environment: Record<string, string>,
  signal: AbortSignal | undefined,
): Promise<CliFacts> {
  const { client } = server;
  const stopListening = whenAborted(signal, () => void server.shutdown());
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
    stopListening();
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
