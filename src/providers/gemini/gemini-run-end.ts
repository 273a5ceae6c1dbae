import type { RunEndEvent, Usage } from '../../events/index.js';
import type { ProcessOutcome } from '../kit/agent-decoder.js';
import { failedEnding, processEnding, type ExitCodeMeanings } from '../kit/run-endings.js';
import type { GeminiResultLine, GeminiStats } from './gemini-wire.js';

/** How the `gemini` process ended, as the provider saw it. */
export type GeminiProcessOutcome = ProcessOutcome;

/** What the decoder learned during the turn, for the run-end. */
export interface GeminiTurnFacts {
  nativeSessionId?: string;
  model?: string;
  /** The assistant text since the last tool call: the answer. */
  answerText: string;
}

/** Lines Gemini CLI 0.61.0 prints on stderr in every run; they explain no failure. */
const stderrNoise: readonly RegExp[] = [
  /^Warning: (Basic terminal detected|256-color support not detected)/,
  /^Ripgrep is not available/,
  /^\[STARTUP\]/,
  /^YOLO mode is enabled/,
];

/**
 * Gemini CLI 0.61.0 exit codes for failures it reports only on stderr, before or instead of a
 * `result` line (`FatalError` subclasses). An API failure exits with the HTTP status mod 256.
 */
const geminiExitCodes: ExitCodeMeanings = new Map([
  [41, { code: 'provider_unavailable', reason: 'could not authenticate' }],
  [42, { code: 'agent_error', reason: 'refused its input' }],
  [44, { code: 'provider_unavailable', reason: 'could not start its sandbox' }],
  [52, { code: 'provider_unavailable', reason: 'rejected its configuration' }],
  [53, { code: 'agent_error', reason: 'reached its maximum number of turns' }],
  [54, { code: 'agent_error', reason: 'stopped on a fatal tool error' }],
  [55, { code: 'provider_unavailable', reason: 'does not trust the working directory' }],
]);

export function usageFromStats(stats: GeminiStats | undefined): Usage | undefined {
  if (stats?.input_tokens === undefined && stats?.output_tokens === undefined) return undefined;
  const cached = stats.cached ?? 0;
  return {
    // `input_tokens` already counts the cached part (as the API's promptTokenCount does).
    inputTokens: stats.input_tokens ?? 0,
    outputTokens: stats.output_tokens ?? 0,
    ...(cached > 0 ? { cachedInputTokens: cached } : {}),
  };
}

/** The run-end for a turn that printed its `result` line. */
export function runEndFromResult(result: GeminiResultLine, facts: GeminiTurnFacts): RunEndEvent {
  const base = {
    type: 'run-end' as const,
    text: facts.answerText,
    nativeSessionId: facts.nativeSessionId,
    model: facts.model ?? Object.keys(result.stats?.models ?? {})[0],
    usage: usageFromStats(result.stats),
  };
  if (result.status === 'success') {
    return { ...base, status: 'completed', finishReason: { unified: 'stop', raw: result.status } };
  }
  const message =
    result.error?.message ?? `Gemini CLI ended the turn with status ${result.status}.`;
  const code = message.startsWith('[API Error') ? 'upstream_error' : 'agent_error';
  return { ...base, ...failedEnding({ code, message }, result.error?.type ?? result.status) };
}

/** The run-end for a process that ended without a `result` line (an interrupt ends it so). */
export function runEndWithoutResult(
  outcome: GeminiProcessOutcome,
  facts: GeminiTurnFacts,
): RunEndEvent {
  return {
    type: 'run-end',
    text: facts.answerText,
    nativeSessionId: facts.nativeSessionId,
    model: facts.model,
    ...processEnding(
      'Gemini CLI',
      { ...outcome, stderrTail: withoutNoise(outcome.stderrTail) },
      { exitCodes: geminiExitCodes },
    ),
  };
}

function withoutNoise(stderr: string): string {
  return stderr
    .split('\n')
    .filter((line) => !stderrNoise.some((pattern) => pattern.test(line)))
    .join('\n');
}
