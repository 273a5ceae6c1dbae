/**
 * Processes for orphan-guard tests: started detached with the marker variables given, and
 * identified the way the ownership record does (pid and start time).
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { ProcessIdentity } from '../../src/process/orphan-guard/index.js';

/** A fresh owner marker, `SUBAGENT_MCP_OWNER_<hex>=1`, as a server would choose one. */
export function createOwnerMarker(): string {
  return `SUBAGENT_MCP_OWNER_${randomBytes(12).toString('hex').toUpperCase()}=1`;
}

/** Runs `script` with `/bin/sh` in a session of its own, its environment PATH plus `markers`. */
export function startMarkedProcess(script: string, markers: (string | undefined)[]): number {
  const env: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin' };
  for (const marker of markers) {
    if (marker === undefined) continue;
    const separator = marker.indexOf('=');
    env[marker.slice(0, separator)] = marker.slice(separator + 1);
  }
  const child = spawn('/bin/sh', ['-c', script], { detached: true, stdio: 'ignore', env });
  child.unref();
  return child.pid!;
}

export function identityOf(pid: number): ProcessIdentity {
  const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
  return { pid, startTime: stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]! };
}
