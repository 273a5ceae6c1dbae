import { readFileSync, readdirSync } from 'node:fs';

/** A process seen below a leader; `startTime` tells it apart from a later one with its pid. */
export interface DescendantProcess {
  pid: number;
  processGroup: number;
  startTime: string;
}

/** One process as `/proc/<pid>/stat` shows it. */
export interface ProcessStat {
  pid: number;
  parentPid: number;
  processGroup: number;
  session: number;
  /** `R`, `S`, `D`, `Z` (exited, not yet reaped), … */
  state: string;
  /** Clock ticks after boot: with the pid, it names one process for the whole boot. */
  startTime: string;
}

/**
 * Every live descendant of `pid`. Agents start tools in sessions of their own (Claude Code's
 * Bash tool does), out of reach of a signal to the agent's process group; while the agent
 * lives they can still be found through their parent. Linux only (reads /proc); elsewhere it
 * finds nothing and the process-group signals are all there is.
 */
export function listDescendants(pid: number): DescendantProcess[] {
  const stats = readAllStats();
  const childrenOf = new Map<number, ProcessStat[]>();
  for (const stat of stats) {
    childrenOf.set(stat.parentPid, [...(childrenOf.get(stat.parentPid) ?? []), stat]);
  }
  const found: DescendantProcess[] = [];
  const pending = [pid];
  for (let parent = pending.pop(); parent !== undefined; parent = pending.pop()) {
    for (const child of childrenOf.get(parent) ?? []) {
      found.push({ pid: child.pid, processGroup: child.processGroup, startTime: child.startTime });
      pending.push(child.pid);
    }
  }
  return found;
}

/**
 * Every live process (but this one) whose environment holds `entry` (`NAME=value`). A run gives
 * its agent a unique marker variable, which the agent's tools inherit; a tool that left the
 * agent's tree (its own session, reparented to init once the agent exited) is still found by it,
 * unless the agent cleared its tools' environment. Linux only, like listDescendants.
 */
export function listMarkedProcesses(entry: string): DescendantProcess[] {
  return readAllStats().flatMap((stat) => {
    if (stat.pid === process.pid) return [];
    try {
      const environment = readFileSync(`/proc/${stat.pid}/environ`, 'latin1').split('\0');
      if (!environment.includes(entry)) return [];
    } catch {
      return [];
    }
    return [{ pid: stat.pid, processGroup: stat.processGroup, startTime: stat.startTime }];
  });
}

/**
 * Signals the process groups of those recorded descendants that are still the same processes
 * (never our own group). Errors are ignored: whatever is gone is fine.
 */
export function signalDescendantGroups(
  descendants: readonly DescendantProcess[],
  signal: NodeJS.Signals,
): void {
  const ownGroup = readStat('self')?.processGroup;
  const groups = new Set<number>();
  for (const descendant of descendants) {
    if (readStat(String(descendant.pid))?.startTime !== descendant.startTime) continue;
    if (descendant.processGroup > 1 && descendant.processGroup !== ownGroup) {
      groups.add(descendant.processGroup);
    }
    signalQuietly(descendant.pid, signal);
  }
  for (const group of groups) signalQuietly(-group, signal);
}

function signalQuietly(target: number, signal: NodeJS.Signals): void {
  try {
    process.kill(target, signal);
  } catch {
    // ESRCH: already gone. EPERM: not ours; leave it alone.
  }
}

/** Every process `/proc` shows; empty where there is no `/proc`. */
export function readAllStats(): ProcessStat[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  return entries.flatMap((entry) => {
    if (!/^\d+$/.test(entry)) return [];
    const stat = readStat(entry);
    return stat ? [stat] : [];
  });
}

/** One process by pid (or `'self'`), or `undefined` when it is gone or unreadable. */
export function readStat(pid: string): ProcessStat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'latin1');
    // The command name sits in parentheses and may itself contain spaces or parentheses.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    const [state, parentPid, processGroup, session] = fields;
    const startTime = fields[19];
    if (
      state === undefined ||
      parentPid === undefined ||
      processGroup === undefined ||
      session === undefined ||
      startTime === undefined
    ) {
      return undefined;
    }
    return {
      pid: Number(text.slice(0, text.indexOf(' '))),
      parentPid: Number(parentPid),
      processGroup: Number(processGroup),
      session: Number(session),
      state,
      startTime,
    };
  } catch {
    return undefined;
  }
}
