/**
 * One ACP agent process and the SDK client connected to it over stdio. Every message in both
 * directions is also put in a transcript (for the decoder and the recorder); a line that is not
 * JSON goes only there.
 */
import { setTimeout as delay } from 'node:timers/promises';
import * as acp from '@agentclientprotocol/sdk';
import {
  listDescendants,
  readLines,
  signalDescendantGroups,
  spawnAgentProcess,
  terminateProcessTree,
  type AgentProcess,
} from '../../process/index.js';
import { createAsyncQueue } from '../kit/async-queue.js';
import type { AcpTranscriptEntry } from './acp-transcript.js';

/** What the agent may ask of us, answered by the provider. */
export interface AcpClientHandlers {
  requestPermission(
    params: acp.RequestPermissionRequest,
  ): Promise<acp.RequestPermissionResponse> | acp.RequestPermissionResponse;
  readTextFile(params: acp.ReadTextFileRequest): Promise<acp.ReadTextFileResponse>;
  writeTextFile(params: acp.WriteTextFileRequest): Promise<acp.WriteTextFileResponse>;
}

export interface AcpConnection {
  readonly child: AgentProcess;
  /** Sends agent-side requests and notifications. */
  readonly agent: acp.ClientContext;
  /** Every message sent and received, until the agent's stdout ends. */
  transcript(): AsyncIterable<AcpTranscriptEntry>;
  /** Puts a note of the provider's own in the transcript (it becomes a warning). */
  note: (text: string) => void;
  /** `performance.now()` when the agent last sent something. */
  lastReceivedAt(): number;
  stderrTail(): string;
  /** Closes stdin, then ends whatever is left of the process tree. Never rejects. */
  shutdown(): Promise<void>;
}

// An agent that honours stdin EOF exits within ~100 ms; opencode waits for a signal.
const defaultExitAfterStdinCloseMs = 500;

export async function startAcpConnection(options: {
  command: string;
  args: readonly string[];
  cwd: string;
  env: Record<string, string>;
  /** How long the agent may take to exit by itself once stdin closes, before signals. */
  exitAfterStdinCloseMs?: number | undefined;
  handlers: AcpClientHandlers;
}): Promise<AcpConnection> {
  const child = await spawnAgentProcess({
    binary: options.command,
    args: options.args,
    cwd: options.cwd,
    env: options.env,
    stdin: 'pipe',
  });
  const stdin = child.stdin;
  stdin?.on('error', () => undefined);
  const transcript = createAsyncQueue<AcpTranscriptEntry>();
  let lastReceivedAt = performance.now();

  const readable = new ReadableStream<acp.AnyMessage>({
    async start(controller) {
      for await (const line of readLines(child.stdout)) {
        if (line.trim() === '') continue;
        lastReceivedAt = performance.now();
        let message: unknown;
        try {
          message = JSON.parse(line);
        } catch {
          transcript.push({ direction: 'received', line });
          continue;
        }
        transcript.push({ direction: 'received', message });
        if (typeof message === 'object' && message !== null && !Array.isArray(message)) {
          controller.enqueue(message as acp.AnyMessage);
        }
      }
      transcript.end();
      controller.close();
    },
  });
  const writable = new WritableStream<acp.AnyMessage>({
    write(message) {
      transcript.push({ direction: 'sent', message });
      if (stdin === null || stdin.destroyed || stdin.writableEnded)
        throw new Error('stdin is closed');
      stdin.write(`${JSON.stringify(message)}\n`);
    },
  });

  const { handlers } = options;
  const connection = acp
    .client({ name: 'subagent-mcp' })
    .onNotification(acp.methods.client.session.update, () => undefined)
    .onRequest(acp.methods.client.session.requestPermission, ({ params }) =>
      handlers.requestPermission(params),
    )
    .onRequest(acp.methods.client.fs.readTextFile, ({ params }) => handlers.readTextFile(params))
    .onRequest(acp.methods.client.fs.writeTextFile, ({ params }) => handlers.writeTextFile(params))
    .connect({ readable, writable });

  let shutdown: Promise<void> | undefined;
  return {
    child,
    agent: connection.agent,
    transcript: () => transcript,
    note: (text) => transcript.push({ direction: 'note', line: text }),
    lastReceivedAt: () => lastReceivedAt,
    stderrTail: () => child.stderrTail(),
    shutdown: () =>
      (shutdown ??= (async () => {
        const descendants = child.hasExited ? [] : listDescendants(child.pid);
        stdin?.end();
        if (!child.hasExited) {
          const timeout = new AbortController();
          const timer = delay(
            options.exitAfterStdinCloseMs ?? defaultExitAfterStdinCloseMs,
            undefined,
            { signal: timeout.signal },
          );
          await Promise.race([child.exited, timer.catch(() => undefined)]);
          timeout.abort();
        }
        await terminateProcessTree(child, { gracefulSignal: 'SIGTERM', graceMs: 1000 });
        // Commands the agent started (codex-acp leaves one running after session/cancel).
        signalDescendantGroups(descendants, 'SIGKILL');
        connection.close();
      })()),
  };
}
