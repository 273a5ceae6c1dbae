/**
 * Spawns the BUILT server (`dist/cli.js --http --port 0`) as a child process in an agent
 * test environment, waits for its `listening on` line, and connects SDK clients over
 * Streamable HTTP with a bearer token.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { findProcessesWithMarker } from './process-probe.js';
import { builtCliPath, type AgentTestEnvironment } from './stdio-server-harness.js';

export const testHttpToken = 'e2e-http-token-0123456789abcdef';

export interface HttpServerHandle {
  child: ChildProcess;
  pid: number;
  /** `http://127.0.0.1:PORT/mcp` */
  url: string;
  port: number;
  stderr(): string;
  /** An SDK client connected with `token` (default: the test token). */
  connect(token?: string): Promise<{ client: Client; transport: StreamableHTTPClientTransport }>;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
}

/** Starts the server; resolves once it listens, or rejects with its stderr if it exits first. */
export async function startHttpServer(
  environment: AgentTestEnvironment,
  options: { args?: string[]; environment?: Record<string, string> } = {},
): Promise<HttpServerHandle> {
  const child = spawn(
    process.execPath,
    [
      builtCliPath,
      '--http',
      '--port',
      '0',
      '--allowed-root',
      environment.root,
      '--state-dir',
      environment.stateDir,
      ...(options.args ?? []),
    ],
    {
      cwd: environment.root,
      env: {
        ...environment.environment,
        SUBAGENT_MCP_HTTP_TOKEN: testHttpToken,
        ...options.environment,
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const match = /subagent-mcp: listening on (http:\/\/\S+\/mcp)\n/.exec(stderr);
      if (match) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}: ${stderr}`)));
  });
  const clients: Client[] = [];
  const handle: HttpServerHandle = {
    child,
    pid: child.pid!,
    url,
    port: Number(new URL(url).port),
    stderr: () => stderr,
    async connect(token = testHttpToken) {
      const transport = new StreamableHTTPClientTransport(new URL(url), {
        requestInit: { headers: { Authorization: `Bearer ${token}` } },
      });
      const client = new Client({ name: 'e2e-http-client', version: '1.0.0' });
      await client.connect(transport);
      clients.push(client);
      return { client, transport };
    },
    async stop() {
      await Promise.allSettled(clients.map((client) => client.close()));
      if (child.exitCode !== null) return child.exitCode;
      const exited = once(child, 'exit') as Promise<[number | null]>;
      child.kill('SIGTERM');
      const [code] = await exited;
      return code;
    },
  };
  return handle;
}

/** Runs the CLI to completion (for start-up failures): exit code and stderr. */
export async function runCliToExit(
  environment: AgentTestEnvironment,
  args: string[],
  extraEnvironment: Record<string, string> = {},
): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [builtCliPath, ...args], {
    cwd: environment.root,
    env: { ...environment.environment, ...extraEnvironment },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stderr };
}

/** Processes carrying the environment's marker other than this test and the given servers. */
export function leftoverProcesses(environment: AgentTestEnvironment, serverPids: number[]) {
  return findProcessesWithMarker(environment.marker, { exclude: [process.pid, ...serverPids] });
}

/** A raw HTTP request to the server (for headers the fetch API will not let us set). */
export async function rawRequest(options: {
  port: number;
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
}): Promise<{
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}> {
  const { request } = await import('node:http');
  return new Promise((resolve, reject) => {
    const outgoing = request(
      {
        host: '127.0.0.1',
        port: options.port,
        path: '/mcp',
        method: options.method ?? 'POST',
        headers: options.headers,
      },
      (response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => (body += chunk.toString()));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body }),
        );
      },
    );
    outgoing.on('error', reject);
    outgoing.end(options.body);
  });
}
