import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { boundLines, type OversizedLine } from './bounded-lines.js';

export interface StdioServing {
  /** Resolves when the client went away (stdin ended) or a termination signal arrived. */
  closed: Promise<string>;
  /** Resolves when a termination signal arrived, also after stdin ended. */
  signalled: Promise<string>;
}

/** Longest message read, in bytes: the SDK's own stdio default (10 MiB). */
export const maxStdioMessageBytes = 10 * 1024 * 1024;

/**
 * Serves `server` on stdin/stdout. The SDK transport does not notice stdin EOF, so we watch
 * it ourselves, together with SIGTERM/SIGINT, and report why serving ended. A message over
 * `maxStdioMessageBytes` is dropped and answered with a JSON-RPC error (the SDK transport
 * would close the connection on it).
 */
export async function serveStdio(
  server: McpServer,
  log: (line: string) => void = () => undefined,
): Promise<StdioServing> {
  // While the client is behind, the SDK's send waits for stdout's 'drain' with one listener
  // per message in flight: one per tool call here (progress sends one at a time), so many
  // concurrent calls are no leak.
  process.stdout.setMaxListeners(0);
  const lines = boundLines(maxStdioMessageBytes, (line) => refuseOversized(transport, line, log));
  const transport = new StdioServerTransport(lines, process.stdout, {
    // Never reached: the lines it gets are within the bound already.
    maxBufferSize: 2 * maxStdioMessageBytes,
  });
  process.stdin.pipe(lines);
  await server.connect(transport);
  const signalled = new Promise<string>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGHUP', () => resolve('SIGHUP'));
  });
  const closed = new Promise<string>((resolve) => {
    process.stdin.once('end', () => resolve('stdin closed'));
    process.stdin.once('close', () => resolve('stdin closed'));
    void signalled.then(resolve);
  });
  return { closed, signalled };
}

function refuseOversized(
  transport: StdioServerTransport,
  line: OversizedLine,
  log: (line: string) => void,
): void {
  const size = `${line.bytes.toLocaleString('en-US')} bytes`;
  const limit = `${maxStdioMessageBytes.toLocaleString('en-US')} bytes`;
  if (line.id === undefined) {
    log(`dropped a message of ${size} without a request id: over the limit of ${limit}`);
    return;
  }
  void transport.send({
    jsonrpc: '2.0',
    id: line.id,
    error: {
      code: -32600,
      message: `Message too large: ${size}, over this server's limit of ${limit} per message; it was not read.`,
    },
  });
}
