// The cold-start baseline: the smallest MCP server the SDK we ship allows (SDK 2, both
// protocol eras on stdio), one zod tool. bench/startup-bench.mjs starts it next to the built
// subagent-mcp and compares.
import { McpServer } from '@modelcontextprotocol/server';
import { serveStdio } from '@modelcontextprotocol/server/stdio';
import { z } from 'zod';

serveStdio(() => {
  const server = new McpServer({ name: 'bare-sdk-server', version: '1.0.0' });
  server.registerTool(
    'echo',
    { description: 'Echoes its text.', inputSchema: z.object({ text: z.string() }) },
    ({ text }) => ({ content: [{ type: 'text', text }] }),
  );
  return server;
});
