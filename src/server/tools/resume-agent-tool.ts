import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { ServerConfig } from '../../config/index.js';
import type { RunService, SessionStore } from '../../runs/index.js';
import { resumeAgentInputSchema, runResultSchema } from './tool-schemas.js';

const description = `Continue an earlier sub-agent session with a new message and wait for the answer.
Takes the session_id returned by run_agent (or an earlier resume_agent); the provider and working directory come from that session, and the sub-agent remembers the conversation so far.
Returns the same result shape as run_agent.`;

export function registerResumeAgentTool(
  server: McpServer,
  dependencies: { config: ServerConfig; runs: RunService; sessions: SessionStore },
): void {
  const { config, runs, sessions } = dependencies;
  server.registerTool(
    'resume_agent',
    {
      title: 'Resume a sub-agent session',
      description,
      inputSchema: resumeAgentInputSchema,
      outputSchema: runResultSchema,
      annotations: { readOnlyHint: false, destructiveHint: true, openWorldHint: true },
    },
    async (input, extra) => {
      // Only for the progress prefix; the run service does the authoritative lookup.
      const provider = await sessions
        .get(input.session_id)
        .then((session) => session.provider)
        .catch(() => config.defaultProvider);
      // Loaded with the first call: a server start needs only the schemas above.
      const { runWithProgress } = await import('./run-with-progress.js');
      return runWithProgress(
        extra,
        { provider, heartbeatMs: config.heartbeatSeconds * 1000 },
        (context) =>
          runs.resume(
            {
              sessionId: input.session_id,
              prompt: input.prompt,
              model: input.model,
              permissions: input.permissions,
              timeoutSeconds: input.timeout_seconds,
            },
            context,
          ),
      );
    },
  );
}
