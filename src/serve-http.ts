/**
 * `subagent-mcp --http`: Streamable HTTP on /mcp until a termination signal (docs/http.md).
 * Loaded only for --http, with the SDK's HTTP transport behind it.
 */
import { createAgentServer, type AgentServerDependencies } from './server/create-agent-server.js';
import { resolveHttpToken } from './server/http/http-token.js';
import { isLoopbackHost } from './server/http/security.js';
import { serveHttp } from './server/transports/http.js';

export async function serveHttpUntilSignal(
  dependencies: AgentServerDependencies,
  log: (line: string) => void,
): Promise<number> {
  const { config } = dependencies;
  if (!isLoopbackHost(config.http.host) && config.http.token === undefined) {
    log(
      `refusing to listen on ${config.http.host} without a configured token: set SUBAGENT_MCP_HTTP_TOKEN or http.token, or bind 127.0.0.1`,
    );
    return 2;
  }
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
      createServer: ({ clientStreams, owner, era }) =>
        createAgentServer({ ...dependencies, clientStreams, owner, era }),
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
  // Background runs end with the server: SIGTERM ends them like every other run.
  if (dependencies.runs.activeRuns > 0) {
    log(`${reason}: ending ${dependencies.runs.activeRuns} running sub-agent(s)`);
  }
  await serving.close();
  return 0;
}
