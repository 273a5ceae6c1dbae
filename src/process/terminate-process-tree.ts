import { setTimeout as delay } from 'node:timers/promises';
import {
  listDescendants,
  signalDescendantGroups,
  type DescendantProcess,
} from './process-descendants.js';

/** The part of a spawned process that termination needs (an `AgentProcess` fits). */
export interface TerminableProcess {
  /** Pid of the leader of its own process group (spawned `detached`). */
  readonly pid: number;
  readonly exited: Promise<unknown>;
  readonly hasExited: boolean;
}

export interface TerminateProcessTreeOptions {
  /** Sent to the leader only, first; `null` skips the graceful step. Default `SIGINT`. */
  gracefulSignal?: NodeJS.Signals | null;
  /** How long the leader may take to exit after the graceful signal (default 2000 ms). */
  graceMs?: number;
  /** How long the tree may take to exit after SIGTERM before SIGKILL (default 2000 ms). */
  killAfterMs?: number;
}

// Once SIGKILL is sent, the exit event follows within milliseconds; this only guards a hang.
const exitAfterKillMs = 5000;

/**
 * Ends a process and everything below it: the graceful signal to the leader, then SIGTERM,
 * then SIGKILL to its process group and to the groups of its descendants (tools started in
 * sessions of their own). At the end the group, and any descendant seen at the start that
 * still lives, is SIGKILLed even when the leader exited on its own, to reap what it left
 * behind. Resolves when the leader has exited. Never rejects.
 */
export async function terminateProcessTree(
  child: TerminableProcess,
  options: TerminateProcessTreeOptions = {},
): Promise<void> {
  const gracefulSignal = options.gracefulSignal === undefined ? 'SIGINT' : options.gracefulSignal;
  const seen: DescendantProcess[] = child.hasExited ? [] : listDescendants(child.pid);
  const steps: { signal: NodeJS.Signals; wholeTree: boolean; waitMs: number }[] = [
    ...(gracefulSignal === null
      ? []
      : [{ signal: gracefulSignal, wholeTree: false, waitMs: options.graceMs ?? 2000 }]),
    { signal: 'SIGTERM', wholeTree: true, waitMs: options.killAfterMs ?? 2000 },
    { signal: 'SIGKILL', wholeTree: true, waitMs: exitAfterKillMs },
  ];
  for (const step of steps) {
    if (child.hasExited) break;
    if (step.wholeTree) {
      const descendants = listDescendants(child.pid);
      seen.push(...descendants);
      sendSignal(-child.pid, step.signal);
      signalDescendantGroups(descendants, step.signal);
    } else {
      sendSignal(child.pid, step.signal);
    }
    await waitForExit(child, step.waitMs);
  }
  killProcessGroup(child.pid);
  signalDescendantGroups(seen, 'SIGKILL');
}

/** Signals the process group led by `pid` (SIGKILL by default); a group already gone is fine. */
export function killProcessGroup(pid: number, signal: NodeJS.Signals = 'SIGKILL'): void {
  sendSignal(-pid, signal);
}

function sendSignal(target: number, signal: NodeJS.Signals): void {
  try {
    process.kill(target, signal);
  } catch {
    // ESRCH: nothing left to signal. EPERM: no longer ours (a reused pid); leave it alone.
  }
}

/** Resolves when the process exited, or after `ms`, whichever comes first. */
export async function waitForExit(child: TerminableProcess, ms: number): Promise<void> {
  const timeout = new AbortController();
  await Promise.race([
    child.exited,
    delay(ms, undefined, { signal: timeout.signal }).catch(() => undefined),
  ]);
  timeout.abort();
}
