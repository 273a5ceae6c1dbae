/**
 * The `codex app-server` processes of one provider. Warm (`warm.maxProcesses` > 0): one server
 * per distinct environment — binary, arguments, environment and working directory — initialized
 * once and shared by every run that asks for the same, each run on its own thread through the
 * router; stopped after `warm.idleSeconds` without a run, on `dispose`, or when it dies (the next
 * run starts a new one). A run may retire its server (after a cancel, a timeout, a failure):
 * no new run goes to it, and it stops when its last run has left — so an aborted run still leaves
 * no process. Not warm, or past `maxProcesses` with every kept server busy, a run gets a server
 * of its own, stopped when it leaves: the per-run process of before.
 * A kept server also keeps a spare thread for the next run (codex-spare-thread.ts).
 */
import { createHash } from 'node:crypto';
import { AgentError } from '../../errors/index.js';
import { readPackageVersion } from '../../package-version.js';
import type { WarmSettings } from '../warm-settings.js';
import type { CodexServerReply, CodexServerRequest } from './codex-app-server-client.js';
import { startCodexAppServer, type CodexAppServer } from './codex-app-server-process.js';
import { buildCodexInitializeParams } from './codex-args.js';
import {
  createCodexSpareThread,
  type CodexSpareThread,
  type CodexThreadStart,
} from './codex-spare-thread.js';
import {
  createCodexThreadRouter,
  type CodexThreadChannel,
  type CodexThreadRouter,
} from './codex-thread-router.js';

const initializeTimeoutMs = 30_000;
// A run within this of the previous one takes the thread started ahead for it.
const spareThreadMaxAgeMs = 10_000;
// A thread's notifications stop once the run has left it; the answer is not waited for long.
const unsubscribeTimeoutMs = 2000;

export interface CodexServerSpec {
  binary: string;
  args: readonly string[];
  cwd: string;
  env: Record<string, string>;
}

/** One run's use of a server. */
export interface CodexServerLease {
  readonly server: CodexAppServer;
  readonly channel: CodexThreadChannel;
  /** `initialize` answered (once per server); rejects with the AgentError it failed with. */
  readonly ready: Promise<void>;
  /**
   * The run's thread request, answered: a `thread/start` by the server's spare thread when its
   * parameters are the same, else sent on the run's channel now.
   */
  startThread(method: string, params: unknown, options: { timeoutMs: number }): Promise<unknown>;
  /**
   * The run leaves: its channel closes; with `retire`, no new run goes to the server. Resolves
   * `true` when the server was stopped (it was the run's own, or retired and now unused) or had
   * already ended. The first call decides; later ones return its answer.
   */
  release(options?: { retire?: boolean }): Promise<boolean>;
}

export interface CodexServerPool {
  /** A server for `spec`: a warm one, or a started one. Throws `spawn_failed`, `shutting_down`. */
  acquire(spec: CodexServerSpec): Promise<CodexServerLease>;
  /** Servers kept warm now (retired ones and a run's own are not counted). */
  warmProcesses(): number;
  /** Stops every server (their process trees end). Never throws. */
  dispose(): Promise<void>;
}

interface PooledServer {
  key: string;
  starting: Promise<StartedServer>;
  started?: StartedServer;
  leases: number;
  /** No new run goes to it; it stops when its last run leaves. */
  retired: boolean;
  idleTimer?: NodeJS.Timeout;
}

interface StartedServer {
  server: CodexAppServer;
  router: CodexThreadRouter;
  ready: Promise<void>;
  spare: CodexSpareThread;
}

