import type { McpServer } from '@modelcontextprotocol/server';
import type { BackgroundToolContext } from './background-calls.js';
import { cancelAgentInputSchema, runResultSchema } from './tool-schemas.js';
import { checkedToolInput, invalidArgumentsResult } from './checked-tool-input.js';

const description = `Stop a background run (run_agent or resume_agent with background: true) of this session_id.
The sub-agent is interrupted and its processes end; returns the run's result with status "cancelled" once it has ended. The session stays resumable.`;

export function registerCancelAgentTool(
  server: McpServer,
  dependencies: BackgroundToolContext,
): void {
  server.registerTool(
    'cancel_agent',
    {
      title: 'Cancel a background sub-agent run',
      description,
      inputSchema: checkedToolInput(cancelAgentInputSchema),
      outputSchema: runResultSchema,
      annotations: { readOnlyHint: false, destructiveHint: true, openWorldHint: false },
    },
    async (checked, extra) => {
      if (!checked.ok) return invalidArgumentsResult('cancel_agent', checked.problems);
      const input = checked.value;
      // Loaded with the first call: a server start needs only the schemas above.
      const { cancelBackgroundRun } = await import('./background-calls.js');
      return cancelBackgroundRun(extra, dependencies, input);
    },
  );
}
