import type { RunEndEvent, Usage } from '../../events/index.js';
import type { ProcessOutcome } from '../kit/agent-decoder.js';
import { abortedEnding, describeProcessExit, processEnding } from '../kit/run-endings.js';
import { acpRpcErrorSchema, type AcpPromptResult } from './acp-wire.js';

/** How the agent process ended, as the provider saw it. */
export type AcpProcessOutcome = ProcessOutcome;

/** What the decoder learned during the run, for the run-end. */
export interface AcpTurnFacts {
  sessionId?: string;
  model?: string;
  usage?: Usage;
  text: string;
}

function base(facts: AcpTurnFacts) {
  return {
    type: 'run-end' as const,
    text: facts.text,
    nativeSessionId: facts.sessionId,
    model: facts.model,
    usage: facts.usage,
  };
}

/** Token use from the prompt result: ACP's `usage`, else Gemini's `_meta.quota`. */
export function usageOfPromptResult(result: AcpPromptResult): Usage | undefined {
  if (result.usage) {
    const { inputTokens, outputTokens, cachedReadTokens, thoughtTokens } = result.usage;
    return {
      inputTokens,
      outputTokens,
      ...(typeof cachedReadTokens === 'number' ? { cachedInputTokens: cachedReadTokens } : {}),
      ...(thoughtTokens ? { reasoningTokens: thoughtTokens } : {}),
    };
  }
  const counts = result._meta?.quota?.token_count;
  if (counts?.input_tokens === undefined || counts.output_tokens === undefined) return undefined;
  return { inputTokens: counts.input_tokens, outputTokens: counts.output_tokens };
}

/** The run-end for a `session/prompt` result; `undefined` for `cancelled`, which needs the outcome. */
export function runEndFromStopReason(
  stopReason: string,
  facts: AcpTurnFacts,
): RunEndEvent | undefined {
  switch (stopReason) {
    case 'end_turn':
      return {
        ...base(facts),
        status: 'completed',
        finishReason: { unified: 'stop', raw: stopReason },
      };
    case 'max_tokens':
    case 'max_turn_requests':
      return {
        ...base(facts),
        status: 'completed',
        finishReason: { unified: 'length', raw: stopReason },
      };
    case 'refusal':
      return {
        ...base(facts),
        status: 'failed',
        finishReason: { unified: 'other', raw: stopReason },
        error: {
          code: 'agent_error',
          message: 'The agent refused to continue (stopReason refusal).',
        },
      };
    case 'cancelled':
      return undefined;
    default:
      return {
        ...base(facts),
        status: 'completed',
        finishReason: { unified: 'other', raw: stopReason },
      };
  }
}

/** The run-end for a JSON-RPC error answering one of our requests (the prompt, or its set-up). */
export function runEndFromRequestError(
  method: string,
  error: unknown,
  facts: AcpTurnFacts,
): RunEndEvent {
  const parsed = acpRpcErrorSchema.safeParse(error);
  const message = parsed.success ? describeRpcError(parsed.data) : JSON.stringify(error);
  // Gemini answers a model API error with the HTTP status as the JSON-RPC code.
  const code =
    parsed.success && parsed.data.code >= 400 && parsed.data.code <= 599
      ? 'upstream_error'
      : 'agent_error';
  const what =
    method === 'session/prompt'
      ? 'The agent failed the turn'
      : method === 'session/load' || method === 'session/resume'
        ? `The agent could not resume session ${facts.sessionId ?? '(unknown)'}`
        : `The agent refused ${method}`;
  return {
    ...base(facts),
    status: 'failed',
    finishReason: { unified: 'error', raw: method },
    error: { code, message: `${what}: ${message}` },
  };
}

function describeRpcError(error: { code: number; message: string; data?: unknown }): string {
  const data = error.data === undefined ? '' : ` ${JSON.stringify(error.data).slice(0, 500)}`;
  return `${error.message}${data} (code ${error.code})`;
}

/** The run-end for a cancelled turn, or a process that ended before answering the prompt. */
export function runEndFromOutcome(
  outcome: AcpProcessOutcome,
  facts: AcpTurnFacts,
  wasCancelled: boolean,
): RunEndEvent {
  const raw = wasCancelled ? 'cancelled' : describeProcessExit(outcome);
  if (outcome.aborted) return { ...base(facts), ...abortedEnding(outcome.aborted, raw) };
  if (wasCancelled) {
    return {
      ...base(facts),
      status: 'failed',
      finishReason: { unified: 'interrupted', raw },
      error: { code: 'agent_error', message: 'The agent cancelled the turn by itself.' },
    };
  }
  return { ...base(facts), ...processEnding('The agent', outcome) };
}
