#!/usr/bin/env node
/**
 * The `subagent-mcp` command: flags → config → stdio server, or with `--http` a Streamable HTTP
 * server (docs/http.md). stdout belongs to the MCP stdio transport; everything human-readable
 * goes to stderr.
 */
import { loadConfig, configHelp, type ServerConfig } from './config/index.js';
import { AgentError } from './errors/index.js';
import { readPackageVersion } from './package-version.js';
import { enableOrphanGuard } from './process/index.js';
import {
  createDefaultProviderRegistry,
  describeUnknownDefaultProvider,
} from './providers/default-providers.js';
import { createRunService, createSessionStore } from './runs/index.js';
import { createAgentServer, type AgentServerDependencies } from './server/create-agent-server.js';
import { resolveHttpToken } from './server/http/http-token.js';
import { isLoopbackHost } from './server/http/security.js';
import { serveHttp } from './server/transports/http.js';
import { serveStdio } from './server/transports/stdio.js';

const log = (line: string) => process.stderr.write(`subagent-mcp: ${line}\n`);

async function main(): Promise<number> {
  if (process.argv[2] === 'doctor') {
    // Loaded only for this command; it answers on stdout, as it starts no transport.
    const { runDoctor } = await import('./doctor/index.js');
    return runDoctor({ argv: process.argv.slice(3), env: process.env, cwd: process.cwd(), log });
  }
  let loaded;
  try {
    loaded = loadConfig({ argv: process.argv.slice(2), env: process.env, cwd: process.cwd() });
  } catch (error) {
    log(error instanceof Error ? error.message : String(error));
    return 2;
  }
  // --help and --version start no transport, so they may answer on stdout like any CLI.
  if (loaded.showHelp) {
    process.stdout.write(configHelp);
    return 0;
  }
  if (loaded.showVersion) {
    process.stdout.write(`${readPackageVersion()}\n`);
    return 0;
  }
  const { config } = loaded;
  const registry = createDefaultProviderRegistry(config);
  const unknownDefaultProvider = describeUnknownDefaultProvider(config, registry);
  if (unknownDefaultProvider !== undefined) {
    log(unknownDefaultProvider);
    return 2;
  }
  if (loaded.http && !isLoopbackHost(config.http.host) && config.http.token === undefined) {
    log(
      `refusing to listen on ${config.http.host} without a configured token: set SUBAGENT_MCP_HTTP_TOKEN or http.token, or bind 127.0.0.1`,
    );
    return 2;
  }
  // The HTTP token is ours alone: sub-agents must not inherit it.
  const { SUBAGENT_MCP_HTTP_TOKEN: _token, ...childEnvironment } = process.env;
  delete process.env.SUBAGENT_MCP_HTTP_TOKEN;
  // No sub-agent may outlive us, however we die; costs nothing until the first spawn.
  enableOrphanGuard({ stateDirectory: config.stateDir });
  const sessions = createSessionStore(config.stateDir);
  const runs = createRunService({ config, registry, sessions, environment: childEnvironment });
  if (loaded.http) {
    try {
      return await runHttp(config, { registry, runs, sessions });
    } finally {
      await runs.shutdown();
      await registry.dispose();
    }
  }
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

async function runHttp(
  config: ServerConfig,
  shared: Omit<AgentServerDependencies, 'config'>,
): Promise<number> {
  const { token, generated, path } = resolveHttpToken({
    configured: config.http.token,
    stateDir: config.stateDir,
  });
  let serving;
  try {
    serving = await serveHttp({
      host: config.http.host,
      port: config.http.port,
      token,
      allowedOrigins: config.http.allowedOrigins,
      sessionIdleMs: config.http.sessionIdleSeconds * 1000,
      createServer: ({ clientStreams }) => createAgentServer({ config, ...shared, clientStreams }),
      log,
    });
  } catch (error) {
    log(`cannot listen on ${config.http.host}:${config.http.port}: ${(error as Error).message}`);
    return 2;
  }
  if (generated) {
    // Shown once, when created; later starts reuse the file silently.
    log(`generated HTTP bearer token (saved to ${path}): ${token}`);
  }
  log(`listening on ${serving.url}`);
  const reason = await new Promise<string>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGHUP', () => resolve('SIGHUP'));
  });
  if (shared.runs.activeRuns > 0) {
    log(`${reason}: ending ${shared.runs.activeRuns} running sub-agent(s)`);
  }
  await serving.close();
  return 0;
}

main().then(
  (exitCode) => process.exit(exitCode),
  (error: unknown) => {
    log(error instanceof AgentError ? error.message : String((error as Error)?.stack ?? error));
    process.exit(1);
  },
);
