/**
 * An agent CLI as a child process, started and stopped the same way by every provider: its
 * own process group, stdout read line by line, and one stop that ends the whole tree — the
 * graceful step the CLI understands (stdin closed, a signal), a grace period, then SIGTERM and
 * SIGKILL to every process group below it, and to every process carrying the run's marker.
 */
import { randomUUID } from 'node:crypto';
import {
  listDescendants,
  listMarkedProcesses,
  readLines,
  signalDescendantGroups,
  spawnAgentProcess,
  killProcessGroup,
  terminateProcessTree,
  waitForExit,
  type AgentProcess,
  type SpawnAgentProcessOptions,
} from '../../process/index.js';

/** How the CLI is asked to end before it is made to. */
export interface StopPlan {
  /** First close its stdin (a stdin protocol's end) and wait this long for it to exit. */
  closeStdinMs?: number;
  /** Then this signal to the leader alone; `null` skips it. Default `SIGINT`. */
  signal?: NodeJS.Signals | null;
  /** How long the leader may take after that signal before the whole tree is ended. */
  graceMs: number;
  /** How long the tree may take after SIGTERM before SIGKILL. Default 2000 ms. */
  killAfterMs?: number;
  /**
   * `NAME=value` from {@link createRunMarker}, in the environment of the CLI and so of every
   * process it starts: at the end, and as soon as the leader exits, every process carrying it
   * is killed too. Finds tools that left the tree — started in a session of their own, and
   * reparented to init once the CLI exited — which no process-group signal reaches (Linux).
   */
  marker?: string;
}

/** A unique `<variable>=<id>` for one run: put `variables` in its environment, `entry` in its stop plan. */
export function createRunMarker(variable: string): {
  variables: Record<string, string>;
  entry: string;
} {
  const id = randomUUID();
  return { variables: { [variable]: id }, entry: `${variable}=${id}` };
}

export interface StartChildProcessOptions extends SpawnAgentProcessOptions {
  stop: StopPlan;
  /**
   * Kill the process group as soon as the leader exits: a grandchild still holding the stdout
   * pipe would otherwise keep the lines from ending.
   */
  reapWhenLeaderExits?: boolean;
}

export interface ChildProcess {
  readonly process: AgentProcess;
  /** stdout, line by line; one reader. */
  readonly lines: AsyncIterable<string>;
  /** Writes one line to stdin (spawned with `stdin: 'pipe'`); throws once stdin is closed. */
  writeLine: (line: string) => void;
  /**
   * Ends the process tree by the stop plan (or `plan`, given to the first call). Started once,
   * the same promise after. Never rejects.
   */
  stop: (plan?: StopPlan) => Promise<void>;
}

/** Spawns the CLI. Rejects with `AgentError('spawn_failed')` when it cannot start. */
export async function startChildProcess(options: StartChildProcessOptions): Promise<ChildProcess> {
  const { stop: plan, reapWhenLeaderExits, ...spawnOptions } = options;
  const child = await spawnAgentProcess(spawnOptions);
  const { stdin } = child;
  // A write after the exit fails with EPIPE on the stream; the end of stdout reports the exit.
  stdin?.on('error', () => undefined);
  if (reapWhenLeaderExits) {
    void child.exited.then(() => {
      killProcessGroup(child.pid);
      killMarkedProcesses(plan.marker);
    });
  }
  let stopping: Promise<void> | undefined;
  return {
    process: child,
    lines: readLines(child.stdout),
    writeLine(line) {
      if (stdin === null || stdin.destroyed || stdin.writableEnded) {
        throw new Error('stdin is closed');
      }
      stdin.write(`${line}\n`);
    },
    stop: (stopPlan = plan) => (stopping ??= stopProcessTree(child, stopPlan)),
  };
}

async function stopProcessTree(child: AgentProcess, plan: StopPlan): Promise<void> {
  const terminate = {
    gracefulSignal: plan.signal,
    graceMs: plan.graceMs,
    ...(plan.killAfterMs === undefined ? {} : { killAfterMs: plan.killAfterMs }),
  };
  if (plan.closeStdinMs === undefined) {
    await terminateProcessTree(child, terminate);
  } else {
    // Seen now: once the leader exits on its own, its children can no longer be found.
    const descendants = child.hasExited ? [] : listDescendants(child.pid);
    child.stdin?.end();
    if (!child.hasExited) await waitForExit(child, plan.closeStdinMs);
    await terminateProcessTree(child, terminate);
    signalDescendantGroups(descendants, 'SIGKILL');
  }
  killMarkedProcesses(plan.marker);
}

function killMarkedProcesses(marker: string | undefined): void {
  if (marker !== undefined) signalDescendantGroups(listMarkedProcesses(marker), 'SIGKILL');
}
