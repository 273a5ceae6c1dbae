import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';

export interface StdioServing {
  /** Resolves when the client went away (stdin ended) or a termination signal arrived. */
  closed: Promise<string>;
  /** Resolves when a termination signal arrived, also after stdin ended. */
  signalled: Promise<string>;
}

/**
 * Serves `server` on stdin/stdout. The SDK transport does not notice stdin EOF, so we watch
 * it ourselves, together with SIGTERM/SIGINT, and report why serving ended.
 */
export async function serveStdio(server: McpServer): Promise<StdioServing> {
  // While the client is behind, the SDK's send waits for stdout's 'drain' with one listener
  // per message in flight: one per tool call here (progress sends one at a time), so many
  // concurrent calls are no leak.
  process.stdout.setMaxListeners(0);
  const transport = new StdioServerTransport();
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
