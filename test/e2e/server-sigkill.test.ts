/**
 * The built server killed with SIGKILL (an out-of-memory kill, a crashed parent agent): every
 * process of the run it was serving ends within 5 s, for every provider, and the supervisor
 * that did it exits too. And a later server ends what an earlier one left behind when its
 * supervisor died with it — only what the record proves is that server's.
 */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  formatOwnershipEntry,
  ownershipRecordsDirectory,
  readBootId,
  type OwnershipEntry,
} from '../../src/process/orphan-guard/index.js';
import { createOwnerMarker, identityOf, startMarkedProcess } from '../support/marked-processes.js';
import { findProcessesWithCommand, isRunning } from '../support/process-probe.js';
import {
  callToolWithProgress,
  createAgentTestEnvironment,
  startStalledRun,
  type AgentTestEnvironment,
  type StdioServerHandle,
} from '../support/stdio-server-harness.js';
import type { DialectName } from '../support/scripted-model-server/types.js';

let environment: AgentTestEnvironment;
let recordsDirectory: string;

beforeAll(async () => {
  environment = await createAgentTestEnvironment();
  recordsDirectory = ownershipRecordsDirectory(environment.stateDir);
});
afterAll(async () => {
  await environment?.close();
});

// The supervisor runs with an empty environment (no marker); its command line names the record.
const supervisors = () => findProcessesWithCommand(recordsDirectory);

const providers: { provider: string; dialect: DialectName; args: Record<string, unknown> }[] = [
  { provider: 'claude-code', dialect: 'anthropic', args: { model: 'mock-model' } },
  { provider: 'codex', dialect: 'openai-responses', args: {} },
  { provider: 'opencode', dialect: 'openai-chat', args: {} },
];

describe('SIGKILL to the server', () => {
  it.each(providers)(
    'ends every $provider process of a stalled run within 5 s, then the supervisor exits',
    async ({ provider, dialect, args }) => {
      const server = await environment.startServer();
      await startStalledRun(
        environment,
        server,
        { provider, prompt: 'Take your time [[mock:stall]]', ...args },
        dialect,
      );
      await killAndExpectNothingLeft(server, `${provider} (model stalled)`);
    },
  );

  it.each(providers)(
    'ends the shells a $provider run started, in a session of their own too, within 5 s',
    async ({ provider, args }) => {
      const server = await environment.startServer();
      // One in a session of its own, as gemini's shells and some agents' tools are.
      const command = 'setsid tail -f /dev/null & tail -f /dev/null';
      void callToolWithProgress(server, 'run_agent', {
        provider,
        prompt: `Wait here [[mock:tool=${command}]]`,
        // Claude Code asks before running tail in its default mode.
        permissions: 'full-access',
        ...args,
      }).catch(() => undefined);
      const tails = () =>
        environment.leftoverProcesses().filter((found) => found.command === 'tail -f /dev/null');
      await expect.poll(() => tails().length, { timeout: 60_000, interval: 100 }).toBe(2);
      await killAndExpectNothingLeft(server, `${provider} (tool shell running)`);
    },
  );
});

async function killAndExpectNothingLeft(server: StdioServerHandle, label: string): Promise<void> {
  const running = environment.leftoverProcesses();
  expect(running.length).toBeGreaterThan(0);
  expect(supervisors()).toHaveLength(1);

  const killedAt = performance.now();
  process.kill(server.pid, 'SIGKILL');
  await expect
    .poll(() => environment.leftoverProcesses(), { timeout: 5000, interval: 20 })
    .toEqual([]);
  const elapsedMs = Math.round(performance.now() - killedAt);
  process.stderr.write(
    `${label}: SIGKILL → last of ${running.length} process(es) gone in ${elapsedMs} ms\n`,
  );
  expect(elapsedMs).toBeLessThan(5000);

  await expect.poll(supervisors, { timeout: 5000 }).toEqual([]);
  expect(readdirSync(recordsDirectory)).toEqual([]);
  await server.close();
}

describe('at the first spawn of a later server', () => {
  it('ends what a killed server recorded and left running, and leaves a reused pid alone', async () => {
    const marker = createOwnerMarker();
    const markerName = marker.slice(0, marker.indexOf('='));
    // Our test marker (not the owner marker) keeps the search for them to processes of ours.
    const start = (script: string, owner?: string) =>
      startMarkedProcess(script, [environment.marker, owner]);
    const ours = (command: string) =>
      environment.leftoverProcesses().filter((found) => found.command.startsWith(command));
    try {
      // A run's agent with a tool of its own that dropped the marker from its environment.
      const agent = start(`env -u ${markerName} sleep 301 & exec sleep 300`, marker);
      // A recorded child whose environment lost the marker: its pid and start time prove it.
      const recordedChild = start('exec sleep 302');
      // An unrelated process that now has a recorded pid, with another start time.
      const stranger = start('exec sleep 303');
      await expect.poll(() => ours('sleep 30').length).toBe(4);
      const tool = ours('sleep 301')[0]!.pid;

      mkdirSync(recordsDirectory, { recursive: true, mode: 0o700 });
      const recordPath = join(recordsDirectory, 'killed-server.jsonl');
      const strangerStart = Number(identityOf(stranger).startTime);
      const entries: OwnershipEntry[] = [
        // A server (and supervisor) long gone: our pid now, but not our start time.
        {
          type: 'server',
          version: 1,
          bootId: readBootId(),
          marker,
          process: { pid: process.pid, startTime: '1' },
        },
        { type: 'supervisor', process: { pid: process.pid, startTime: '2' } },
        { type: 'child', process: identityOf(agent) },
        { type: 'child', process: identityOf(recordedChild) },
        { type: 'child', process: { pid: stranger, startTime: String(strangerStart - 1) } },
      ];
      writeFileSync(recordPath, entries.map(formatOwnershipEntry).join(''));

      const server = await environment.startServer();
      const { structured } = await callToolWithProgress(server, 'run_agent', {
        prompt: 'Say hello',
        model: 'mock-model',
      });
      expect(structured.status).toBe('completed');
      await expect
        .poll(() => [agent, tool, recordedChild].filter(isRunning), { timeout: 10_000 })
        .toEqual([]);
      expect(isRunning(stranger)).toBe(true);
      await expect.poll(() => existsSync(recordPath)).toBe(false);
      await server.close();
    } finally {
      for (const { pid } of ours('sleep 30')) process.kill(pid, 'SIGKILL');
    }
  });
});
