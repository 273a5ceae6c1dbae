import type { AgentProcess } from '../../process/index.js';
import { startJsonRpcProcess } from '../kit/json-rpc-process.js';
import {
  codexPeerName,
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

/** Spawns `codex app-server` (stdin a pipe: it is the protocol). Throws `spawn_failed`. */
export async function startCodexAppServer(
  options: StartCodexAppServerOptions,
): Promise<CodexAppServer> {
  const { binary, args, cwd, env, answer } = options;
  const server = await startJsonRpcProcess({
    peerName: codexPeerName,
    spawn: { binary, args, cwd, env },
    stop: { closeStdinMs: exitAfterStdinCloseMs, graceMs: exitAfterStdinCloseMs },
    answer,
  });
  return {
    child: server.process,
    client: server.connection,
    stderrTail: server.stderrTail,
    shutdown: server.shutdown,
  };
}
