import type { FinishReason, RunEndEvent, Usage } from '../../events/index.js';
import type { ProcessOutcome } from '../kit/agent-decoder.js';
import { abortedEnding, failedEnding, processEnding } from '../kit/run-endings.js';
import type { ClaudeCodeResultLine } from './claude-code-wire.js';

/** How the `claude` process ended, as the provider saw it. */
export type ClaudeCodeProcessOutcome = ProcessOutcome;

/** What the decoder learned during the turn, for the run-end. */
export interface ClaudeCodeTurnFacts {
  nativeSessionId?: string;
  /** Claude Code's own resolution of `--model` (`system/init`). */
  model?: string;
  /**
   * The model the API answered the last main-agent message with (`assistant.message.model`);
   * differs from `model` when the API substituted one. `modelUsage` keeps the requested name.
   */
  answeredModel?: string;
  /** The text blocks of the last assistant message that had text, joined. */
  lastAssistantText: string;
}

/**
 * Whether the result settles the run by itself. `error_during_execution` does not: it is what
 * an interrupt produces, and only the process outcome tells whether we interrupted it.
 */
export function isSettlingResult(result: ClaudeCodeResultLine): boolean {
  return result.subtype !== 'error_during_execution';
}

export function usageFromResult(result: ClaudeCodeResultLine): Usage | undefined {
  if (!result.usage) return undefined;
  const cacheRead = result.usage.cache_read_input_tokens ?? 0;
  const cacheCreation = result.usage.cache_creation_input_tokens ?? 0;
  const thinking = (result.usage as { output_tokens_details?: { thinking_tokens?: unknown } })
    .output_tokens_details?.thinking_tokens;
  return {
    // Anthropic counts cached and cache-writing input apart from input_tokens; the total is
    // what the model read.
    inputTokens: (result.usage.input_tokens ?? 0) + cacheCreation + cacheRead,
    outputTokens: result.usage.output_tokens ?? 0,
    cachedInputTokens: cacheRead,
    ...(typeof thinking === 'number' && thinking > 0 ? { reasoningTokens: thinking } : {}),
    ...(typeof result.total_cost_usd === 'number' ? { costUsd: result.total_cost_usd } : {}),
  };
}

/** The run-end for a turn that printed its `result` line. */
export function runEndFromResult(
  result: ClaudeCodeResultLine,
  facts: ClaudeCodeTurnFacts,
  aborted: { reason: unknown } | undefined,
): RunEndEvent {
  const raw = result.terminal_reason ?? result.stop_reason ?? undefined;
  const base = {
    type: 'run-end' as const,
    nativeSessionId: result.session_id ?? facts.nativeSessionId,
    model: facts.answeredModel ?? facts.model ?? Object.keys(result.modelUsage ?? {})[0],
    usage: usageFromResult(result),
  };
  const isApiError =
    (result.subtype === 'success' && result.is_error === true) ||
    (result.api_error_status !== null && result.api_error_status !== undefined);

  if (result.subtype === 'success' && !isApiError) {
    return {
      ...base,
      status: 'completed',
      text: result.result ?? facts.lastAssistantText,
      finishReason: { unified: unifiedStopReason(result.stop_reason), raw },
    };
  }
  if (result.subtype === 'error_during_execution' && aborted) {
    return { ...base, text: facts.lastAssistantText, ...abortedEnding(aborted, raw) };
  }
  const error = isApiError ? apiError(result) : agentError(result);
  return { ...base, text: facts.lastAssistantText, ...failedEnding(error, raw) };
}

/** The run-end for a process that ended without a `result` line. */
export function runEndWithoutResult(
  outcome: ClaudeCodeProcessOutcome,
  facts: ClaudeCodeTurnFacts,
): RunEndEvent {
  const base = {
    type: 'run-end' as const,
    text: facts.lastAssistantText,
    nativeSessionId: facts.nativeSessionId,
    model: facts.answeredModel ?? facts.model,
  };
  return { ...base, ...processEnding('Claude Code', outcome) };
}

const unifiedByStopReason: ReadonlyMap<string, FinishReason['unified']> = new Map([
  ['max_tokens', 'length'],
  ['model_context_window_exceeded', 'length'],
  ['tool_use', 'tool-calls'],
  ['refusal', 'other'],
  ['pause_turn', 'other'],
]);

function unifiedStopReason(stopReason: string | null | undefined): FinishReason['unified'] {
  // end_turn, stop_sequence and a missing reason all mean the model finished its answer.
  return unifiedByStopReason.get(stopReason ?? '') ?? 'stop';
}

function apiError(result: ClaudeCodeResultLine): { code: string; message: string } {
  const message =
    result.result ?? `Claude Code reported an API error (${result.api_error_status}).`;
  // Claude Code reports a missing login as an API error; it is the provider not being ready.
  const code = message.startsWith('Not logged in') ? 'provider_unavailable' : 'upstream_error';
  return { code, message };
}

function agentError(result: ClaudeCodeResultLine): { code: string; message: string } {
  const errors = (result.errors ?? []).join('; ');
  const reason =
    result.subtype === 'error_max_turns'
      ? 'Claude Code stopped at the maximum number of turns'
      : `Claude Code ended the turn with ${result.subtype}`;
  return { code: 'agent_error', message: errors ? `${reason}: ${errors}` : `${reason}.` };
}
