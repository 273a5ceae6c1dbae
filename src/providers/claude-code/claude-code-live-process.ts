import type { ProcessExit, SpawnAgentProcessOptions } from '../../process/index.js';
import { startChildProcess } from '../kit/child-process.js';
import { claudeCodeInterruptLine } from './claude-code-stream-input.js';

/** What a live process was started with; a resume may use it only when this matches. */
export interface LiveProcessIdentity {
  /** Binary, cwd, environment, permissions and extra arguments, as one fingerprint. */
  key: string;
  /** `--model`, when one was given. */
  model: string | undefined;
}

/**
 * A `claude --input-format stream-json` process that outlives its turn: user messages are
 * written on its stdin, its stdout is read line by line across turns.
 */
export interface LiveClaudeProcess extends LiveProcessIdentity {
  readonly pid: number;
  readonly hasExited: boolean;
  readonly exited: Promise<ProcessExit>;
  /** Resolves once it exited and its output closed (the stderr tail is complete). */
  readonly finished: Promise<ProcessExit>;
  /** The next stdout line; `undefined` once stdout ended (the process is gone). */
  nextLine(): Promise<string | undefined>;
  /** Writes one stdin line; `false` when stdin is closed (the process is gone or going). */
  write(line: string): boolean;
  /** Asks claude to interrupt the running turn (a control request); the process stays. */
  interrupt(): void;
  stderrTail(): string;
  /** Ends the process tree: stdin closed, SIGINT, then the tree. Once; never rejects. */
  stop(): Promise<void>;
}

// At the end of stdin claude finishes and exits within ~50 ms; after SIGINT within ~30 ms.
const stopPlan = { closeStdinMs: 1000, signal: 'SIGINT', graceMs: 2000 } as const;

export async function startLiveClaudeProcess(
  spawn: Omit<SpawnAgentProcessOptions, 'stdin'>,
  identity: LiveProcessIdentity,
): Promise<LiveClaudeProcess> {
  const child = await startChildProcess({
    ...spawn,
    stdin: 'pipe',
    stop: stopPlan,
    reapWhenLeaderExits: true,
  });
  // One reader for the process's whole life: a `for await` would close stdout at its `break`.
  const lines = child.lines[Symbol.asyncIterator]();
  let interrupts = 0;
  const write = (line: string): boolean => {
    if (child.process.hasExited) return false;
    try {
      child.writeLine(line);
      return true;
    } catch {
      return false;
    }
  };
  return {
    ...identity,
    pid: child.process.pid,
    get hasExited() {
      return child.process.hasExited;
    },
    exited: child.process.exited,
    finished: child.process.finished,
    async nextLine() {
      const next = await lines.next();
      return next.done ? undefined : next.value;
    },
    write,
    interrupt() {
      interrupts += 1;
      write(claudeCodeInterruptLine(`subagent-mcp-interrupt-${interrupts}`));
    },
    stderrTail: () => child.process.stderrTail(),
    stop: () => child.stop(),
  };
}
