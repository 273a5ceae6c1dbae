/**
 * What `subagent-mcp` runs once the command line asks for a server: the configuration, the
 * providers, the run service, and the stdio transport — or, only with `--http`, the HTTP one
 * (loaded then, so a stdio start never pays for it).
 */
import { loadConfig } from './config/load-config.js';
import { enableOrphanGuard } from './process/orphan-guard/orphan-guard-setting.js';
import {
  createDefaultProviderRegistry,
  describeUnknownDefaultProvider,
} from './providers/default-providers.js';
import { createRunService } from './runs/run-service.js';
import { createSessionStore } from './runs/session-store.js';
import { createAgentServer } from './server/create-agent-server.js';
import { createBackgroundRunService } from './server/tasks/background-run-service.js';
import { defaultBackgroundRetention } from './server/tasks/background-runs.js';
import { createTasksExtension } from './server/tasks/tasks-extension.js';
import { serveStdio } from './server/transports/stdio.js';

export interface ServeOptions {
  argv: readonly string[];
  log: (line: string) => void;
}

/** How often a client should poll `tasks/get` for a task's end. */
const taskPollIntervalMs = 500;

/** Serves until the client leaves or a signal arrives; resolves to the exit code. */
export async function serve({ argv, log }: ServeOptions): Promise<number> {
  let config;
  let http;
  try {
    ({ config, http } = loadConfig({ argv, env: process.env, cwd: process.cwd() }));
  } catch (error) {
    log((error as Error).message);
    return 2;
  }
  const registry = createDefaultProviderRegistry(config);
  const unknownDefaultProvider = describeUnknownDefaultProvider(config, registry);
  if (unknownDefaultProvider !== undefined) {
    log(unknownDefaultProvider);
    return 2;
  }
  // The HTTP token is ours alone: sub-agents must not inherit it.
  const { SUBAGENT_MCP_HTTP_TOKEN: _token, ...childEnvironment } = process.env;
  delete process.env.SUBAGENT_MCP_HTTP_TOKEN;
  // No sub-agent may outlive us, however we die; costs nothing until the first spawn.
  enableOrphanGuard({ stateDirectory: config.stateDir });
  const sessions = createSessionStore(config.stateDir);
  const runs = createRunService({ config, registry, sessions, environment: childEnvironment });
  // One for the process: a background run outlives the connection (HTTP session) that started it.
  const background = createBackgroundRunService(runs, config);
  // MCP tasks (2026-07-28 clients that ask for them) are background runs too.
  const tasks = createTasksExtension(background, {
    pollIntervalMs: taskPollIntervalMs,
    ttlMs: defaultBackgroundRetention.retainMs,
  });
  if (http) {
    try {
      const { serveHttpUntilSignal } = await import('./serve-http.js');
      return await serveHttpUntilSignal(
        { config, registry, runs, sessions, background, tasks },
        log,
      );
    } finally {
      await runs.shutdown();
      await registry.dispose();
    }
  }
  const serving = serveStdio(
    ({ era }) => createAgentServer({ config, registry, runs, sessions, background, tasks, era }),
    log,
  );
  try {
    let reason = await serving.closed;
    if (reason === 'stdin closed' && background.running > 0) {
      // The client left, its background runs stay: they end as they would have (a signal
      // still ends them at once); their results are in their run records (docs/background-runs.md).
      log(`stdin closed: waiting for ${background.running} background run(s) to end`);
      await serving.close().catch(() => undefined);
      reason = await Promise.race([
        background.idle().then(() => 'stdin closed'),
        serving.signalled,
      ]);
    }
    if (runs.activeRuns > 0) log(`${reason}: ending ${runs.activeRuns} running sub-agent(s)`);
    return 0;
  } finally {
    // Also on a fatal error: no sub-agent and no warm agent server may outlive us.
    await runs.shutdown();
    await registry.dispose();
    await serving.close().catch(() => undefined);
  }
}
