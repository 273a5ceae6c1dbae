import type { AgentProcess, SpawnAgentProcessOptions } from '../../process/index.js';
import { startChildProcess, type StopPlan } from './child-process.js';
import {
  createJsonRpcConnection,
  type JsonRpcConnection,
  type JsonRpcConnectionOptions,
} from './json-rpc-connection.js';
import { describeProcessExit } from './run-endings.js';

export interface StartJsonRpcProcessOptions extends Pick<
  JsonRpcConnectionOptions,
  'peerName' | 'jsonrpc' | 'answer'
> {
  /** The CLI, its argv, cwd and whole environment (stdin is the protocol: always a pipe). */
  spawn: Omit<SpawnAgentProcessOptions, 'stdin'>;
  /** How `shutdown` ends it: usually stdin closed first, which ends a stdio protocol. */
  stop: StopPlan;
}

/** A CLI spoken to over JSON-RPC on its stdio. */
export interface JsonRpcProcess {
  readonly process: AgentProcess;
  readonly connection: JsonRpcConnection;
  /** The last stderr lines (the CLI's logs), without terminal colour codes. */
  stderrTail: () => string;
  /** Ends the process tree by the stop plan; once, the same promise after. Never rejects. */
  shutdown: () => Promise<void>;
}

const stderrInMessageLimit = 1000;

/** Spawns the CLI with stdin as the protocol's pipe. Throws `spawn_failed`. */
export async function startJsonRpcProcess(
  options: StartJsonRpcProcessOptions,
): Promise<JsonRpcProcess> {
  const child = await startChildProcess({ ...options.spawn, stdin: 'pipe', stop: options.stop });
  const stderrTail = (): string => stripAnsi(child.process.stderrTail());
  const connection = createJsonRpcConnection({
    peerName: options.peerName,
    ...(options.jsonrpc ? { jsonrpc: options.jsonrpc } : {}),
    lines: child.lines,
    write: (line) => child.writeLine(line),
    answer: options.answer,
    describeEnd: async () => {
      const ending = describeProcessExit(await child.process.finished);
      const stderr = stderrTail().slice(-stderrInMessageLimit);
      return stderr === '' ? ending : `${ending}: ${stderr}`;
    },
  });
  return { process: child.process, connection, stderrTail, shutdown: () => child.stop() };
}

/** Removes terminal colour and style sequences (CLI logs are often ANSI-coloured). */
export function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '');
}
