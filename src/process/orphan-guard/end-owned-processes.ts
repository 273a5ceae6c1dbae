import { setTimeout as delay } from 'node:timers/promises';
import { findOwnedProcesses, readProcessTable } from './find-owned-processes.js';
import type { OwnershipRecord } from './ownership-record.js';

export interface EndOwnedProcessesOptions {
  /** How long they may take to exit after SIGTERM before SIGKILL (default 1000 ms). */
  graceMs?: number;
  /** When to stop trying (default 4000 ms): a process stuck in the kernel outlives SIGKILL. */
  giveUpMs?: number;
  /** How often the process table is read again (default 100 ms). */
  pollMs?: number;
}

/**
 * Ends every process the record's server provably started (see `findOwnedProcesses`): SIGTERM
 * first, so an agent can save its session, then SIGKILL to whatever still runs after the grace.
 * The table is read again on every round, so a process forked meanwhile is found too. Resolves
 * with how many still run at the end (0 unless giving up). The caller itself is never signalled.
 */
export async function endOwnedProcesses(
  record: Pick<OwnershipRecord, 'marker' | 'children'>,
  options: EndOwnedProcessesOptions = {},
): Promise<number> {
  const graceMs = options.graceMs ?? 1000;
  const giveUpMs = options.giveUpMs ?? 4000;
  const pollMs = options.pollMs ?? 100;
  const started = Date.now();
  const terminated = new Set<number>();
  for (;;) {
    const table = readProcessTable(record.marker);
    const owned = findOwnedProcesses(table, record.children, [process.pid]);
    const elapsed = Date.now() - started;
    if (owned.length === 0 || elapsed >= giveUpMs) return owned.length;
    for (const pid of owned) {
      if (elapsed >= graceMs) {
        signal(pid, 'SIGKILL');
      } else if (!terminated.has(pid)) {
        terminated.add(pid);
        signal(pid, 'SIGTERM');
      }
    }
    await delay(pollMs);
  }
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // ESRCH: it ended meanwhile. EPERM: not ours after all; leave it alone.
  }
}
