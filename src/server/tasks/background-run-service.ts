/**
 * The process's background runs (shared by every connection, so an HTTP run outlives its MCP
 * session): run-background-runs.ts, loaded with the first background call so a server start
 * does not pay for it. Until then no run exists and the answers say so.
 */
import type { ServerConfig } from '../../config/index.js';
import type { RunService } from '../../runs/index.js';
import type { BackgroundRuns } from './background-runs.js';
import type { BackgroundRetention } from './background-runs.js';

export function createBackgroundRunService(
  runs: RunService,
  config: ServerConfig,
  retention?: BackgroundRetention,
): BackgroundRuns {
  let loaded: BackgroundRuns | undefined;
  let loading: Promise<BackgroundRuns> | undefined;
  const load = () =>
    (loading ??= import('./run-background-runs.js').then(({ createRunBackgroundRuns }) => {
      loaded = createRunBackgroundRuns(runs, config, retention);
      return loaded;
    }));
  return {
    start: async (call, options) => (await load()).start(call, options),
    status: (id) => loaded?.status(id),
    result: (id) => loaded?.result(id),
    cancel: (id) => loaded?.cancel(id) ?? Promise.resolve(false),
    findBySession: (sessionId, owner) => loaded?.findBySession(sessionId, owner),
    view: (id) => loaded?.view(id),
    settled: (id, timeoutMs, signal) =>
      loaded?.settled(id, timeoutMs, signal) ?? Promise.resolve(false),
    watch: (id, listener) => loaded?.watch(id, listener) ?? (() => {}),
    get running() {
      return loaded?.running ?? 0;
    },
    idle: () => loaded?.idle() ?? Promise.resolve(),
  };
}
