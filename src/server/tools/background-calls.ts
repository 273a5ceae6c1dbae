/**
 * What run_agent / resume_agent with `background: true`, wait_agent and cancel_agent do, over
 * the process's background runs (server/tasks). Loaded with the first such call.
 */
import type { CallToolResult } from '@modelcontextprotocol/server';
import { AgentError } from '../../errors/index.js';
import type { BackgroundCall, BackgroundRuns } from '../tasks/background-runs.js';
import { defaultBackgroundRetention } from '../tasks/background-runs.js';
import type { TasksExtension } from '../tasks/tasks-extension.js';
import { startedToToolResult, stillRunningToToolResult } from './background-tool-results.js';
import { refusalToToolResult } from './run-tool-result.js';
import {
  createReporter,
  keepApartFromResult,
  type RunToolContext,
  type ToolExtra,
} from './run-with-progress.js';
import { defaultWaitSeconds } from './tool-schemas.js';

export interface BackgroundToolContext extends RunToolContext {
  background: BackgroundRuns;
  /** The HTTP bearer token's fingerprint: runs are found only under the token that started them. */
  owner?: string;
  /** Runs already listed as this connection's resources. */
  listedRuns: Set<string>;
  /** The process's MCP tasks, when this connection offers them (2026-07-28). */
  tasks?: TasksExtension;
}

// A cancelled run ends within the providers' grace periods; past this, cancel_agent answers
// with the run still ending (wait_agent then tells how it ended).
const cancelWaitMs = 45_000;

const retained = `Results stay readable for ${defaultBackgroundRetention.retainMs / 60_000} minutes after a run ends (the latest ${defaultBackgroundRetention.maxEnded} runs).`;

/** A resume of a session whose background run still goes on: refused. */
function refuseBusySession(
  context: BackgroundToolContext,
  call: BackgroundCall,
): CallToolResult | undefined {
  if (call.tool !== 'resume_agent') return undefined;
  const current = context.background.findBySession(call.input.sessionId, context.owner);
  if (!current || context.background.status(current)?.state !== 'running') return undefined;
  return refusal(
    'invalid_input',
    `Session ${call.input.sessionId} has a background run still going on: collect it with wait_agent (or stop it with cancel_agent) before resuming the session.`,
  );
}

export async function startInBackground(
  context: BackgroundToolContext,
  call: BackgroundCall,
  provider: string,
): Promise<CallToolResult> {
  const { background, owner } = context;
  const refused = refuseBusySession(context, call);
  if (refused) return refused;
  const id = await background.start(call, { owner, provider });
  const view = background.view(id);
  // Refused before it ran (bad input, unknown session…): the same answer as a foreground call.
  if (!view?.sessionId) return background.result(id)!;
  return startedToToolResult(view, view.sessionId);
}

/**
 * Answers the call with an MCP task (the Tasks extension) instead of its result. A resume of a
 * session whose background run still goes on is refused as for `background: true`.
 */
export async function startAsTask(
  context: BackgroundToolContext,
  tasks: TasksExtension,
  call: BackgroundCall,
): Promise<CallToolResult> {
  const refused = refuseBusySession(context, call);
  if (refused) return refused;
  // The SDK sends a handler's task answer as it is (`resultType: "task"`), not as a tool result.
  return (await tasks.createTask(call, context.owner)) as unknown as CallToolResult;
}

export async function waitForBackgroundRun(
  extra: ToolExtra,
  context: BackgroundToolContext,
  input: { session_id: string; timeout_seconds?: number },
): Promise<CallToolResult> {
  const { background } = context;
  const id = background.findBySession(input.session_id, context.owner);
  if (!id) return noBackgroundRun(input.session_id);
  const reporter = createReporter(extra, context, background.view(id)?.provider ?? 'session');
  const unwatch = background.watch(id, (event) => reporter?.push(event));
  const timeoutMs = (input.timeout_seconds ?? defaultWaitSeconds) * 1000;
  const isEnded = await background.settled(id, timeoutMs, extra.mcpReq.signal);
  unwatch();
  await reporter?.close();
  if (reporter) await keepApartFromResult(reporter.lastSentAt);
  const view = background.view(id);
  if (!view) return noBackgroundRun(input.session_id);
  if (!isEnded) return stillRunningToToolResult(view, input.session_id);
  if (view.record && !context.listedRuns.has(id)) {
    context.listedRuns.add(id);
    const status = (background.result(id)?.structuredContent as { status?: string })?.status;
    context.connectionRuns.add({ ...view.record, summary: `${view.provider} · ${status}` });
  }
  return background.result(id)!;
}

export async function cancelBackgroundRun(
  extra: ToolExtra,
  context: BackgroundToolContext,
  input: { session_id: string },
): Promise<CallToolResult> {
  const { background } = context;
  const id = background.findBySession(input.session_id, context.owner);
  if (!id) return noBackgroundRun(input.session_id);
  if (background.status(id)?.state !== 'running') {
    return refusal(
      'no_background_run',
      `The background run of session ${input.session_id} has already ended: wait_agent returns its result.`,
    );
  }
  await background.cancel(id);
  const isEnded = await background.settled(id, cancelWaitMs, extra.mcpReq.signal);
  const view = background.view(id);
  if (isEnded && background.result(id)) return background.result(id)!;
  return stillRunningToToolResult(view!, input.session_id);
}

function noBackgroundRun(sessionId: string): CallToolResult {
  return refusal(
    'no_background_run',
    `No background run for session_id "${sessionId.slice(0, 80)}": wait_agent and cancel_agent take the session_id that run_agent or resume_agent returned with background: true. ${retained}`,
  );
}

function refusal(code: AgentError['code'], message: string): CallToolResult {
  return refusalToToolResult(new AgentError(code, message), 'session');
}
