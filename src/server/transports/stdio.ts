import type { McpServerFactory } from '@modelcontextprotocol/server';
import {
  serveStdio as serveStdioEras,
  StdioServerTransport,
} from '@modelcontextprotocol/server/stdio';
import { boundLines, type OversizedLine } from './bounded-lines.js';

export interface StdioServing {
  /** Resolves when the client went away (stdin ended) or a termination signal arrived. */
  closed: Promise<string>;
  /** Resolves when a termination signal arrived, also after stdin ended. */
  signalled: Promise<string>;
  /** Closes the connection's MCP server (aborting its tool calls) and the transport. */
  close(): Promise<void>;
}

/** Longest message read, in bytes: the SDK's own stdio default (10 MiB). */
export const maxStdioMessageBytes = 10 * 1024 * 1024;

/**
 * Serves MCP on stdin/stdout in the era the client opens with: `server/discover` gets a
 * 2026-07-28 server, `initialize` a 2025-era one, each made by `createServer` (the SDK's
 * `serveStdio` decides). We watch stdin's end ourselves, together with SIGTERM/SIGINT, and
 * report why serving ended. A message over `maxStdioMessageBytes` is dropped and answered with
 * a JSON-RPC error (the SDK transport would close the connection on it).
 */
export function serveStdio(
  createServer: McpServerFactory,
  log: (line: string) => void = () => undefined,
): StdioServing {
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
  const connection = serveStdioEras(createServer, {
    transport,
    onerror: (error) => log(`MCP connection error: ${error.message}`),
  });
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
  return { closed, signalled, close: () => connection.close() };
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
