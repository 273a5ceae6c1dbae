import type { FinishReason, RunEndEvent, Usage } from '../../events/index.js';
import type { TurnOutcome } from '../kit/agent-decoder.js';
import { abortedEnding, failedEnding } from '../kit/run-endings.js';
import type { OpencodeError, OpencodeTokens } from './opencode-wire.js';

/**
 * How the provider saw the turn end, beside what the event stream said: `aborted` when we asked
 * opencode to abort the turn; `failure` for what the stream does not show (it broke, a request
 * failed, the session is unknown).
 */
export type OpencodeTurnOutcome = TurnOutcome;

/** What the decoder learned during the turn, for the run-end. */
export interface OpencodeTurnFacts {
  /** Absent when the run ended before it had a session. */
  sessionId?: string;
  text: string;
  model?: string;
  usage?: Usage;
  /** `finish` of the turn's last assistant message. */
  finish?: string;
  /** The first `session.error` of the turn that is not an abort. */
  error?: OpencodeError;
  /** opencode reported `MessageAbortedError`. */
  wasAborted: boolean;
  /** `session.idle` (or `session.status` idle) ended the turn. */
  isIdle: boolean;
}

/** What one `step-finish` part reports. */
export interface OpencodeStepUsage {
  tokens?: OpencodeTokens;
  cost?: number;
}

/**
 * The usage of a turn: the sum of its steps (each step is one model request, its input the
 * whole context again). Cached input is opencode's `cache.read`; a cost of 0 (a model without
 * pricing) is left out, as unknown.
 */
export function sumOpencodeUsage(steps: Iterable<OpencodeStepUsage>): Usage | undefined {
  const total = { input: 0, output: 0, cached: 0, reasoning: 0, cost: 0, steps: 0 };
  for (const step of steps) {
    total.steps += 1;
    total.input += step.tokens?.input ?? 0;
    total.output += step.tokens?.output ?? 0;
    total.cached += step.tokens?.cache?.read ?? 0;
    total.reasoning += step.tokens?.reasoning ?? 0;
    total.cost += step.cost ?? 0;
  }
  if (total.steps === 0) return undefined;
  return {
    inputTokens: total.input,
    outputTokens: total.output,
    cachedInputTokens: total.cached,
    ...(total.reasoning > 0 ? { reasoningTokens: total.reasoning } : {}),
    ...(total.cost > 0 ? { costUsd: total.cost } : {}),
  };
}

// Errors of the model API behind opencode, rather than of opencode itself.
const upstreamErrorNames: ReadonlySet<string> = new Set([
  'APIError',
  'ProviderAuthError',
  'ContextOverflowError',
]);

/** `upstream_error` for the model API's errors (HTTP status, auth), `agent_error` otherwise. */
export function errorCodeFor(error: OpencodeError): string {
  return upstreamErrorNames.has(error.name) ? 'upstream_error' : 'agent_error';
}

/** An error as opencode reports it: its message, the HTTP status and name. */
export function describeOpencodeError(error: OpencodeError): string {
  const message = error.data?.message ?? error.name;
  const status = error.data?.statusCode;
  const labels = [error.name, status === undefined ? undefined : `HTTP ${status}`];
  return `${message} [${labels.filter(Boolean).join(', ')}]`;
}

const unifiedFinishes: ReadonlySet<string> = new Set(['stop', 'length', 'tool-calls', 'error']);

function unifiedFinish(finish: string | undefined): FinishReason['unified'] {
  return finish !== undefined && unifiedFinishes.has(finish)
    ? (finish as FinishReason['unified'])
    : 'other';
}

/** The run-end of a turn, from the facts and how it ended. */
export function buildOpencodeRunEnd(
  facts: OpencodeTurnFacts,
  outcome: OpencodeTurnOutcome,
): RunEndEvent {
  const base = {
    type: 'run-end' as const,
    text: facts.text,
    ...(facts.sessionId === undefined ? {} : { nativeSessionId: facts.sessionId }),
    ...(facts.model === undefined ? {} : { model: facts.model }),
    ...(facts.usage === undefined ? {} : { usage: facts.usage }),
  };
  if (outcome.aborted) {
    const raw = facts.wasAborted ? 'MessageAbortedError' : 'aborted';
    return { ...base, ...abortedEnding(outcome.aborted, raw) };
  }
  if (outcome.failure) return { ...base, ...failedEnding(outcome.failure, outcome.failure.code) };
  if (facts.error) {
    const error = { code: errorCodeFor(facts.error), message: describeOpencodeError(facts.error) };
    return { ...base, ...failedEnding(error, facts.error.name) };
  }
  if (facts.wasAborted) {
    return {
      ...base,
      status: 'failed',
      finishReason: { unified: 'interrupted', raw: 'MessageAbortedError' },
      error: {
        code: 'agent_error',
        message: 'The turn was aborted in opencode by someone else (another client of its server).',
      },
    };
  }
  if (!facts.isIdle) {
    const message = 'The opencode event stream ended before the turn did.';
    return { ...base, ...failedEnding({ code: 'agent_crashed', message }, 'stream-ended') };
  }
  return {
    ...base,
    status: 'completed',
    finishReason: {
      unified: unifiedFinish(facts.finish),
      ...(facts.finish ? { raw: facts.finish } : {}),
    },
  };
}
