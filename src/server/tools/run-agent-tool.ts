import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { ServerConfig } from '../../config/index.js';
import type { RunService } from '../../runs/index.js';
import { runAgentInputSchema, runResultSchema } from './tool-schemas.js';

const description = `Delegate a task to another coding agent (a sub-agent: Claude Code, Codex, opencode, Gemini CLI…) and wait for its final answer.
The sub-agent works on its own in \`cwd\` with its own tools, limited by \`permissions\`; give it a complete, self-contained prompt.
Live progress (tool calls, edits, answer text) streams as progress notifications.
Returns \`text\` (the answer), \`status\` (completed | failed | cancelled | timed_out) and \`session_id\`: pass that to resume_agent to continue the same conversation.
Call list_providers to see which providers are installed here.`;

export function registerRunAgentTool(
  server: McpServer,
  dependencies: { config: ServerConfig; runs: RunService },
): void {
  const { config, runs } = dependencies;
  server.registerTool(
    'run_agent',
    {
      title: 'Run a sub-agent',
      description,
      inputSchema: runAgentInputSchema,
      outputSchema: runResultSchema,
      annotations: { readOnlyHint: false, destructiveHint: true, openWorldHint: true },
    },
    async (input, extra) => {
      // Loaded with the first call: a server start needs only the schemas above.
      const { runWithProgress } = await import('./run-with-progress.js');
      return runWithProgress(
        extra,
        {
          provider: input.provider ?? config.defaultProvider,
          heartbeatMs: config.heartbeatSeconds * 1000,
        },
        (context) =>
          runs.run(
            {
              prompt: input.prompt,
              provider: input.provider,
              cwd: input.cwd,
              model: input.model,
              permissions: input.permissions,
              instructions: input.instructions,
              timeoutSeconds: input.timeout_seconds,
            },
            context,
          ),
      );
    },
  );
}
