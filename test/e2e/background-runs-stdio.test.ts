/**
 * Background runs through the BUILT stdio server with the real CLIs behind the scripted model:
 * three runs on three providers started at once each return their own result through
 * wait_agent, cancel_agent ends one with no process left, and after stdin EOF the server stays
 * until its background run has ended, then exits (the result is in the run record), and a
 * killed server leaves none of a background run's processes behind (the orphan guard).
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import {
  cancelBackgroundRun,
  fanOutRuns,
  startBackgroundRun,
  startStalledBackgroundRun,
  waitForBackgroundResult,
} from '../support/background-runs.js';
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

const expectNoLeftovers = async () => {
  await expect
    .poll(() => environment.leftoverProcesses(), { timeout: 15_000, interval: 200 })
    .toEqual([]);
};

/** The built server on pipes of our own, with an SDK client we can leave by ending stdin. */
async function startServerOnPipes() {
  const child = spawn(
    process.execPath,
    [builtCliPath, '--allowed-root', environment.root, '--state-dir', environment.stateDir],
    { cwd: environment.root, env: environment.environment, stdio: ['pipe', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = once(child, 'exit') as Promise<[number | null, string | null]>;
  // The SDK's stdio framing over the child's pipes.
  const client = new Client({ name: 'e2e-eof-client', version: '1.0.0' });
  await client.connect(new StdioServerTransport(child.stdout, child.stdin));
  return { child, client, exited, stderr: () => stderr };
}

describe('background runs over stdio', () => {
  it('starts runs on claude-code, codex and opencode at once; wait_agent returns each its own result', async () => {
    const server = await environment.startServer();
    const started = await Promise.all(
      fanOutRuns.map((args) => startBackgroundRun(server.client, args)),
    );
    for (const [index, { result, structured }] of started.entries()) {
      expect(result.isError).toBeFalsy();
      expect(structured).toMatchObject({
        status: 'running',
        provider: fanOutRuns[index]!.provider,
      });
      expect(structured.session_id).toMatch(/^sa_/);
    }
    expect(new Set(started.map(({ structured }) => structured.session_id)).size).toBe(3);
    // Collected in the reverse order of the starts: each wait finds its own run.
    for (const index of [2, 1, 0]) {
      const { result, structured } = await waitForBackgroundResult(
        server.client,
        started[index]!.structured.session_id!,
      );
      expect(result.isError).toBeFalsy();
      expect(structured).toMatchObject({
        status: 'completed',
        provider: fanOutRuns[index]!.provider,
        text: `Echo: ${fanOutRuns[index]!.prompt}`,
        session_id: started[index]!.structured.session_id,
      });
    }
    await server.close();
    await expectNoLeftovers();
  });

  it('cancel_agent ends one background run with no process left while another completes', async () => {
    const server = await environment.startServer();
    const kept = await startBackgroundRun(server.client, {
      provider: 'codex',
      prompt: 'Keep me going',
    });
    const doomed = await startStalledBackgroundRun(environment, server.client, 'Please cancel me', {
      provider: 'claude-code',
      model: 'mock-model',
    });
    expect(environment.leftoverProcesses().length).toBeGreaterThan(0);
    const cancelled = await cancelBackgroundRun(server.client, doomed.structured.session_id!);
    expect(cancelled.result.isError).toBe(true);
    expect(cancelled.structured).toMatchObject({
      status: 'cancelled',
      provider: 'claude-code',
      session_id: doomed.structured.session_id,
    });
    const finished = await waitForBackgroundResult(server.client, kept.structured.session_id!);
    expect(finished.structured).toMatchObject({ status: 'completed', text: 'Echo: Keep me going' });
    // Nothing of the cancelled claude run is left; the completed codex run's warm app-server
    // may wait for the next run (README, warm processes) until the server closes.
    await expect
      .poll(
        () =>
          environment
            .leftoverProcesses()
            .filter((found) => !found.command.includes('codex app-server')),
        { timeout: 15_000, interval: 200 },
      )
      .toEqual([]);
    const again = await cancelBackgroundRun(server.client, doomed.structured.session_id!);
    expect(again.structured.error?.code).toBe('no_background_run');
    await server.close();
    await expectNoLeftovers();
  });

  it('stays after stdin EOF until the background run has ended, then exits 0', async () => {
    const { child, client, exited, stderr } = await startServerOnPipes();
    const prompt = 'Outlive the client [[mock:slow=400]]';
    const requested = environment.model.waitForRequest(
      (request) => JSON.stringify(request.body).includes('Outlive the client'),
      60_000,
    );
    const started = await startBackgroundRun(client, {
      provider: 'claude-code',
      model: 'mock-model',
      prompt,
    });
    const sessionId = started.structured.session_id!;
    await requested;
    child.stdin.end();
    const [code] = await exited;
    expect(code).toBe(0);
    expect(stderr()).toContain('stdin closed: waiting for 1 background run(s) to end');
    const record = await readFile(join(environment.stateDir, 'runs', sessionId, '1.jsonl'), 'utf8');
    const lastEvent = JSON.parse(record.trim().split('\n').at(-1)!) as Record<string, unknown>;
    expect(lastEvent).toMatchObject({
      type: 'run-end',
      status: 'completed',
      text: `Echo: ${prompt}`,
    });
    await expectNoLeftovers();
  });

  it('ends a background run it waits for after stdin EOF on SIGTERM, and exits 0', async () => {
    const { child, client, exited, stderr } = await startServerOnPipes();
    await startStalledBackgroundRun(environment, client, 'Hold on until SIGTERM', {
      provider: 'claude-code',
      model: 'mock-model',
    });
    child.stdin.end();
    await expect
      .poll(stderr, { timeout: 15_000, interval: 100 })
      .toContain('stdin closed: waiting');
    expect(child.exitCode).toBeNull();
    child.kill('SIGTERM');
    const [code] = await exited;
    expect(code).toBe(0);
    expect(stderr()).toContain('SIGTERM: ending 1 running sub-agent(s)');
    await expectNoLeftovers();
  });

  it('leaves no process of a background run behind when the server is killed (SIGKILL)', async () => {
    const { child, client, exited } = await startServerOnPipes();
    await startStalledBackgroundRun(environment, client, 'Hold on until SIGKILL', {
      provider: 'codex',
    });
    expect(environment.leftoverProcesses().length).toBeGreaterThan(0);
    child.kill('SIGKILL');
    await exited;
    await expectNoLeftovers();
  });
});
