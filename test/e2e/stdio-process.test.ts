/**
 * The built CLI as a raw process: stdout carries nothing but JSON-RPC (child output never
 * leaks), SIGTERM ends running children before exit, and bad configuration exits non-zero.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  builtCliPath,
  createAgentTestEnvironment,
  type AgentTestEnvironment,
} from '../support/stdio-server-harness.js';

let environment: AgentTestEnvironment;
beforeAll(async () => {
  environment = await createAgentTestEnvironment();
});
afterAll(async () => {
  await environment?.close();
});

interface RawServer {
  child: ChildProcessWithoutNullStreams;
  lines: string[];
  send(message: object): void;
  waitForLine(
    predicate: (message: Record<string, unknown>) => boolean,
  ): Promise<Record<string, unknown>>;
}

function startRawServer(args: string[] = []): RawServer {
  const child = spawn(
    process.execPath,
    [
      builtCliPath,
      '--allowed-root',
      environment.root,
      '--state-dir',
      environment.stateDir,
      ...args,
    ],
    {
      cwd: environment.root,
      env: environment.environment,
    },
  );
  child.stderr.resume();
  const lines: string[] = [];
  const waiters: Array<() => void> = [];
  createInterface({ input: child.stdout }).on('line', (line) => {
    lines.push(line);
    waiters.forEach((wake) => wake());
  });
  return {
    child,
    lines,
    send: (message) => child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', ...message })}\n`),
    waitForLine: (predicate) =>
      new Promise((resolve) => {
        const check = () => {
          const found = lines
            .map((line) => JSON.parse(line) as Record<string, unknown>)
            .find(predicate);
          if (found) resolve(found);
        };
        waiters.push(check);
        check();
      }),
  };
}

const initialize = async (server: RawServer) => {
  server.send({
    id: 1,
    method: 'initialize',
    params: {
      protocolVersion: '2025-11-25',
      capabilities: {},
      clientInfo: { name: 'raw', version: '1' },
    },
  });
  await server.waitForLine((message) => message.id === 1);
  server.send({ method: 'notifications/initialized' });
};

describe('the stdio process', () => {
  it('writes only JSON-RPC to stdout while a sub-agent runs a shell command, and exits on stdin EOF', async () => {
    const server = startRawServer();
    await initialize(server);
    server.send({
      id: 2,
      method: 'tools/call',
      params: {
        name: 'run_agent',
        arguments: {
          prompt: 'Print something [[mock:tool=echo LEAK-CHECK-OUTPUT]]',
          model: 'mock-model',
        },
        _meta: { progressToken: 'token-1' },
      },
    });
    const response = await server.waitForLine((message) => message.id === 2);
    expect(
      (response.result as { structuredContent: { status: string } }).structuredContent.status,
    ).toBe('completed');
    for (const line of server.lines) {
      expect(() => JSON.parse(line) as unknown).not.toThrow();
      expect(JSON.parse(line)).toMatchObject({ jsonrpc: '2.0' });
    }
    expect(server.lines.some((line) => line.includes('notifications/progress'))).toBe(true);
    server.child.stdin.end();
    const [exitCode] = (await once(server.child, 'exit')) as [number | null];
    expect(exitCode).toBe(0);
  });

  it('ends a running sub-agent and its process tree on SIGTERM', async () => {
    const server = startRawServer();
    await initialize(server);
    const stalled = environment.model.waitForRequest(
      (request) => request.directive === 'stall' && !request.clientDisconnected,
      60_000,
    );
    server.send({
      id: 2,
      method: 'tools/call',
      params: {
        name: 'run_agent',
        arguments: { prompt: 'Wait [[mock:stall]]', model: 'mock-model' },
      },
    });
    await stalled;
    expect(environment.leftoverProcesses().length).toBeGreaterThan(1);
    server.child.kill('SIGTERM');
    await once(server.child, 'exit');
    expect(environment.leftoverProcesses()).toEqual([]);
  });

  it('refuses an invalid configuration with one message naming the key and a non-zero exit', async () => {
    const server = startRawServer(['--max-depth', 'lots']);
    let stderr = '';
    server.child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const [exitCode] = (await once(server.child, 'exit')) as [number | null];
    expect(exitCode).toBe(2);
    expect(stderr).toMatch(/maxDepth: .*\(from flag --max-depth\)/);
    expect(server.lines).toEqual([]);
  });
});
