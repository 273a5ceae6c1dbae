import { createHash, randomBytes } from 'node:crypto';
import { AgentError } from '../../errors/index.js';
import { basicAuthorization } from '../../http/index.js';
import type { OpencodeSettings } from './opencode-definition.js';
import { buildOpencodeServeArgs } from './opencode-args.js';
import { requireBinary } from '../kit/binary-discovery.js';
import { opencodeBinary } from './opencode-binary.js';
import {
  buildOpencodeEnvironment,
  opencodeServerUsername,
  withServerCredentials,
} from './opencode-environment.js';
import { startOpencodeServer, type OpencodeServerProcess } from './opencode-server-process.js';

/** Where to send requests, and the headers every request carries. */
export interface OpencodeConnection {
  /** e.g. `http://127.0.0.1:4096`, without a trailing slash. */
  baseUrl: string;
  /** `authorization` when the server needs it. */
  headers: Readonly<Record<string, string>>;
  /** The pid of the `opencode serve` we started; absent for a configured server. */
  pid?: number;
}

/** A server this manager started and that still runs. */
export interface OpencodeServerDescription {
  url: string;
  pid: number;
  startedAt: number;
}

export interface OpencodeServerManager {
  /**
   * The server for a run: the configured `serverUrl`, else the warm `opencode serve` started for
   * this environment, else a new one (started once even when runs ask at the same time; a
   * server that died is replaced). Throws `AgentError` `provider_unavailable` (no binary),
   * `spawn_failed` (it did not start: its output in the message) or `shutting_down`; an
   * aborted `signal` rejects with its reason, while the start goes on for later runs.
   */
  connect(request: {
    environment: Readonly<Record<string, string | undefined>>;
    cwd: string;
    signal?: AbortSignal;
  }): Promise<OpencodeConnection>;
  /** The configured server, or a started one that is running now (for the probe). */
  currentConnection(): OpencodeConnection | undefined;
  /** The servers started and still running. */
  describe(): OpencodeServerDescription[];
  /** Stops every server started (their process trees end). Never throws. */
  dispose(): Promise<void>;
}

interface ManagedServer {
  starting: Promise<OpencodeServerProcess & { connection: OpencodeConnection }>;
  running?: OpencodeServerDescription & { connection: OpencodeConnection };
  stop(): Promise<void>;
}

/**
 * Owns the `opencode serve` processes of one provider: started lazily on the first run, one per
 * distinct environment (in practice one: runs share the server's environment), reused while
 * they live, each with a random Basic-auth password. With `settings.serverUrl` nothing is
 * spawned.
 */
export function createOpencodeServerManager(settings: OpencodeSettings): OpencodeServerManager {
  const configured = configuredConnection(settings);
  const servers = new Map<string, ManagedServer>();
  let isDisposed = false;

  const start = (key: string, environment: Record<string, string>, cwd: string, binary: string) => {
    const password = randomBytes(24).toString('base64url');
    const headers = { authorization: basicAuthorization(opencodeServerUsername, password) };
    const managed: ManagedServer = {
      starting: startOpencodeServer({
        binary,
        args: buildOpencodeServeArgs(settings.extraArgs),
        cwd,
        env: withServerCredentials(environment, password),
      }).then((started) => {
        const connection = { baseUrl: started.url, headers, pid: started.child.pid };
        managed.running = {
          url: started.url,
          pid: started.child.pid,
          startedAt: Date.now(),
          connection,
        };
        void started.child.exited.then(() => forget(key, managed));
        return { ...started, connection };
      }),
      stop: async () => {
        forget(key, managed);
        await managed.starting.then(
          (started) => started.stop(),
          () => undefined,
        );
      },
    };
    managed.starting.catch(() => forget(key, managed));
    servers.set(key, managed);
    return managed;
  };

  const forget = (key: string, managed: ManagedServer): void => {
    if (servers.get(key) === managed) servers.delete(key);
    managed.running = undefined;
  };

  return {
    async connect(request) {
      if (isDisposed)
        throw new AgentError('shutting_down', 'The opencode provider is shutting down.');
      if (configured) return configured;
      const environment = buildOpencodeEnvironment(request.environment, settings.env);
      const binary = requireBinary(opencodeBinary, {
        configuredBinary: settings.binary,
        environment,
      });
      const key = fingerprint(binary, environment);
      const managed = servers.get(key) ?? start(key, environment, request.cwd, binary);
      const started = await abortable(managed.starting, request.signal);
      return started.connection;
    },

    currentConnection() {
      if (configured) return configured;
      return [...servers.values()].find((managed) => managed.running)?.running?.connection;
    },

    describe() {
      return [...servers.values()].flatMap(({ running }) =>
        running ? [{ url: running.url, pid: running.pid, startedAt: running.startedAt }] : [],
      );
    },

    async dispose() {
      isDisposed = true;
      await Promise.allSettled([...servers.values()].map((managed) => managed.stop()));
    },
  };
}

function configuredConnection(settings: OpencodeSettings): OpencodeConnection | undefined {
  if (settings.serverUrl === undefined) return undefined;
  const baseUrl = settings.serverUrl.replace(/\/+$/, '');
  if (settings.serverPassword === undefined) return { baseUrl, headers: {} };
  const username = settings.serverUsername ?? opencodeServerUsername;
  return {
    baseUrl,
    headers: { authorization: basicAuthorization(username, settings.serverPassword) },
  };
}

// Runs share a server only when it was started with the same binary and environment.
function fingerprint(binary: string, environment: Record<string, string>): string {
  const entries = Object.entries(environment).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return createHash('sha256')
    .update(JSON.stringify([binary, entries]))
    .digest('hex');
}

async function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return promise;
  signal.throwIfAborted();
  let onAbort: () => void = () => undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([promise, aborted]);
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}
