import { randomUUID } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findProcessesWithMarker } from '../../test/support/process-probe.js';
import { readLines } from './read-lines.js';
import { spawnAgentProcess, type AgentProcess } from './spawn-agent-process.js';
import { terminateProcessTree } from './terminate-process-tree.js';

const directory = mkdtempSync(join(tmpdir(), 'terminate-process-tree-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

function writeScript(name: string, body: string): string {
  const path = join(directory, name);
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

// Each test marks its tree with a unique variable, so leftovers can be found by environment.
async function startTree(body: string): Promise<{ child: AgentProcess; marker: string }> {
  const marker = `TREE_MARKER=${randomUUID()}`;
  const [name = '', value = ''] = marker.split('=');
  const child = await spawnAgentProcess({
    binary: writeScript(`${value}.sh`, body),
    args: [],
    cwd: directory,
    env: { PATH: '/usr/local/bin:/usr/bin:/bin', [name]: value },
  });
  // Wait until the script says it is ready (its grandchild is running).
  for await (const line of readLines(child.stdout)) if (line === 'ready') break;
  return { child, marker };
}

describe('terminateProcessTree', () => {
  it('stops a leader that honours the graceful signal without escalating', async () => {
    const { child, marker } = await startTree(
      'trap "exit 42" INT; echo ready; while :; do sleep 0.05; done',
    );
    const started = Date.now();
    await terminateProcessTree(child, { graceMs: 5000 });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(await child.exited).toEqual({ exitCode: 42, signal: null });
    await expect.poll(() => findProcessesWithMarker(marker)).toEqual([]);
  });

  it('escalates to SIGTERM for the whole group when SIGINT is ignored', async () => {
    const { child, marker } = await startTree('trap "" INT; sleep 300 & echo ready; wait');
    await expect.poll(() => findProcessesWithMarker(marker)).toHaveLength(2);
    await terminateProcessTree(child, { graceMs: 200, killAfterMs: 2000 });
    expect((await child.exited).signal).toBe('SIGTERM');
    await expect.poll(() => findProcessesWithMarker(marker)).toEqual([]);
  });

  it('escalates to SIGKILL when SIGINT and SIGTERM are both ignored, and the grandchild is gone', async () => {
    const { child, marker } = await startTree('trap "" INT TERM; sleep 300 & echo ready; wait');
    await expect.poll(() => findProcessesWithMarker(marker)).toHaveLength(2);
    await terminateProcessTree(child, { graceMs: 200, killAfterMs: 200 });
    expect((await child.exited).signal).toBe('SIGKILL');
    await expect.poll(() => findProcessesWithMarker(marker)).toEqual([]);
  });

  it('reaches a grandchild in a session of its own, as agents start their tools', async () => {
    const { child, marker } = await startTree(
      'trap "" INT TERM; setsid sleep 300 >/dev/null 2>&1 & echo ready; wait',
    );
    await expect.poll(() => findProcessesWithMarker(marker)).toHaveLength(2);
    await terminateProcessTree(child, { graceMs: 100, killAfterMs: 100 });
    await expect.poll(() => findProcessesWithMarker(marker)).toEqual([]);
  });

  it('after a graceful exit, kills a descendant the leader left running in its own session', async () => {
    const { child, marker } = await startTree(
      'trap "exit 0" INT; setsid sleep 300 >/dev/null 2>&1 & echo ready; while :; do sleep 0.05; done',
    );
    await expect.poll(() => findProcessesWithMarker(marker).length).toBeGreaterThanOrEqual(2);
    await terminateProcessTree(child, { graceMs: 2000 });
    expect(await child.exited).toEqual({ exitCode: 0, signal: null });
    await expect.poll(() => findProcessesWithMarker(marker)).toEqual([]);
  });

  it('reaps grandchildren left behind by a leader that already exited on its own', async () => {
    const { child, marker } = await startTree('sleep 300 >/dev/null 2>&1 & echo ready; exit 0');
    await child.exited;
    await expect.poll(() => findProcessesWithMarker(marker)).toHaveLength(1);
    await terminateProcessTree(child);
    await expect.poll(() => findProcessesWithMarker(marker)).toEqual([]);
  });
});
