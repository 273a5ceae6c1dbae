import type { CallToolResult } from '@modelcontextprotocol/server';
import { shortenInput, type AgentError } from '../../errors/index.js';
import type { RunOutcome } from '../../runs/index.js';
import { runRecordMimeType, runRecordUri } from '../resources/run-record-resource.js';
import { boundResultText } from './bound-result-text.js';
import type { RunResult } from './tool-schemas.js';

/**
 * The tool result of a finished run: structured (text first), one text block, and a
 * `resource_link` to the run's record when it has one. `text` is bounded by `maxTextCharacters`.
 */
export function runOutcomeToToolResult(
  outcome: RunOutcome,
  maxTextCharacters: number,
): CallToolResult {
  const recordUri = outcome.record && runRecordUri(outcome.record);
  const answer = boundResultText(outcome.text, maxTextCharacters, recordUri);
  const result: RunResult = {
    text: answer.text,
    status: outcome.status,
    session_id: outcome.sessionId,
    provider: outcome.provider,
    model: outcome.model,
    requested_model: outcome.requestedModel,
    usage: outcome.usage && {
      input_tokens: outcome.usage.inputTokens,
      output_tokens: outcome.usage.outputTokens,
      cached_input_tokens: outcome.usage.cachedInputTokens,
      reasoning_tokens: outcome.usage.reasoningTokens,
      cost_usd: outcome.usage.costUsd,
    },
    duration_ms: Math.round(outcome.durationMs),
    tool_calls: outcome.toolCalls,
    files_changed: outcome.filesChanged,
    error: outcome.error,
    text_truncated: answer.isTruncated || undefined,
    record_uri: recordUri,
  };
  const toolResult = toToolResult(withoutUndefined(result));
  if (outcome.record && recordUri) {
    toolResult.content.push({
      type: 'resource_link',
      uri: recordUri,
      name: `run ${outcome.record.runNumber} of ${outcome.record.sessionId}`,
      description: `Run record: every event of this ${outcome.provider} run and its whole answer, as JSON lines.`,
      mimeType: runRecordMimeType,
    });
  }
  return toolResult;
}

/**
 * A call refused before anything ran (bad input, unknown session…), still in the run shape;
 * `cancelled` for a background run cancelled before it got to run. `provider` may be the
 * caller's unknown one: shortened, as the error message quotes it.
 */
export function refusalToToolResult(
  error: AgentError,
  provider: string,
  status: 'failed' | 'cancelled' = 'failed',
): CallToolResult {
  return toToolResult({
    text: error.message,
    status,
    provider: shortenInput(provider),
    duration_ms: 0,
    tool_calls: 0,
    files_changed: [],
    error: { code: error.code, message: error.message },
  });
}

function toToolResult(result: RunResult): CallToolResult {
  const footer = [
    `status: ${result.status}`,
    result.session_id && `session_id: ${result.session_id}`,
    result.requested_model &&
      `model: ${result.model ?? 'unknown'} (asked for ${result.requested_model})`,
    result.error && `error: ${result.error.code}`,
  ]
    .filter(Boolean)
    .join(' · ');
  const body =
    result.status === 'completed' || !result.error
      ? result.text
      : result.text || result.error.message;
  return {
    content: [{ type: 'text', text: `${body}\n\n[${result.provider} · ${footer}]` }],
    structuredContent: result,
    ...(result.status === 'completed' ? {} : { isError: true }),
  };
}

function withoutUndefined<T extends object>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
