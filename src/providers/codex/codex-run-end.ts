import type { RunEndEvent, Usage } from '../../events/index.js';
import type { ProcessOutcome } from '../kit/agent-decoder.js';
import { describeProcessExit, failedEnding, processEnding } from '../kit/run-endings.js';
import { codexPeerName } from './codex-app-server-client.js';
import type { CodexTokenUsageBreakdown, CodexTurnError } from './codex-wire.js';

/**
 * How the app-server ended, as the provider saw it: `aborted` when we interrupted the turn or
 * ended the process, `failure` for what the transcript does not show (a request that timed out…).
 */
export type CodexProcessOutcome = ProcessOutcome;

/** What the decoder learned during the run, for the run-end. */
export interface CodexTurnFacts {
  threadId?: string;
  model?: string;
  usage?: Usage;
  text: string;
}

// Failures of Codex itself rather than of the model API behind it.
const localErrorInfos: ReadonlySet<string> = new Set([
  'sandboxError',
  'threadRollbackFailed',
  'tooManyDenials',
]);

/** An error as Codex reports it, with the upstream details it carries. */
export function describeCodexError(error: CodexTurnError): string {
  let message = error.message;
  const details = error.additionalDetails;
  if (details && !message.includes(details)) message += ` (${details})`;
  const info = describeErrorInfo(error.codexErrorInfo);
  return info ? `${message} [${info}]` : message;
}

/** `upstream_error` unless Codex says the failure was its own. */
export function errorCodeFor(error: CodexTurnError | undefined): string {
  const info = error?.codexErrorInfo;
  const name = typeof info === 'string' ? info : undefined;
  return name !== undefined && localErrorInfos.has(name) ? 'agent_error' : 'upstream_error';
}

function describeErrorInfo(info: unknown): string | undefined {
  if (typeof info === 'string') return info;
  if (typeof info !== 'object' || info === null) return undefined;
  const [name, value] = Object.entries(info)[0] ?? [];
  if (name === undefined) return undefined;
  const status = (value as { httpStatusCode?: unknown } | null)?.httpStatusCode;
  return typeof status === 'number' ? `${name}, HTTP ${status}` : name;
}

/** Token use of this turn: the thread's running total minus what it was before the turn. */
export function usageFrom(
  total: CodexTokenUsageBreakdown,
  baseline: CodexTokenUsageBreakdown,
): Usage {
  const reasoning = (total.reasoningOutputTokens ?? 0) - (baseline.reasoningOutputTokens ?? 0);
  return {
    // OpenAI counts cached input inside input_tokens already.
    inputTokens: total.inputTokens - baseline.inputTokens,
    outputTokens: total.outputTokens - baseline.outputTokens,
    cachedInputTokens: (total.cachedInputTokens ?? 0) - (baseline.cachedInputTokens ?? 0),
    ...(reasoning > 0 ? { reasoningTokens: reasoning } : {}),
  };
}

export function subtractUsage(
  total: CodexTokenUsageBreakdown,
  last: CodexTokenUsageBreakdown,
): CodexTokenUsageBreakdown {
  return {
    inputTokens: total.inputTokens - last.inputTokens,
    cachedInputTokens: (total.cachedInputTokens ?? 0) - (last.cachedInputTokens ?? 0),
    outputTokens: total.outputTokens - last.outputTokens,
    reasoningOutputTokens: (total.reasoningOutputTokens ?? 0) - (last.reasoningOutputTokens ?? 0),
  };
}

function base(facts: CodexTurnFacts) {
  return {
    type: 'run-end' as const,
    text: facts.text,
    nativeSessionId: facts.threadId,
    model: facts.model,
    usage: facts.usage,
  };
}

/** The run-end for `turn/completed`; `undefined` for an interrupt, which needs the outcome. */
export function runEndFromTurn(
  status: string,
  turnError: CodexTurnError | undefined,
  facts: CodexTurnFacts,
): RunEndEvent | undefined {
  if (status === 'completed') {
    return { ...base(facts), status: 'completed', finishReason: { unified: 'stop', raw: status } };
  }
  if (status === 'interrupted') return undefined;
  const message = turnError
    ? describeCodexError(turnError)
    : `Codex ended the turn with status ${status}.`;
  return { ...base(facts), ...failedEnding({ code: errorCodeFor(turnError), message }, status) };
}

/** The run-end for an interrupted turn, or a process that ended without finishing the turn. */
export function runEndFromOutcome(
  outcome: CodexProcessOutcome,
  facts: CodexTurnFacts,
  wasInterrupted: boolean,
): RunEndEvent {
  const raw = wasInterrupted ? 'interrupted' : describeProcessExit(outcome);
  if (wasInterrupted && !outcome.aborted) {
    return {
      ...base(facts),
      status: 'failed',
      finishReason: { unified: 'interrupted', raw },
      error: { code: 'agent_error', message: 'Codex interrupted the turn by itself.' },
    };
  }
  return { ...base(facts), ...processEnding(codexPeerName, outcome, { abortedRaw: raw }) };
}

/** The run-end for a request of the run's set-up that Codex refused (unknown thread…). */
export function runEndFromRefusal(
  method: string,
  message: string,
  facts: CodexTurnFacts,
  resumeThreadId: string | undefined,
): RunEndEvent {
  const what =
    method === 'thread/resume'
      ? `Codex could not resume thread ${resumeThreadId ?? '(unknown)'}`
      : `Codex refused ${method}`;
  return {
    ...base(facts),
    ...failedEnding({ code: 'agent_error', message: `${what}: ${message}` }, method),
  };
}
