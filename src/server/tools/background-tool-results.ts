/**
 * The tool results of background runs that are not a run's own result: the answer of a call
 * started in the background, and wait_agent's answer while the run goes on. Both keep the
 * run result's shape, with `status: "running"`.
 */
import type { CallToolResult } from '@modelcontextprotocol/server';
import type { BackgroundRunView } from '../tasks/background-runs.js';
import type { RunResult } from './tool-schemas.js';

function runningResult(view: BackgroundRunView, sessionId: string, text: string): CallToolResult {
  const result: RunResult = {
    text,
    status: 'running',
    session_id: sessionId,
    provider: view.provider,
    duration_ms: Math.max(0, Math.round(Date.now() - view.startedAt)),
    tool_calls: view.toolCalls,
    files_changed: view.filesChanged,
  };
  return {
    content: [
      {
        type: 'text',
        text: `${text}\n\n[${view.provider} · status: running · session_id: ${sessionId}]`,
      },
    ],
    structuredContent: result,
  };
}

const howToContinue = (sessionId: string) =>
  `Call wait_agent with session_id "${sessionId}" to wait for the result, or cancel_agent to stop the run.`;

/** The answer of run_agent / resume_agent with `background: true`. */
export function startedToToolResult(view: BackgroundRunView, sessionId: string): CallToolResult {
  return runningResult(
    { ...view, latestEvents: [], toolCalls: 0, filesChanged: [] },
    sessionId,
    `Started in the background: a ${view.provider} run in session ${sessionId}. ${howToContinue(sessionId)}`,
  );
}

/** wait_agent's answer when the run has not ended: how long it runs and its latest events. */
export function stillRunningToToolResult(
  view: BackgroundRunView,
  sessionId: string,
): CallToolResult {
  const seconds = Math.round((Date.now() - view.startedAt) / 1000);
  const events = view.latestEvents.length
    ? `Latest events:\n${view.latestEvents.map((line) => `- ${line}`).join('\n')}`
    : 'No event yet.';
  return runningResult(
    view,
    sessionId,
    `Still running after ${seconds} s: the ${view.provider} run in session ${sessionId}.\n${events}\n${howToContinue(sessionId)}`,
  );
}
