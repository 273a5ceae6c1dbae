#!/usr/bin/env node
/**
 * The `subagent-mcp` command: flags → config → stdio server. stdout belongs to the MCP
 * transport; everything human-readable goes to stderr.
 */
import { loadConfig, configHelp } from './config/index.js';
import { AgentError } from './errors/index.js';
import { readPackageVersion } from './package-version.js';
import { createDefaultProviderRegistry } from './providers/default-providers.js';
import { createRunService, createSessionStore } from './runs/index.js';
import { createAgentServer } from './server/create-agent-server.js';
import { serveStdio } from './server/transports/stdio.js';

const log = (line: string) => process.stderr.write(`subagent-mcp: ${line}\n`);

async function main(): Promise<number> {
  let loaded;
  try {
    loaded = loadConfig({ argv: process.argv.slice(2), env: process.env, cwd: process.cwd() });
  } catch (error) {
    log(error instanceof Error ? error.message : String(error));
    return 2;
  }
  if (loaded.showHelp) {
    process.stderr.write(configHelp);
    return 0;
  }
  if (loaded.showVersion) {
    process.stderr.write(`${readPackageVersion()}\n`);
    return 0;
  }
  const { config } = loaded;
  const registry = createDefaultProviderRegistry(config);
  if (!registry.has(config.defaultProvider)) {
    log(
      `defaultProvider: unknown provider "${config.defaultProvider}" (known: ${registry.ids().join(', ')})`,
    );
    return 2;
  }
  const sessions = createSessionStore(config.stateDir);
  const runs = createRunService({ config, registry, sessions, environment: process.env });
  const server = createAgentServer({ config, registry, runs, sessions });
  try {
    const serving = await serveStdio(server);
    const reason = await serving.closed;
    if (runs.activeRuns > 0) log(`${reason}: ending ${runs.activeRuns} running sub-agent(s)`);
    return 0;
  } finally {
    // Also on a fatal error: no sub-agent and no warm agent server may outlive us.
    await runs.shutdown();
    await registry.dispose();
    await server.close().catch(() => undefined);
  }
}

main().then(
  (exitCode) => process.exit(exitCode),
  (error: unknown) => {
    log(error instanceof AgentError ? error.message : String((error as Error)?.stack ?? error));
    process.exit(1);
  },
);
