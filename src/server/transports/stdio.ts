import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';

export interface StdioServing {
  /** Resolves when the client went away (stdin ended) or a termination signal arrived. */
  closed: Promise<string>;
}

/**
 * Serves `server` on stdin/stdout. The SDK transport does not notice stdin EOF, so we watch
 * it ourselves, together with SIGTERM/SIGINT, and report why serving ended.
 */
export async function serveStdio(server: McpServer): Promise<StdioServing> {
  const transport = new StdioServerTransport();
  await server.connect(transport);
  const closed = new Promise<string>((resolve) => {
    process.stdin.once('end', () => resolve('stdin closed'));
    process.stdin.once('close', () => resolve('stdin closed'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGHUP', () => resolve('SIGHUP'));
  });
  return { closed };
}
