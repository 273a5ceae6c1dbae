import type { McpServer } from '@modelcontextprotocol/server';
import type { BackgroundToolContext } from './background-calls.js';
import {
  defaultWaitSeconds,
  maxWaitSeconds,
  runResultSchema,
  waitAgentInputSchema,
} from './tool-schemas.js';
import { checkedToolInput, invalidArgumentsResult } from './checked-tool-input.js';

const description = `Wait for a background run (run_agent or resume_agent with background: true) and return its result.
Takes the session_id that call returned. Waits up to timeout_seconds (default ${defaultWaitSeconds}, at most ${maxWaitSeconds}): returns the run's result exactly as a foreground run_agent would once it ended, else status "running" with what it did lately — then call wait_agent again.
Several background runs started at once can be collected one after the other.`;

export function registerWaitAgentTool(
  server: McpServer,
  dependencies: BackgroundToolContext,
): void {
  server.registerTool(
    'wait_agent',
    {
      title: 'Wait for a background sub-agent run',
      description,
      inputSchema: checkedToolInput(waitAgentInputSchema),
      outputSchema: runResultSchema,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    async (checked, extra) => {
      if (!checked.ok) return invalidArgumentsResult('wait_agent', checked.problems);
      const input = checked.value;
      // Loaded with the first call: a server start needs only the schemas above.
      const { waitForBackgroundRun } = await import('./background-calls.js');
      return waitForBackgroundRun(extra, dependencies, input);
    },
  );
}