export function createCodexServerPool(options: {
  warm: WarmSettings;
  answer: (request: CodexServerRequest) => CodexServerReply;
}): CodexServerPool {
  const { warm, answer } = options;
  const kept = new Map<string, PooledServer>();
  const live = new Set<PooledServer>();
  let isDisposed = false;

  const stop = async (pooled: PooledServer): Promise<void> => {
    clearTimeout(pooled.idleTimer);
    forget(pooled);
    const started = await pooled.starting.catch(() => undefined);
    started?.spare.drop();
    await started?.server.shutdown();
    live.delete(pooled);
  };

  const forget = (pooled: PooledServer): void => {
    if (kept.get(pooled.key) === pooled) kept.delete(pooled.key);
  };

  const start = (key: string, spec: CodexServerSpec, keep: boolean): PooledServer => {
    const pooled: PooledServer = {
      key,
      leases: 0,
      retired: !keep,
      starting: startCodexAppServer({ ...spec, answer }).then((server) => {
        const router = createCodexThreadRouter(server.client);
        const spare = createCodexSpareThread({
          router,
          unsubscribe: (threadIds) => unsubscribe(server, threadIds),
          maxAgeMs: spareThreadMaxAgeMs,
        });
        const ready = initialize(server);
        // A server that cannot initialize serves no later run.
        ready.catch(() => retire(pooled));
        void server.child.finished.then(() => {
          forget(pooled);
          clearTimeout(pooled.idleTimer);
          live.delete(pooled);
        });
        pooled.started = { server, router, ready, spare };
        return pooled.started;
      }),
    };
    live.add(pooled);
    if (keep) kept.set(key, pooled);
    pooled.starting.catch(() => {
      forget(pooled);
      live.delete(pooled);
    });
    return pooled;
  };

  const retire = (pooled: PooledServer): void => {
    pooled.retired = true;
    forget(pooled);
    if (pooled.leases === 0) void stop(pooled);
  };

  /** A kept server for `key`, a new kept one if there is room (an idle one makes room), else none. */
  const keptServerFor = (key: string, spec: CodexServerSpec): PooledServer | undefined => {
    if (warm.maxProcesses === 0) return undefined;
    const existing = kept.get(key);
    // One whose output just ended (it died) is forgotten before its exit is reported.
    if (existing?.started?.server.client.isClosed) forget(existing);
    else if (existing !== undefined) return existing;
    if (kept.size >= warm.maxProcesses) {
      const idle = [...kept.values()].find((pooled) => pooled.leases === 0);
      if (idle === undefined) return undefined;
      void stop(idle);
    }
    return start(key, spec, true);
  };

  const lease = (pooled: PooledServer, started: StartedServer): CodexServerLease => {
    const channel = started.router.open();
    let released: Promise<boolean> | undefined;
    let newThread: CodexThreadStart | undefined;
    return {
      server: started.server,
      channel,
      ready: started.ready,
      startThread(method, params, options) {
        if (method !== 'thread/start') return channel.request(method, params, options);
        newThread = { params, options };
        return started.spare.take(params, channel) ?? channel.request(method, params, options);
      },
      release(releaseOptions = {}) {
        released ??= (async () => {
          const threadIds = channel.threadIds;
          channel.close();
          pooled.leases -= 1;
          if (releaseOptions.retire) {
            pooled.retired = true;
            forget(pooled);
          } else if (!pooled.retired) {
            unsubscribe(started.server, threadIds);
          }
          if (channel.serverEnded || started.server.client.isClosed) return true;
          if (!pooled.retired && newThread !== undefined) started.spare.prepare(newThread);
          if (pooled.leases > 0) return false;
          if (pooled.retired) {
            await stop(pooled);
            return true;
          }
          pooled.idleTimer = setTimeout(() => {
            if (pooled.leases === 0) void stop(pooled);
          }, warm.idleSeconds * 1000);
          pooled.idleTimer.unref();
          return false;
        })();
        return released;
      },
    };
  };

  return {
    async acquire(spec) {
      if (isDisposed) throw new AgentError('shutting_down', 'The codex provider is shutting down.');
      const key = fingerprint(spec);
      const pooled = keptServerFor(key, spec) ?? start(key, spec, false);
      // Counted before the start is awaited, so an idle stop or an eviction passes it by.
      pooled.leases += 1;
      clearTimeout(pooled.idleTimer);
      let started: StartedServer;
      try {
        started = await pooled.starting;
      } catch (error) {
        pooled.leases -= 1;
        throw error;
      }
      return lease(pooled, started);
    },

    warmProcesses: () =>
      [...kept.values()].filter((pooled) => !pooled.retired && pooled.started).length,

    async dispose() {
      isDisposed = true;
      await Promise.allSettled([...live].map((pooled) => stop(pooled)));
    },
  };
}

async function initialize(server: CodexAppServer): Promise<void> {
  await server.client.request('initialize', buildCodexInitializeParams(readPackageVersion()), {
    timeoutMs: initializeTimeoutMs,
  });
  server.client.notify('initialized');
}

/** Stops the server's notifications of threads no run uses any more (best effort). */
function unsubscribe(server: CodexAppServer, threadIds: readonly string[]): void {
  for (const threadId of threadIds) {
    server.client
      .request('thread/unsubscribe', { threadId }, { timeoutMs: unsubscribeTimeoutMs })
      .catch(() => undefined);
  }
}

// Runs share a server only when it was started the same way: binary, arguments, environment
// (which carries PWD, so the working directory too).
function fingerprint(spec: CodexServerSpec): string {
  const entries = Object.entries(spec.env).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return createHash('sha256')
    .update(JSON.stringify([spec.binary, spec.args, spec.cwd, entries]))
    .digest('hex');
}
