import { describe, expect, it } from 'vitest';
import type { AgentEvent } from '../events/index.js';
import { createModelCheck, isSameModel } from './model-honesty.js';

describe('isSameModel', () => {
  it.each([
    // What the agents were seen to report (docs/providers/*.md).
    ['sonnet', 'claude-sonnet-5-5'],
    ['opus', 'claude-opus-5-5'],
    ['opus[1m]', 'claude-opus-5-5'],
    ['haiku', 'claude-haiku-5-5'],
    ['opusplan', 'claude-sonnet-5-5'],
    ['default', 'claude-opus-5-5'],
    ['best', 'claude-opus-5-5'],
    ['claude-opus-4-8[1m]', 'claude-opus-4-8'],
    ['claude-sonnet-4-5', 'claude-sonnet-4-5-20250929'],
    ['claude-3-5-sonnet-latest', 'claude-3-5-sonnet-20241022'],
    ['gpt-5.5', 'GPT-5.5'],
    ['mock/mock-model', 'mock/mock-model'],
    ['mock/mock-model', 'mock-model'],
    ['mock-model', 'mock/mock-model'],
    ['openrouter/anthropic/claude-sonnet-4', 'anthropic/claude-sonnet-4'],
    ['flash-lite', 'gemini-2.5-flash-lite'],
    ['sonnet', 'claude-3-7-sonnet-20250219'],
  ])('takes %s reported as %s for the model asked for', (requested, reported) => {
    expect(isSameModel(requested, reported)).toBe(true);
  });

  it.each([
    ['sonnet', 'claude-haiku-9'],
    ['opus', 'claude-sonnet-5-5'],
    ['opusplan', 'claude-haiku-5-5'],
    ['mock-model', 'gpt-9-mini'],
    ['gpt-5', 'gpt-5-mini'],
    ['gpt-5', 'gpt-5-codex'],
    ['gpt-5.3-codex', 'gpt-5.2'],
    ['claude-sonnet-4-5', 'claude-sonnet-4-6'],
    ['anthropic/claude-sonnet-4', 'openai/claude-sonnet-4'],
    ['mock/mock-model', 'mock/other-model'],
    ['flash-lite', 'gemini-2.5-flash'],
  ])('takes %s reported as %s for a substitution', (requested, reported) => {
    expect(isSameModel(requested, reported)).toBe(false);
  });
});

const runStart = (model?: string): AgentEvent => ({
  type: 'run-start',
  provider: 'codex',
  cwd: '/work',
  ...(model === undefined ? {} : { model }),
});
const runEnd = (model?: string): AgentEvent => ({
  type: 'run-end',
  status: 'completed',
  text: 'Done.',
  finishReason: { unified: 'stop' },
  ...(model === undefined ? {} : { model }),
});

describe('createModelCheck', () => {
  it('warns once per substituted model and names the model asked for', () => {
    const check = createModelCheck('gpt-5', 'codex');
    expect(check.inspect(runStart('gpt-5'))).toEqual([]);
    expect(check.substitutedModel).toBeUndefined();
    expect(check.inspect(runEnd('gpt-5-mini'))).toEqual([
      { type: 'warning', message: 'Model substituted: asked for gpt-5, codex reports gpt-5-mini.' },
    ]);
    expect(check.inspect(runEnd('gpt-5-mini'))).toEqual([]);
    expect(check.substitutedModel).toBe('gpt-5');
  });

  it('says nothing when no model was asked for, or none was reported', () => {
    const unasked = createModelCheck(undefined, 'codex');
    expect(unasked.inspect(runEnd('gpt-5-mini'))).toEqual([]);
    expect(unasked.substitutedModel).toBeUndefined();
    const unreported = createModelCheck('gpt-5', 'codex');
    expect(
      [runStart(), runEnd(), runEnd('')].flatMap((event) => unreported.inspect(event)),
    ).toEqual([]);
    expect(unreported.substitutedModel).toBeUndefined();
  });

  it('looks only at the events that report the model', () => {
    const check = createModelCheck('gpt-5', 'codex');
    expect(check.inspect({ type: 'warning', message: 'Codex switched to gpt-5-mini.' })).toEqual(
      [],
    );
  });
});
