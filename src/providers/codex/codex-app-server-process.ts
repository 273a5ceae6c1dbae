import { setTimeout as delay } from 'node:timers/promises';
import {
  listDescendants,
  readLines,
  signalDescendantGroups,
  spawnAgentProcess,
  terminateProcessTree,
  type AgentProcess,
} from '../../process/index.js';
import {
  createCodexAppServerClient,
  type CodexAppServerClient,
  type CodexServerReply,
  type CodexServerRequest,
} from './codex-app-server-client.js';

export interface StartCodexAppServerOptions {
  binary: string;
  args: readonly string[];
  cwd: string;
  env: Record<string, string>;
  answer: (request: CodexServerRequest) => CodexServerReply;
}

/** A running `codex app-server` and the client that talks to it. */
export interface CodexAppServer {
  readonly child: AgentProcess;
  readonly client: CodexAppServerClient;
  /** The last stderr lines (app-server's tracing), without colour codes. */
  stderrTail(): string;
  /**
   * Closes stdin (app-server exits ~30 ms later), then ends whatever is left of the process
   * tree, including commands Codex started in sessions of their own. Never rejects.
   */
  shutdown(): Promise<void>;
}

// app-server exits within ~30 ms of stdin closing when idle; a turn still running takes longer.
const exitAfterStdinCloseMs = 1000;
const stderrInMessageLimit = 1000;

/** Spawns `codex app-server` (stdin a pipe: it is the protocol). Throws `spawn_failed`. */
export async function startCodexAppServer(
  options: StartCodexAppServerOptions,
): Promise<CodexAppServer> {
  const child = await spawnAgentProcess({
    binary: options.binary,
    args: options.args,
    cwd: options.cwd,
    env: options.env,
    stdin: 'pipe',
  });
  const stdin = child.stdin;
  // A write after the exit fails with EPIPE on the stream; the end of stdout reports the exit.
  stdin?.on('error', () => undefined);
  const stderrTail = (): string => stripAnsi(child.stderrTail());
  const client = createCodexAppServerClient({
    lines: readLines(child.stdout),
    write: (line) => {
      if (stdin === null || stdin.destroyed || stdin.writableEnded) {
        throw new Error('stdin is closed');
      }
      stdin.write(`${line}\n`);
    },
    answer: options.answer,
    describeEnd: async () => {
      const exit = await child.finished;
      const ending = exit.signal ?? `exit code ${exit.exitCode}`;
      const stderr = stderrTail().slice(-stderrInMessageLimit);
      return stderr === '' ? ending : `${ending}: ${stderr}`;
    },
  });

  let shutdown: Promise<void> | undefined;
  return {
    child,
    client,
    stderrTail,
    shutdown: () => (shutdown ??= shutdownAppServer(child)),
  };
}

async function shutdownAppServer(child: AgentProcess): Promise<void> {
  const descendants = child.hasExited ? [] : listDescendants(child.pid);
  child.stdin?.end();
  if (!child.hasExited) {
    const timeout = new AbortController();
    const timer = delay(exitAfterStdinCloseMs, undefined, { signal: timeout.signal });
    await Promise.race([child.exited, timer.catch(() => undefined)]);
    timeout.abort();
  }
  await terminateProcessTree(child, { graceMs: exitAfterStdinCloseMs });
  signalDescendantGroups(descendants, 'SIGKILL');
}

/** Removes terminal colour and style sequences (app-server's tracing is ANSI-coloured). */
export function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '');
}
