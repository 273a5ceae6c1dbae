import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import type {
  CallToolResult,
  ServerNotification,
  ServerRequest,
} from '@modelcontextprotocol/sdk/types.js';
import { toAgentError } from '../../errors/index.js';
import type { RunContext, RunOutcome } from '../../runs/index.js';
import { createProgressReporter, type ProgressReporter } from '../progress/progress-reporter.js';
import { refusalToToolResult, runOutcomeToToolResult } from './run-tool-result.js';

export type ToolExtra = RequestHandlerExtra<ServerRequest, ServerNotification>;

/**
 * Runs `start` with a progress reporter wired to the request (when it carries a
 * progressToken), closes the reporter before the result goes out, and maps refusals and
 * outcomes to tool results.
 */
export async function runWithProgress(
  extra: ToolExtra,
  options: { provider: string; heartbeatMs: number },
  start: (context: RunContext) => Promise<RunOutcome>,
): Promise<CallToolResult> {
  const reporter = createReporter(extra, options);
  try {
    const outcome = await start({
      signal: extra.signal,
      onEvent: (event) => reporter?.push(event),
      onQueued: (position) =>
        reporter?.status(`queued: waiting for a free run slot (${position} waiting)`),
    });
    await reporter?.close();
    return runOutcomeToToolResult(outcome);
  } catch (error) {
    await reporter?.close();
    const failure = toAgentError(error);
    if (failure.code === 'internal') throw error;
    return refusalToToolResult(failure, options.provider);
  }
}

function createReporter(
  extra: ToolExtra,
  options: { provider: string; heartbeatMs: number },
): ProgressReporter | undefined {
  const progressToken = extra._meta?.progressToken;
  if (progressToken === undefined) return undefined;
  return createProgressReporter({
    provider: options.provider,
    heartbeatMs: options.heartbeatMs,
    send: (notification) =>
      extra.sendNotification({
        method: 'notifications/progress',
        params: { progressToken, ...notification },
      }),
  });
}
