import { randomBytes } from 'node:crypto';
import { basicAuthorization } from '../../http/index.js';
import type { ProviderProbe } from '../agent-provider.js';
import { probeCli, withoutEmpty, type CliFacts } from '../kit/probe-cli.js';
import { whenAborted } from '../kit/when-aborted.js';
import type { OpencodeSettings } from './opencode-definition.js';
import { buildOpencodeServeArgs } from './opencode-args.js';
import { opencodeBinary } from './opencode-binary.js';
import { createOpencodeClient } from './opencode-client.js';
import {
  buildOpencodeEnvironment,
  opencodeServerUsername,
  withServerCredentials,
} from './opencode-environment.js';
import type { OpencodeConnection, OpencodeServerManager } from './opencode-server-manager.js';
import { startOpencodeServer } from './opencode-server-process.js';
import { opencodeConfigProvidersSchema, opencodeHealthSchema } from './opencode-wire.js';

/** What to tell a user whose opencode has no model provider of its own. */
export const opencodeLoginHint =
  'configure a provider: `opencode auth login` or a provider in opencode.json ' +
  '(or connect to a configured server with providers.opencode.serverUrl)';

const startupTimeoutMs = 20_000;
// A fresh `opencode serve` (1.18.33) takes ~1.6 s to answer its first /config/providers on an
// idle 2-core machine, and over 5 s under load (docs/providers/opencode.md).
const questionTimeoutMs = 15_000;

/**
 * Version, whether a model provider is configured, and the models (`provider/model`). Asked of
 * the configured server, else of the warm server when one runs, else of a short-lived
 * `opencode serve` (~1.5 s). Never throws.
 */
export async function probeOpencode(
  settings: OpencodeSettings,
  servers: OpencodeServerManager,
  signal: AbortSignal | undefined,
): Promise<ProviderProbe> {
  const current = servers.currentConnection();
  if (settings.serverUrl !== undefined && current !== undefined) {
    return probeServer(current, signal);
  }
  const environment = buildOpencodeEnvironment(process.env, settings.env);
  return probeCli({
    agentName: 'opencode',
    binary: opencodeBinary,
    configuredBinary: settings.binary,
    environment,
    signal,
    inspect: ({ binaryPath }) =>
      current
        ? askProviders(current, signal)
        : askShortLivedServer(binaryPath, settings, environment, signal),
  });
}

async function probeServer(
  connection: OpencodeConnection,
  signal: AbortSignal | undefined,
): Promise<ProviderProbe> {
  const client = createOpencodeClient({ connection, directory: process.cwd() });
  const searched = [`providers.opencode.serverUrl: ${connection.baseUrl}`];
  try {
    const health = await client.call({
      path: '/global/health',
      timeoutMs: questionTimeoutMs,
      ...(signal ? { signal } : {}),
    });
    const version = opencodeHealthSchema.safeParse(health).data?.version;
    const facts = await askProviders(connection, signal);
    return {
      available: true,
      ...(version ? { version } : {}),
      searched,
      ...withoutEmpty(facts),
    };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return {
      available: false,
      auth: 'unknown',
      reason: `The opencode server at ${connection.baseUrl} (providers.opencode.serverUrl) did not answer: ${message}`,
    };
  }
}

async function askShortLivedServer(
  binary: string,
  settings: OpencodeSettings,
  environment: Record<string, string>,
  signal: AbortSignal | undefined,
): Promise<CliFacts> {
  const password = randomBytes(24).toString('base64url');
  const server = await startOpencodeServer({
    binary,
    args: buildOpencodeServeArgs(settings.extraArgs),
    cwd: process.cwd(),
    env: withServerCredentials(environment, password),
    startupTimeoutMs,
  });
  const stopListening = whenAborted(signal, () => void server.stop());
  try {
    const headers = { authorization: basicAuthorization(opencodeServerUsername, password) };
    return await askProviders({ baseUrl: server.url, headers, pid: server.child.pid }, signal);
  } finally {
    stopListening();
    await server.stop();
  }
}

/** `GET /config/providers`: the providers opencode would use, and their models. */
async function askProviders(
  connection: OpencodeConnection,
  signal: AbortSignal | undefined,
): Promise<CliFacts> {
  const client = createOpencodeClient({ connection, directory: process.cwd() });
  try {
    const body = await client.call({
      path: '/config/providers',
      timeoutMs: questionTimeoutMs,
      ...(signal ? { signal } : {}),
    });
    const { providers } = opencodeConfigProvidersSchema.parse(body);
    const models = providers.flatMap((provider) =>
      Object.keys(provider.models ?? {}).map((model) => `${provider.id}/${model}`),
    );
    // Without any configuration opencode still offers its own keyless free models (opencode/*).
    const isConfigured = providers.some((provider) => provider.id !== 'opencode' || provider.key);
    if (isConfigured) return { auth: 'ok', models };
    const free = models.length > 0 ? ', only the free opencode/* models' : '';
    const reason = `No model provider is configured${free}; ${opencodeLoginHint}.`;
    return { auth: 'missing', reason, models };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { auth: 'unknown', reason: `Could not ask opencode for its providers: ${message}` };
  }
}
