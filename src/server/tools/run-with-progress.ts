import type { CallToolResult, ServerContext } from '@modelcontextprotocol/server';
import type { ServerConfig } from '../../config/index.js';
import { toAgentError } from '../../errors/index.js';
import type { RunContext, RunOutcome } from '../../runs/index.js';
import { whenDrained, type ClientStreamLookup } from '../progress/client-stream.js';
import { createProgressReporter, type ProgressReporter } from '../progress/progress-reporter.js';
import type { ConnectionRuns } from '../resources/run-record-resource.js';
import { refusalToToolResult, runOutcomeToToolResult } from './run-tool-result.js';

export type ToolExtra = ServerContext;

/** What run_agent and resume_agent share on one connection. */
export interface RunToolContext {
  config: ServerConfig;
  connectionRuns: ConnectionRuns;
  /** The stream carrying a request's messages, when the transport lends it (HTTP). */
  clientStreams?: ClientStreamLookup;
}

/**
 * Runs `start` with a progress reporter wired to the request (when it carries a
 * progressToken), closes the reporter before the result goes out, and maps refusals and
 * outcomes to tool results; a run with a record is listed as this connection's resource.
 */
export async function runWithProgress(
  extra: ToolExtra,
  context: RunToolContext,
  provider: string,
  start: (context: RunContext) => Promise<RunOutcome>,
): Promise<CallToolResult> {
  const reporter = createReporter(extra, context, provider);
  try {
    const outcome = await start({
      signal: extra.mcpReq.signal,
      onEvent: (event) => reporter?.push(event),
      onQueued: (position) =>
        reporter?.status(`queued: waiting for a free run slot (${position} waiting)`),
    });
    await reporter?.close();
    if (outcome.record) {
      context.connectionRuns.add({
        ...outcome.record,
        summary: `${outcome.provider} · ${outcome.status}`,
      });
    }
    if (reporter) await keepApartFromResult(reporter.lastSentAt);
    return runOutcomeToToolResult(outcome, context.config.maxResultTextCharacters);
  } catch (error) {
    await reporter?.close();
    const failure = toAgentError(error);
    if (failure.code === 'internal') throw error;
    return refusalToToolResult(failure, provider);
  }
}

// An MCP SDK client (1.x Protocol) handles a notification a microtask after reading it, but a
// response at once, and drops the progress handler with it: a last progress notification read in
// the same chunk as the result is lost. A fast run (a warm agent) sends the two back to back;
// this pause (from the last notification sent) keeps them in separate reads, as a run's own
// process exit used to.
const progressToResultGapMs = 10;

export function keepApartFromResult(lastSentAt: number): Promise<void> {
  const waitMs = lastSentAt + progressToResultGapMs - performance.now();
  if (waitMs <= 0) return Promise.resolve();
  return new Promise((resolve) => setTimeout(resolve, waitMs));
}

/** A progress reporter wired to the request, when it carries a progressToken. */
export function createReporter(
  extra: ToolExtra,
  context: RunToolContext,
  provider: string,
): (ProgressReporter & { readonly lastSentAt: number }) | undefined {
  const progressToken = extra.mcpReq._meta?.progressToken;
  if (progressToken === undefined) return undefined;
  let lastSentAt = Number.NEGATIVE_INFINITY;
  const reporter = createProgressReporter({
    provider,
    heartbeatMs: context.config.heartbeatSeconds * 1000,
    send: async (notification) => {
      await extra.mcpReq.notify({
        method: 'notifications/progress',
        params: { progressToken, ...notification },
      });
      lastSentAt = performance.now();
      const stream = context.clientStreams?.(extra.mcpReq.id);
      if (stream) await whenDrained(stream);
    },
  });
  return {
    ...reporter,
    get lastSentAt() {
      return lastSentAt;
    },
  };
}
