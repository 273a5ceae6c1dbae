import { describe, expect, it } from 'vitest';
import type { RunEndEvent } from '../../events/index.js';
import { createRunLifecycle, createRunLifecycleFromFacts } from './run-lifecycle.js';

const runEnd: RunEndEvent = {
  type: 'run-end',
  status: 'completed',
  text: 'done',
  finishReason: { unified: 'stop' },
};

describe('createRunLifecycle', () => {
  const create = (facts: { session?: string } = {}) =>
    createRunLifecycle(() => ({
      type: 'run-start',
      provider: 'test',
      nativeSessionId: facts.session,
      cwd: '/work',
    }));

  it('starts once, with what is known when the start is due, and the warnings held for it', () => {
    const facts: { session?: string } = {};
    const lifecycle = create(facts);
    expect(lifecycle.warn('early')).toEqual([]);
    facts.session = 'abc';
    expect(lifecycle.start()).toEqual([
      { type: 'run-start', provider: 'test', nativeSessionId: 'abc', cwd: '/work' },
      { type: 'warning', message: 'early' },
    ]);
    expect(lifecycle.start()).toEqual([]);
    expect(lifecycle.warn('late')).toEqual([{ type: 'warning', message: 'late' }]);
  });

  it('ends once, starting first when no start came, with a failed result for each open tool', () => {
    const lifecycle = create();
    lifecycle.toolStarted('a', 'bash');
    lifecycle.toolStarted('b', 'edit');
    lifecycle.toolFinished('a');
    expect(lifecycle.isToolOpen('b')).toBe(true);
    expect(lifecycle.end(runEnd)).toEqual([
      { type: 'run-start', provider: 'test', nativeSessionId: undefined, cwd: '/work' },
      {
        type: 'tool-result',
        callId: 'b',
        toolName: 'edit',
        output: '(did not finish: the turn ended first)',
        isError: true,
      },
      runEnd,
    ]);
    expect(lifecycle.end(runEnd)).toEqual([]);
    expect(lifecycle.hasEnded).toBe(true);
  });
});

describe('createRunLifecycleFromFacts', () => {
  it('holds warnings for the start, which reports the session and model the first line names', () => {
    const lifecycle = createRunLifecycleFromFacts({ provider: 'test', cwd: '/work' }, {});
    const warning = { type: 'warning' as const, message: 'not JSON' };
    expect(lifecycle.withStart([warning])).toEqual([]);
    expect(lifecycle.startWith('abc', 'm1')).toEqual([
      { type: 'run-start', provider: 'test', nativeSessionId: 'abc', model: 'm1', cwd: '/work' },
      warning,
    ]);
    expect(lifecycle.startWith('other')).toEqual([]);
    expect(lifecycle.withStart([warning])).toEqual([warning]);
  });

  it('starts the run before any other event, keeping what the facts already know', () => {
    const lifecycle = createRunLifecycleFromFacts(
      { provider: 'test', cwd: '/work' },
      { nativeSessionId: 'ours' },
    );
    const text = { type: 'text' as const, blockId: 'b', text: 'hi' };
    expect(lifecycle.withStart([text], 'theirs')).toEqual([
      {
        type: 'run-start',
        provider: 'test',
        nativeSessionId: 'ours',
        model: undefined,
        cwd: '/work',
      },
      text,
    ]);
  });
});
