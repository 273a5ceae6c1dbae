import type { CallToolResult } from '@modelcontextprotocol/server';
import type { RunService } from '../../runs/index.js';
import type { BackgroundCall } from '../tasks/background-runs.js';
import { callAsksForTask } from '../tasks/serve-tasks.js';
import type { BackgroundToolContext } from './background-calls.js';
import type { ToolExtra } from './run-with-progress.js';

/**
 * What run_agent and resume_agent do once their arguments are parsed: answer with an MCP task
 * (when the client asks for one), start the call in the background, or run it and answer with
 * its result. Each way loads with its first call, so a server start needs only the schemas.
 */
export async function callRunTool(
  extra: ToolExtra,
  context: BackgroundToolContext & { runs: RunService },
  options: { call: BackgroundCall; provider: string; background?: boolean },
): Promise<CallToolResult> {
  const { call, provider } = options;
  if (context.tasks && callAsksForTask(extra)) {
    const { startAsTask } = await import('./background-calls.js');
    return startAsTask(context, context.tasks, call);
  }
  if (options.background) {
    const { startInBackground } = await import('./background-calls.js');
    return startInBackground(context, call, provider);
  }
  const { runWithProgress } = await import('./run-with-progress.js');
  return runWithProgress(extra, context, provider, (runContext) =>
    call.tool === 'run_agent'
      ? context.runs.run(call.input, runContext)
      : context.runs.resume(call.input, runContext),
  );
}
