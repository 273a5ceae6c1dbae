/**
 * The decoder on transcripts recorded from the real Claude Code by
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
import { createClaudeCodeDecoder } from './claude-code-decoder.js';

const fixturesDirectory = join(import.meta.dirname, '__fixtures__');

const replayFixture = (name: string): AgentEvent[] =>
  replayLineFixture(
    fixturesDirectory,
    name,
    createClaudeCodeDecoder({ cwd: '<CWD>', provider: 'claude-code' }),
  );
const fixtureNames = listFixtureNames(fixturesDirectory);

describe('createClaudeCodeDecoder on recorded Claude Code transcripts', () => {
  it('has the fixtures recorded by scripts/record-transcript.mjs', () => {
    expect(fixtureNames.length).toBeGreaterThanOrEqual(12);
  });

  itHonoursTheContractOnEveryFixture(fixtureNames, replayFixture);

  it('plain: streams the echo and ends completed with the result text', () => {
    const events = replayFixture('plain');
    expect([...new Set(typesOf(events))]).toEqual([
      'run-start',
      'text-delta',
      'text',
      'usage',
      'run-end',
    ]);
    expect(events[0]).toMatchObject({ type: 'run-start', model: 'mock-model', cwd: '<CWD>' });
    const deltas = only(events, 'text-delta');
    expect(deltas.map((delta) => delta.delta).join('')).toBe('Echo: Say hello');
    expect(new Set(deltas.map((delta) => delta.blockId)).size).toBe(1);
    expect(only(events, 'text')[0]?.blockId).toBe(deltas[0]?.blockId);
    expect(runEndOf(events)).toMatchObject({
      status: 'completed',
      text: 'Echo: Say hello',
      model: 'mock-model',
      finishReason: { unified: 'stop', raw: 'completed' },
    });
    expect(runEndOf(events)?.usage?.inputTokens).toBeGreaterThan(0);
    expect(runEndOf(events)?.usage?.costUsd).toBeGreaterThan(0);
  });

  it('bash-tool: the tool call precedes its result, and the final text is the last answer', () => {
    const events = replayFixture('bash-tool');
    const call = only(events, 'tool-call')[0];
    const result = only(events, 'tool-result')[0];
    expect(call).toMatchObject({ toolName: 'Bash', input: { command: 'echo hello-from-tool' } });
    expect(result).toEqual({
      type: 'tool-result',
      callId: call?.callId,
      toolName: 'Bash',
      output: 'hello-from-tool',
      isError: false,
    });
    expect(events.indexOf(call!)).toBeLessThan(events.indexOf(result!));
    expect(runEndOf(events)?.text).toBe('Tool result received: hello-from-tool');
  });

  it('thinking: reasoning streams and ends before the answer text', () => {
    const events = replayFixture('thinking');
    const reasoning = only(events, 'reasoning')[0];
    expect(reasoning?.text).toBe('Let me think about this scripted request.');
    expect(
      only(events, 'reasoning-delta')
        .map((delta) => delta.delta)
        .join(''),
    ).toBe(reasoning?.text);
    expect(events.indexOf(reasoning!)).toBeLessThan(events.indexOf(only(events, 'text')[0]!));
    expect(reasoning?.blockId).not.toBe(only(events, 'text')[0]?.blockId);
  });

  it('resume-recall: the resumed turn answers from the earlier history', () => {
    const runEnd = runEndOf(replayFixture('resume-recall'));
    expect(runEnd?.status).toBe('completed');
    expect(runEnd?.text).toContain('Remember the word pineapple');
    expect(runEnd?.text).toContain('hello-from-tool');
  });

  it('read-only-write-denied: the write fails as a tool error and no file change is reported', () => {
    const events = replayFixture('read-only-write-denied');
    expect(only(events, 'tool-result')[0]).toMatchObject({ toolName: 'Write', isError: true });
    expect(only(events, 'tool-result')[0]?.output).toContain('No such tool available: Write');
    expect(only(events, 'file-change')).toEqual([]);
    expect(runEndOf(events)?.status).toBe('completed');
  });

  it('read-only-bash-denied: each permission denial becomes a warning', () => {
    const events = replayFixture('read-only-bash-denied');
    expect(only(events, 'tool-result')[0]).toMatchObject({
      toolName: 'Bash',
      isError: true,
      output: 'This command requires approval',
    });
    expect(only(events, 'warning').map((warning) => warning.message)).toEqual([
      'Permission denied: Bash git init -q repo-by-tool',
    ]);
  });

  it('workspace-write-edit: a created file is reported as added after its tool result', () => {
    const events = replayFixture('workspace-write-edit');
    const change = only(events, 'file-change')[0];
    expect(change).toEqual({ type: 'file-change', path: '<CWD>/mock-file.txt', kind: 'add' });
    expect(events.indexOf(only(events, 'tool-result')[0]!)).toBeLessThan(events.indexOf(change!));
  });

  it('full-access: the mutating command ran', () => {
    const events = replayFixture('full-access');
    expect(only(events, 'tool-result')[0]).toMatchObject({ isError: false });
    expect(runEndOf(events)?.status).toBe('completed');
  });

  it('bypass-refused-as-root: no output at all still gives one start and a crash with stderr', () => {
    const events = replayFixture('bypass-refused-as-root');
    expect(typesOf(events)).toEqual(['run-start', 'run-end']);
    expect(events[0]).toEqual({ type: 'run-start', provider: 'claude-code', cwd: '<CWD>' });
    expect(runEndOf(events)).toMatchObject({
      status: 'failed',
      error: { code: 'agent_crashed' },
      finishReason: { unified: 'error', raw: 'exit code 1' },
    });
    expect(runEndOf(events)?.error?.message).toContain('cannot be used with root/sudo privileges');
  });

  it('interrupt-sigint: our interrupt ends the run cancelled, keeping the partial text', () => {
    expect(runEndOf(replayFixture('interrupt-sigint'))).toMatchObject({
      status: 'cancelled',
      text: 'Working on it',
      finishReason: { unified: 'interrupted', raw: 'aborted_streaming' },
      error: { code: 'cancelled' },
    });
  });

  it('error-500: the retry is a warning and the run fails upstream with the API message', () => {
    const events = replayFixture('error-500');
    expect(only(events, 'warning').map((warning) => warning.message)).toEqual([
      'API retry 1/1: 500 server_error',
    ]);
    expect(only(events, 'text')).toEqual([]);
    const runEnd = runEndOf(events);
    expect(runEnd).toMatchObject({
      status: 'failed',
      text: '',
      finishReason: { unified: 'error', raw: 'api_error' },
      error: { code: 'upstream_error' },
    });
    expect(runEnd?.error?.message).toMatch(/^API Error: 500 Scripted 500/);
  });

  it('error-401: an authentication failure upstream fails the run', () => {
    expect(runEndOf(replayFixture('error-401'))?.error).toEqual({
      code: 'upstream_error',
      message: 'Failed to authenticate. API Error: 401 Scripted 401 from the scripted model server',
    });
  });

  it('resume-unknown-session: fails as an agent error naming the unknown session', () => {
    const events = replayFixture('resume-unknown-session');
    expect(events[0]).toMatchObject({
      type: 'run-start',
      nativeSessionId: '00000000-0000-4000-8000-000000000000',
    });
    expect(runEndOf(events)).toMatchObject({ status: 'failed', error: { code: 'agent_error' } });
    expect(runEndOf(events)?.error?.message).toContain('No conversation found with session ID');
  });
});
