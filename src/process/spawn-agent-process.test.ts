import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AgentError } from '../errors/index.js';
import { readLines } from './read-lines.js';
import { outputDrainMs, spawnAgentProcess, type AgentProcess } from './spawn-agent-process.js';

const directory = mkdtempSync(join(tmpdir(), 'spawn-agent-process-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

function writeScript(name: string, body: string): string {
  const path = join(directory, name);
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

async function outputLines(child: AgentProcess): Promise<string[]> {
  const lines: string[] = [];
  for await (const line of readLines(child.stdout)) lines.push(line);
  return lines;
}

const basicEnv = { PATH: '/usr/local/bin:/usr/bin:/bin' };

describe('spawnAgentProcess', () => {
  it('gives the child exactly the environment it was given, plus PWD = cwd', async () => {
    const binary = writeScript(
      'print-env.sh',
      'echo "pwd=$PWD only=$ONLY_THIS home=${HOME:-unset}"',
    );
    const child = await spawnAgentProcess({
      binary,
      args: [],
      cwd: directory,
      env: { ...basicEnv, ONLY_THIS: 'yes' },
    });
    expect(await outputLines(child)).toEqual([`pwd=${directory} only=yes home=unset`]);
    expect(await child.exited).toEqual({ exitCode: 0, signal: null });
    expect(child.hasExited).toBe(true);
  });

  it('passes arguments as an array, never through a shell', async () => {
    const binary = writeScript(
      'print-args.sh',
      'for argument in "$@"; do echo "[$argument]"; done',
    );
    const child = await spawnAgentProcess({
      binary,
      args: ['two words', '$HOME', '; echo injected'],
      cwd: directory,
      env: basicEnv,
    });
    expect(await outputLines(child)).toEqual(['[two words]', '[$HOME]', '[; echo injected]']);
  });

  it('closes stdin unless a pipe is asked for', async () => {
    const binary = writeScript('read-stdin.sh', 'cat; echo done');
    const closed = await spawnAgentProcess({ binary, args: [], cwd: directory, env: basicEnv });
    expect(closed.stdin).toBeNull();
    expect(await outputLines(closed)).toEqual(['done']);

    const piped = await spawnAgentProcess({
      binary,
      args: [],
      cwd: directory,
      env: basicEnv,
      stdin: 'pipe',
    });
    piped.stdin?.end('from stdin\n');
    expect(await outputLines(piped)).toEqual(['from stdin', 'done']);
  });

  it('makes the child the leader of its own process group', async () => {
    const binary = writeScript('wait-a-bit.sh', 'sleep 1');
    const child = await spawnAgentProcess({ binary, args: [], cwd: directory, env: basicEnv });
    const stat = readFileSync(`/proc/${child.pid}/stat`, 'latin1');
    const processGroup = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
    expect(processGroup).toBe(child.pid);
    process.kill(-child.pid, 'SIGKILL');
    expect((await child.exited).signal).toBe('SIGKILL');
  });

  it('keeps only a bounded tail of stderr', async () => {
    const binary = writeScript(
      'noisy-stderr.sh',
      'i=0; while [ $i -lt 500 ]; do echo "noise line number $i" >&2; i=$((i+1)); done; echo "the real error" >&2; exit 3',
    );
    const child = await spawnAgentProcess({
      binary,
      args: [],
      cwd: directory,
      env: basicEnv,
      stderrTailBytes: 1024,
    });
    await outputLines(child);
    expect(await child.finished).toEqual({ exitCode: 3, signal: null });
    expect(child.stderrTail().length).toBeLessThanOrEqual(1024);
    expect(child.stderrTail().endsWith('the real error')).toBe(true);
  });

  it('is finished soon after the exit even when a grandchild still holds the output pipes', async () => {
    const binary = writeScript('leave-sleeper.sh', 'sleep 30 & echo started');
    const child = await spawnAgentProcess({ binary, args: [], cwd: directory, env: basicEnv });
    await child.exited;
    const exitedAt = Date.now();
    expect(await child.finished).toEqual({ exitCode: 0, signal: null });
    expect(Date.now() - exitedAt).toBeLessThan(outputDrainMs + 500);
    process.kill(-child.pid, 'SIGKILL');
  });

  it('fails with spawn_failed naming the binary when it does not exist', async () => {
    const binary = join(directory, 'no-such-agent');
    const failure = await spawnAgentProcess({
      binary,
      args: [],
      cwd: directory,
      env: basicEnv,
    }).catch((error: unknown) => error);
    expect(AgentError.is(failure, 'spawn_failed')).toBe(true);
    expect((failure as AgentError).message).toContain(binary);
    expect((failure as AgentError).details.code).toBe('ENOENT');
  });

  it('fails with spawn_failed when the binary is not executable', async () => {
    const binary = join(directory, 'not-executable');
    writeFileSync(binary, 'plain text');
    const failure = await spawnAgentProcess({
      binary,
      args: [],
      cwd: directory,
      env: basicEnv,
    }).catch((error: unknown) => error);
    expect(AgentError.is(failure, 'spawn_failed')).toBe(true);
    expect((failure as AgentError).message).toMatch(/not-executable: permission denied/);
  });

  it('fails with spawn_failed naming the directory when cwd does not exist', async () => {
    const cwd = join(directory, 'missing-directory');
    const failure = await spawnAgentProcess({
      binary: '/bin/sh',
      args: [],
      cwd,
      env: basicEnv,
    }).catch((error: unknown) => error);
    expect(AgentError.is(failure, 'spawn_failed')).toBe(true);
    expect((failure as AgentError).message).toContain(`working directory ${cwd} does not exist`);
  });
});
