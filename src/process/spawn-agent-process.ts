import { statSync } from 'node:fs';
import type { Readable, Writable } from 'node:stream';
import { execa } from 'execa';
import { AgentError } from '../errors/index.js';
import { prepareGuardedSpawn } from './orphan-guard/index.js';

export interface SpawnAgentProcessOptions {
  /** Path (or PATH-resolvable name) of the executable; run directly, never through a shell. */
  binary: string;
  args: readonly string[];
  cwd: string;
  /**
   * The child's whole environment: nothing of ours is merged in, except `PWD` = `cwd` and, once
   * `enableOrphanGuard` ran, our owner marker.
   */
  env: Record<string, string | undefined>;
  /** `'ignore'` (default) closes the child's stdin; `'pipe'` keeps it for a stdin protocol. */
  stdin?: 'ignore' | 'pipe';
  /** How much of the end of stderr is kept for error details, in bytes (default 8 KiB). */
  stderrTailBytes?: number;
}

export interface ProcessExit {
  exitCode: number | null;
  signal: string | null;
}

/** A running agent CLI: the leader of its own process group, its output piped to us. */
export interface AgentProcess {
  readonly pid: number;
  readonly stdout: Readable;
  /** Present only when spawned with `stdin: 'pipe'`. */
  readonly stdin: Writable | null;
  /** Resolves when the process itself exited (not waiting for its output to drain); never rejects. */
  readonly exited: Promise<ProcessExit>;
  /**
   * Resolves once the process exited and its stdout/stderr closed, so the stderr tail is
   * complete; at most {@link outputDrainMs} after the exit, in case a grandchild holds a pipe.
   */
  readonly finished: Promise<ProcessExit>;
  readonly hasExited: boolean;
  /** The last bytes of stderr, decoded. */
  stderrTail(): string;
}

const DEFAULT_STDERR_TAIL_BYTES = 8 * 1024;
export const outputDrainMs = 1000;

/**
 * Starts an agent CLI. Rejects with `AgentError('spawn_failed')` when the executable is
 * missing or not executable, or the working directory is unusable.
 */
export async function spawnAgentProcess(options: SpawnAgentProcessOptions): Promise<AgentProcess> {
  // Marks and records the child so it cannot outlive us (src/process/orphan-guard).
  const guard = prepareGuardedSpawn();
  const subprocess = execa(options.binary, [...options.args], {
    cwd: options.cwd,
    env: { ...options.env, ...guard?.environment, PWD: options.cwd },
    extendEnv: false,
    stdin: options.stdin ?? 'ignore',
    // Our stdout is the MCP stdio transport: the child's output must never be inherited.
    stdout: 'pipe',
    stderr: 'pipe',
    // Its own process group, so the whole tree can be signalled at once.
    detached: true,
    buffer: false,
    reject: false,
    windowsHide: true,
  });

  const pid = subprocess.pid;
  if (pid === undefined || subprocess.stdout === null) {
    // A failed spawn leaves no pid; with reject: false the promise settles with the reason.
    const result = await subprocess;
    throw spawnFailure(options, result.code, result.message ?? `exit code ${result.exitCode}`);
  }
  guard?.recordChild(pid);
  void subprocess.then(ignore, ignore);

  const stderrTail = createTail(options.stderrTailBytes ?? DEFAULT_STDERR_TAIL_BYTES);
  subprocess.stderr?.on('data', (chunk: Buffer) => stderrTail.append(chunk));

  let hasExited = false;
  const exited = new Promise<ProcessExit>((resolve) => {
    subprocess.once('exit', (exitCode, signal) => {
      hasExited = true;
      resolve({ exitCode, signal });
    });
  });

  const closed = new Promise<void>((resolve) => subprocess.once('close', () => resolve()));
  const finished = exited.then(async (exit) => {
    let timer: NodeJS.Timeout | undefined;
    const drainBound = new Promise<void>((resolve) => (timer = setTimeout(resolve, outputDrainMs)));
    await Promise.race([closed, drainBound]);
    clearTimeout(timer);
    return exit;
  });

  return {
    pid,
    stdout: subprocess.stdout,
    stdin: subprocess.stdin,
    exited,
    finished,
    get hasExited() {
      return hasExited;
    },
    stderrTail: () => stderrTail.text(),
  };
}

function spawnFailure(
  options: SpawnAgentProcessOptions,
  code: string | undefined,
  cause: string,
): AgentError {
  const details = { binary: options.binary, cwd: options.cwd, code };
  if (!isDirectory(options.cwd)) {
    return new AgentError(
      'spawn_failed',
      `Could not start ${options.binary}: the working directory ${options.cwd} does not exist.`,
      { cause, details },
    );
  }
  const reason =
    code === 'ENOENT'
      ? 'no such file'
      : code === 'EACCES'
        ? 'permission denied (is it executable?)'
        : (code ?? cause);
  return new AgentError('spawn_failed', `Could not start ${options.binary}: ${reason}.`, {
    cause,
    details,
  });
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function createTail(limitBytes: number): { append(chunk: Buffer): void; text(): string } {
  let buffered = Buffer.alloc(0);
  return {
    append(chunk) {
      buffered = Buffer.concat([buffered, chunk]);
      if (buffered.length > limitBytes) buffered = buffered.subarray(buffered.length - limitBytes);
    },
    text: () => buffered.toString('utf8').trim(),
  };
}

function ignore(): void {}
