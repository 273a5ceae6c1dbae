/**
 * Start-up faults of `opencode serve` that the real binary cannot be made to produce on demand,
 * with fake executables: it exits at once, or never says it is listening.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AgentError } from '../../errors/index.js';
import { startOpencodeServer } from './opencode-server-process.js';

const folder = mkdtempSync(join(tmpdir(), 'opencode-server-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

function fakeOpencode(name: string, body: string): string {
  const path = join(folder, name);
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

const start = (binary: string, startupTimeoutMs = 5000) =>
  startOpencodeServer({
    binary,
    args: ['serve'],
    cwd: folder,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
    startupTimeoutMs,
  });

describe('startOpencodeServer', () => {
  it('resolves with the URL of the listening line, and stop() ends it', async () => {
    const binary = fakeOpencode(
      'listening',
      'echo "opencode server listening on http://127.0.0.1:4321"; exec sleep 30',
    );
    const server = await start(binary);
    expect(server.url).toBe('http://127.0.0.1:4321');
    await server.stop();
    expect(server.child.hasExited).toBe(true);
  });

  it('fails with spawn_failed and what it printed when it exits before listening', async () => {
    const binary = fakeOpencode('exits', 'echo "Error: Unexpected error ServeError" >&2; exit 1');
    const failure = await start(binary).catch((error: unknown) => error);
    expect(AgentError.is(failure, 'spawn_failed')).toBe(true);
    expect((failure as AgentError).message).toMatch(
      /exited \(exit code 1\) before it was listening/,
    );
    expect((failure as AgentError).message).toContain('ServeError');
  });

  it('fails with spawn_failed after the startup timeout, and leaves no process behind', async () => {
    const pidFile = join(folder, 'silent.pid');
    const binary = fakeOpencode('silent', `echo $$ > ${pidFile}; echo "booting"; exec sleep 30`);
    const failure = await start(binary, 300).catch((error: unknown) => error);
    const pid = Number(readFileSync(pidFile, 'utf8'));
    expect(() => process.kill(pid, 0)).toThrow();
    expect(AgentError.is(failure, 'spawn_failed')).toBe(true);
    expect((failure as AgentError).message).toContain(
      'did not report that it was listening within 0.3 s',
    );
    expect((failure as AgentError).message).toContain('booting');
  });

  it('fails with spawn_failed when the binary does not exist', async () => {
    const failure = await start(join(folder, 'no-opencode-here')).catch((error: unknown) => error);
    expect(AgentError.is(failure, 'spawn_failed')).toBe(true);
  });
});
