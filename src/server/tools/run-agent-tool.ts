import type { McpServer } from '@modelcontextprotocol/server';
import type { RunService } from '../../runs/index.js';
import type { BackgroundToolContext } from './background-calls.js';
import { callRunTool } from './call-run-tool.js';
import { runAgentInputSchema, runResultSchema } from './tool-schemas.js';
import { checkedToolInput, invalidArgumentsResult } from './checked-tool-input.js';

const description = `Delegate a task to another coding agent (a sub-agent: Claude Code, Codex, opencode, Gemini CLI…) and wait for its final answer.
The sub-agent works on its own in \`cwd\` with its own tools, limited by \`permissions\`; give it a complete, self-contained prompt.
Live progress (tool calls, edits, answer text) streams as progress notifications.
Returns \`text\` (the answer; a very long one is cut, whole in \`record_uri\`), \`status\` (completed | failed | cancelled | timed_out) and \`session_id\`: pass that to resume_agent to continue the same conversation.
With \`background: true\` it answers at once with \`session_id\` and status \`running\`: keep working (or start more runs), then collect each result with wait_agent; cancel_agent stops one.
Call list_providers to see which providers are installed here.`;

export function registerRunAgentTool(
  server: McpServer,
  dependencies: BackgroundToolContext & { runs: RunService },
): void {
  const { config } = dependencies;
  server.registerTool(
    'run_agent',
    {
      title: 'Run a sub-agent',
      description,
      inputSchema: checkedToolInput(runAgentInputSchema),
      outputSchema: runResultSchema,
      annotations: { readOnlyHint: false, destructiveHint: true, openWorldHint: true },
    },
    async (checked, extra) => {
      if (!checked.ok) return invalidArgumentsResult('run_agent', checked.problems);
      const input = checked.value;
      const call = {
        tool: 'run_agent',
        input: {
          prompt: input.prompt,
          provider: input.provider,
          cwd: input.cwd,
          model: input.model,
          permissions: input.permissions,
          instructions: input.instructions,
          timeoutSeconds: input.timeout_seconds,
        },
      } as const;
      const provider = input.provider ?? config.defaultProvider;
      return callRunTool(extra, dependencies, { call, provider, background: input.background });
    },
  );
}
