/**
 * The decoder on transcripts recorded from the real Gemini CLI by
 * scripts/record-transcript.mjs (see each fixture's .meta.json for argv, exit and version).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AgentEvent } from '../../events/index.js';
import {
  itHonoursTheContractOnEveryFixture,
  listFixtureNames,
  only,
  replayLineFixture,
  runEndOf,
  typesOf,
} from '../../../test/support/decoder-fixtures.js';
import { createGeminiDecoder } from './gemini-decoder.js';

const fixturesDirectory = join(import.meta.dirname, '__fixtures__');

const replayFixture = (name: string): AgentEvent[] =>
  replayLineFixture(
    fixturesDirectory,
    name,
    createGeminiDecoder({ cwd: '<CWD>', provider: 'gemini' }),
  );
const fixtureNames = listFixtureNames(fixturesDirectory);

describe('createGeminiDecoder on recorded Gemini CLI transcripts', () => {
  it('has the fixtures recorded by scripts/record-transcript.mjs', () => {
    expect(fixtureNames.length).toBeGreaterThanOrEqual(11);
  });

  itHonoursTheContractOnEveryFixture(fixtureNames, replayFixture);

  it('plain: streams the echo and ends completed with usage', () => {
    const events = replayFixture('plain');
    expect([...new Set(typesOf(events))]).toEqual([
      'run-start',
      'text-delta',
      'text',
      'usage',
      'run-end',
    ]);
    expect(events[0]).toMatchObject({
      type: 'run-start',
      model: 'mock-model',
      nativeSessionId: '<SESSION_1>',
    });
    expect(runEndOf(events)).toMatchObject({
      status: 'completed',
      text: 'Echo: Say hello',
      finishReason: { unified: 'stop', raw: 'success' },
    });
    expect(runEndOf(events)?.usage?.inputTokens).toBeGreaterThan(0);
  });

  it('shell-tool: the call precedes its result, and the answer is the text after it', () => {
    const events = replayFixture('shell-tool');
    const call = only(events, 'tool-call')[0];
    const result = only(events, 'tool-result')[0];
    expect(call).toMatchObject({
      toolName: 'run_shell_command',
      input: { command: 'echo hello-from-tool' },
    });
    expect(result).toMatchObject({
      callId: call?.callId,
      output: 'hello-from-tool',
      isError: false,
    });
    expect(events.indexOf(call!)).toBeLessThan(events.indexOf(result!));
    expect(runEndOf(events)?.text).toBe('Tool result received: hello-from-tool');
  });

  it('write-file: a successful write_file is a file change under the cwd', () => {
    expect(only(replayFixture('write-file'), 'file-change')).toEqual([
      { type: 'file-change', path: '<CWD>/written-by-gemini.txt', kind: 'unknown' },
    ]);
  });

  it.each(['read-only-write-refused', 'read-only-shell-refused'])(
    '%s: the tool is not offered, its call fails, and the run still completes',
    (name) => {
      const events = replayFixture(name);
      expect(only(events, 'tool-result')[0]).toMatchObject({ isError: true });
      expect(only(events, 'tool-result')[0]?.output).toMatch(/not found/);
      expect(only(events, 'file-change')).toEqual([]);
      expect(runEndOf(events)?.status).toBe('completed');
    },
  );

  it('resume-recall: the resumed turn answers from the earlier history', () => {
    const runEnd = runEndOf(replayFixture('resume-recall'));
    expect(runEnd?.status).toBe('completed');
    expect(runEnd?.text).toContain('Remember the word pineapple');
  });

  it('interrupt-sigint: no result line, so the run ends cancelled with the partial text', () => {
    expect(runEndOf(replayFixture('interrupt-sigint'))).toMatchObject({
      status: 'cancelled',
      text: 'Working on it',
      finishReason: { unified: 'interrupted', raw: 'exit code 0' },
    });
  });

  it.each([
    ['error-500', /code":500/],
    ['error-429', /Scripted 429/],
  ])('%s: an API error result is a failed run with upstream_error', (name, message) => {
    expect(runEndOf(replayFixture(name))).toMatchObject({
      status: 'failed',
      error: { code: 'upstream_error', message: expect.stringMatching(message) as unknown },
    });
  });

  it('resume-unknown-session: exit 42 on stderr only is an agent_error naming the reason', () => {
    const events = replayFixture('resume-unknown-session');
    expect(typesOf(events)).toEqual(['run-start', 'run-end']);
    expect(runEndOf(events)?.error).toMatchObject({
      code: 'agent_error',
      message: expect.stringMatching(/No previous sessions found/) as unknown,
    });
  });
});
