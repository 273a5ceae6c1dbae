/**
 * Model honesty ("never a silent fallback"): when a run asked for a model and the agent reports
 * another one, the run says so with a `warning` event and the result's `requested_model`.
 *
 * Where the agents report their model (details in docs/providers/*.md):
 * - Claude Code: `system/init.model` is its own resolution of `--model` (`sonnet` →
 *   `claude-sonnet-5-5`); each assistant message carries the model the API answered with, which
 *   the decoder reports in `run-end`. `modelUsage` is keyed by the requested model, not the answer.
 * - Codex: `thread/start` answers the configured model; when the API names another one (its
 *   `openai-model` header), Codex sends `model/rerouted` and the decoder reports the new model.
 * - opencode: the assistant message's `providerID/modelID`, the model opencode chose.
 *
 * The rule: a reported model is the requested one when, compared case-insensitively,
 * 1. after dropping a bracketed tag (`claude-opus-4-8[1m]`, Claude Code's context variant) and a
 *    date or `latest` suffix (`claude-sonnet-4-5-20250929`, `gpt-5@2025-08-07`), both are equal;
 * 2. a `provider/` path on one side only is ignored: `mock/mock-model` is `mock-model`, and the
 *    paths both sides have must be equal (`anthropic/x` is not `openai/x`);
 * 3. a requested name without digits is an alias of a family (`sonnet`, `opus`, `flash-lite`):
 *    it matches a reported name that has its words in a row (`claude-sonnet-5-5`,
 *    `gemini-2.5-flash-lite`);
 * 4. `default`, `auto` and `best` leave the choice to the agent, and `opusplan` (Claude Code:
 *    Opus in plan mode, Sonnet otherwise) matches either family.
 * A name with a version is not an alias: `gpt-5` reported as `gpt-5-mini` or `gpt-5-codex`, or
 * `claude-sonnet-4-5` as `claude-sonnet-4-6`, is a substitution.
 */
import type { AgentEvent } from '../events/index.js';

const agentChoiceAliases = new Set(['default', 'auto', 'best']);
const multiFamilyAliases = new Map([['opusplan', ['opus', 'sonnet']]]);

/** Whether `reported` is the model `requested` asked for, by the rule above. */
export function isSameModel(requested: string, reported: string): boolean {
  const wanted = pathOf(requested);
  const got = pathOf(reported);
  const shared = Math.min(wanted.length, got.length);
  const wantedTail = wanted.slice(-shared);
  const gotTail = got.slice(-shared);
  if (wantedTail.slice(0, -1).join('/') !== gotTail.slice(0, -1).join('/')) return false;
  return isSameModelId(wantedTail.at(-1) ?? '', gotTail.at(-1) ?? '');
}

function isSameModelId(requested: string, reported: string): boolean {
  if (requested === reported) return true;
  if (agentChoiceAliases.has(requested)) return true;
  if (/\d/.test(requested)) return false;
  const families = multiFamilyAliases.get(requested) ?? [requested];
  const reportedWords = wordsOf(reported);
  return families.some((family) => containsRun(reportedWords, wordsOf(family)));
}

/** Lower case, without a bracketed tag or a date suffix, split at `/`. */
function pathOf(model: string): string[] {
  const bare = model
    .trim()
    .toLowerCase()
    .replace(/\[[^\]]*\]$/, '')
    .replace(/[-@](\d{8}|\d{4}-\d{2}-\d{2}|latest)$/, '');
  return bare.split('/');
}

function wordsOf(modelId: string): string[] {
  return modelId.split(/[-_.:\s]+/).filter(Boolean);
}

function containsRun(words: string[], run: string[]): boolean {
  if (run.length === 0) return false;
  for (let start = 0; start + run.length <= words.length; start += 1) {
    if (run.every((word, offset) => words[start + offset] === word)) return true;
  }
  return false;
}

export interface ModelCheck {
  /**
   * The warnings this event calls for: one per reported model that is not the requested one,
   * the first time it is reported. Deliver them after a `run-start`, before a `run-end`.
   */
  inspect(event: AgentEvent): AgentEvent[];
  /** The requested model, once the agent reported another one; otherwise undefined. */
  readonly substitutedModel: string | undefined;
}

/** Compares every model the run's events report with the one the run asked for. */
export function createModelCheck(requested: string | undefined, provider: string): ModelCheck {
  const warned = new Set<string>();
  return {
    inspect(event) {
      if (requested === undefined) return [];
      if (event.type !== 'run-start' && event.type !== 'run-end') return [];
      const reported = event.model;
      if (!reported || warned.has(reported) || isSameModel(requested, reported)) {
        return [];
      }
      warned.add(reported);
      const message = `Model substituted: asked for ${requested}, ${provider} reports ${reported}.`;
      return [{ type: 'warning', message }];
    },
    get substitutedModel() {
      return warned.size > 0 ? requested : undefined;
    },
  };
}
