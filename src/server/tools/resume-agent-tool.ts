import type { McpServer } from '@modelcontextprotocol/server';
import type { RunService, SessionStore } from '../../runs/index.js';
import type { BackgroundToolContext } from './background-calls.js';
import { callRunTool } from './call-run-tool.js';
import { resumeAgentInputSchema, runResultSchema } from './tool-schemas.js';
import { checkedToolInput, invalidArgumentsResult } from './checked-tool-input.js';

const description = `Continue an earlier sub-agent session with a new message and wait for the answer.
Takes the session_id returned by run_agent (or an earlier resume_agent); the provider and working directory come from that session, and the sub-agent remembers the conversation so far.
Returns the same result shape as run_agent; \`background: true\` answers at once, as with run_agent (collect with wait_agent).`;

export function registerResumeAgentTool(
  server: McpServer,
  dependencies: BackgroundToolContext & { runs: RunService; sessions: SessionStore },
): void {
  const { config, sessions } = dependencies;
  server.registerTool(
    'resume_agent',
    {
      title: 'Resume a sub-agent session',
      description,
      inputSchema: checkedToolInput(resumeAgentInputSchema),
      outputSchema: runResultSchema,
      annotations: { readOnlyHint: false, destructiveHint: true, openWorldHint: true },
    },
    async (checked, extra) => {
      if (!checked.ok) return invalidArgumentsResult('resume_agent', checked.problems);
      const input = checked.value;
      // Only for the progress prefix; the run service does the authoritative lookup.
      const provider = await sessions
        .get(input.session_id)
        .then((session) => session.provider)
        .catch(() => config.defaultProvider);
      const call = {
        tool: 'resume_agent',
        input: {
          sessionId: input.session_id,
          prompt: input.prompt,
          model: input.model,
          permissions: input.permissions,
          timeoutSeconds: input.timeout_seconds,
        },
      } as const;
      return callRunTool(extra, dependencies, { call, provider, background: input.background });
    },
  );
}
