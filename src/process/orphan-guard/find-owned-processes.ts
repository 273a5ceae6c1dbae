import { readFileSync } from 'node:fs';
import { readAllStats, type ProcessStat } from '../process-descendants.js';
import type { ProcessIdentity } from './ownership-record.js';

/** A live process and whether its environment carries the marker looked for. */
export interface ProcessTableEntry extends ProcessStat {
  hasMarker: boolean;
}

/**
 * Every process `/proc` shows, each with whether `marker` (`NAME=value`) is in the environment
 * it was started with. Processes of other users cannot be read and count as unmarked.
 */
export function readProcessTable(marker: string): ProcessTableEntry[] {
  const entry = `\0${marker}\0`;
  return readAllStats().map((stat) => ({
    ...stat,
    hasMarker: hasEnvironmentEntry(stat.pid, entry),
  }));
}

function hasEnvironmentEntry(pid: number, entry: string): boolean {
  try {
    return `\0${readFileSync(`/proc/${pid}/environ`, 'latin1')}`.includes(entry);
  } catch {
    return false;
  }
}

/** Whether that very process (not a later one with its pid) still runs; a zombie has ended. */
export function isRunning(identity: ProcessIdentity, table: readonly ProcessStat[]): boolean {
  return table.some((stat) => isSame(identity, stat) && stat.state !== 'Z');
}

/**
 * The pids of the live processes a server provably started, directly or not:
 * - every process carrying its marker (children inherit the environment), and every recorded
 *   child whose pid *and* start time match (a reused pid has another start time);
 * - then, repeatedly, their descendants, and the members of process groups and sessions they
 *   lead (a tool in a group of its own with a scrubbed environment): a group or session id
 *   stays taken while any member lives, so it cannot belong to anyone else.
 *
 * Zombies, pid 1 and `exclude` (the caller itself) are never in the result.
 */
export function findOwnedProcesses(
  table: readonly ProcessTableEntry[],
  recorded: readonly ProcessIdentity[],
  exclude: readonly number[] = [],
): number[] {
  const candidates = table.filter(
    (entry) => entry.state !== 'Z' && entry.pid > 1 && !exclude.includes(entry.pid),
  );
  const owned = new Set(
    candidates
      .filter((entry) => entry.hasMarker || recorded.some((identity) => isSame(identity, entry)))
      .map((entry) => entry.pid),
  );
  for (let grew = true; grew;) {
    grew = false;
    for (const entry of candidates) {
      if (owned.has(entry.pid)) continue;
      if (owned.has(entry.parentPid) || owned.has(entry.processGroup) || owned.has(entry.session)) {
        owned.add(entry.pid);
        grew = true;
      }
    }
  }
  return [...owned];
}

function isSame(identity: ProcessIdentity, stat: ProcessStat): boolean {
  return stat.pid === identity.pid && stat.startTime === identity.startTime;
}
