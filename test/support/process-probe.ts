/**
 * Finds live processes by a marker variable in their environment (children inherit it), so a
 * test can prove a whole process tree is gone without knowing its pids.
 */
import { readdirSync, readFileSync } from 'node:fs';

export interface MarkedProcess {
  pid: number;
  command: string;
}

export function findProcessesWithMarker(
  marker: string,
  options: { exclude?: number[] } = {},
): MarkedProcess[] {
  const found: MarkedProcess[] = [];
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || options.exclude?.includes(pid)) continue;
    try {
      const environment = readFileSync(`/proc/${pid}/environ`, 'latin1');
      if (!environment.split('\0').includes(marker)) continue;
      if (!isRunning(pid)) continue;
      const command = readFileSync(`/proc/${pid}/cmdline`, 'latin1').split('\0').join(' ').trim();
      found.push({ pid, command });
    } catch {
      // The process ended while we looked, or is not ours to read.
    }
  }
  return found;
}

/** Live processes whose command line contains `fragment` (such as a path only they were given). */
export function findProcessesWithCommand(fragment: string): MarkedProcess[] {
  const found: MarkedProcess[] = [];
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    try {
      const command = readFileSync(`/proc/${pid}/cmdline`, 'latin1').split('\0').join(' ').trim();
      if (command.includes(fragment) && isRunning(pid)) found.push({ pid, command });
    } catch {
      // Gone while we looked.
    }
  }
  return found;
}

/** Whether `pid` runs (a zombie has exited; its parent just has not reaped it yet). */
export function isRunning(pid: number): boolean {
  try {
    return !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'latin1'));
  } catch {
    return false;
  }
}

/** The parent pid of a live process; undefined once it is gone. */
export function parentOf(pid: number): number | undefined {
  try {
    return Number(statFields(pid)[1]);
  } catch {
    return undefined;
  }
}

/** Live processes of a session (a terminal's: its leader and what runs under it). */
export function findProcessesInSession(sessionId: number): MarkedProcess[] {
  const found: MarkedProcess[] = [];
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    try {
      if (Number(statFields(pid)[3]) !== sessionId || !isRunning(pid)) continue;
      const command = readFileSync(`/proc/${pid}/cmdline`, 'latin1').split('\0').join(' ').trim();
      found.push({ pid, command });
    } catch {
      // Gone while we looked.
    }
  }
  return found;
}

/** The child of `parent` that leads a session of its own (what `script` or `setsid` started). */
export function findSessionLeaderChild(parent: number): number | undefined {
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    try {
      const fields = statFields(pid);
      if (Number(fields[1]) === parent && Number(fields[3]) === pid) return pid;
    } catch {
      // Gone while we looked.
    }
  }
  return undefined;
}

/** The fields of /proc/<pid>/stat after the command name: state, ppid, pgrp, session, … */
function statFields(pid: number): string[] {
  const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}
