/**
 * The decoder on app-server transcripts recorded from the real Codex by
 * `scripts/record-transcript.mjs codex` (see each fixture's .meta.json for argv, exit and version).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AgentEvent } from '../../events/index.js';
import {
  itHonoursTheContractOnEveryFixture,
  listFixtureNames,
  only,
  runEndOf,
  typesOf,
} from '../../../test/support/decoder-fixtures.js';
import type { CodexTranscriptEntry } from './codex-app-server-client.js';
import { createCodexDecoder } from './codex-decoder.js';

const fixturesDirectory = join(import.meta.dirname, '__fixtures__');

interface FixtureMeta {
  codexVersion: string;
  interrupted: boolean;
  exitCode: number | null;
  signal: string | null;
  stderrTail: string;
}

interface FixtureLine {
  direction: CodexTranscriptEntry['direction'];
  message?: unknown;
  line?: string;
}

function readTranscript(name: string): CodexTranscriptEntry[] {
  return readFileSync(join(fixturesDirectory, `${name}.jsonl`), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((text) => {
      const { direction, message, line } = JSON.parse(text) as FixtureLine;
      return { direction, line: line ?? JSON.stringify(message) };
    });
}

/** Replays a recorded fixture as the provider would: every line, then the process outcome. */
function replayFixture(name: string): AgentEvent[] {
  const meta = JSON.parse(
    readFileSync(join(fixturesDirectory, `${name}.meta.json`), 'utf8'),
  ) as FixtureMeta;
  const decoder = createCodexDecoder({ cwd: '<CWD>', provider: 'codex' });
  const events: AgentEvent[] = [];
  for (const entry of readTranscript(name)) {
    events.push(...decoder.push(entry));
    if (decoder.isSettled) break;
  }
  events.push(
    ...decoder.flush({
      exitCode: meta.exitCode,
      signal: meta.signal,
      stderrTail: meta.stderrTail,
      aborted: meta.interrupted ? { reason: undefined } : undefined,
    }),
  );
  return events;
}

const bubblewrapWarning = /bubblewrap/;
const warningsOf = (events: AgentEvent[]) =>
  only(events, 'warning')
    .map((warning) => warning.message)
    .filter((message) => !bubblewrapWarning.test(message));

const fixtureNames = listFixtureNames(fixturesDirectory);

describe('createCodexDecoder on recorded Codex app-server transcripts', () => {
  it('has the fixtures recorded by scripts/record-transcript.mjs codex', () => {
    expect(fixtureNames).toEqual(
      expect.arrayContaining([
        'plain',
        'shell-tool',
        'apply-patch',
        'escalation-declined',
        'interrupt',
        'error-500',
        'resume-recall',
      ]),
    );
  });

  itHonoursTheContractOnEveryFixture(fixtureNames, replayFixture);

  it('plain: starts with the thread, streams the echo and ends completed with usage', () => {
    const events = replayFixture('plain');
    expect(events[0]).toEqual({
      type: 'run-start',
      provider: 'codex',
      nativeSessionId: '<THREAD_ID>',
      model: 'mock-model',
      cwd: '<CWD>',
    });
    const deltas = only(events, 'text-delta');
    expect(deltas.map((delta) => delta.delta).join('')).toBe('Echo: Say hello');
    expect(new Set(deltas.map((delta) => delta.blockId))).toEqual(
      new Set([only(events, 'text')[0]?.blockId]),
    );
    const runEnd = runEndOf(events);
    expect(runEnd).toMatchObject({
      status: 'completed',
      text: 'Echo: Say hello',
      nativeSessionId: '<THREAD_ID>',
      model: 'mock-model',
      finishReason: { unified: 'stop', raw: 'completed' },
    });
    expect(runEnd?.usage?.inputTokens).toBeGreaterThan(0);
    expect(runEnd?.usage?.outputTokens).toBeGreaterThan(0);
    expect(warningsOf(events)).toEqual([]);
  });

  it('shell-tool: the shell call precedes its result, and the final text is the last answer', () => {
    const events = replayFixture('shell-tool');
    const call = only(events, 'tool-call')[0];
    const result = only(events, 'tool-result')[0];
    expect(call).toMatchObject({
      toolName: 'shell',
      input: { command: "/bin/bash -c 'echo hello-from-tool'", cwd: '<CWD>' },
    });
    expect(result).toEqual({
      type: 'tool-result',
      callId: call?.callId,
      toolName: 'shell',
      output: 'hello-from-tool\n(exit code 0)',
      isError: false,
    });
    expect(events.indexOf(call!)).toBeLessThan(events.indexOf(result!));
    // The preamble ("I will run the command.") is text, but not the answer.
    expect(only(events, 'text')).toHaveLength(2);
    expect(runEndOf(events)?.text).toBe('Tool result received: hello-from-tool');
  });

  it('shell-tool: usage covers both model requests of the turn', () => {
    const usages = only(replayFixture('shell-tool'), 'usage');
    expect(usages).toHaveLength(2);
    expect(usages[1]!.usage.inputTokens).toBeGreaterThan(usages[0]!.usage.inputTokens);
  });

  it('apply-patch: the patch is an apply_patch call, and the added file a file-change', () => {
    const events = replayFixture('apply-patch');
    expect(only(events, 'tool-call')[0]).toMatchObject({
      toolName: 'apply_patch',
      input: { changes: [{ path: '<CWD>/patched-by-codex.txt', kind: 'add' }] },
    });
    const result = only(events, 'tool-result')[0];
    expect(result).toMatchObject({ output: 'A <CWD>/patched-by-codex.txt', isError: false });
    const change = only(events, 'file-change')[0];
    expect(change).toEqual({
      type: 'file-change',
      path: '<CWD>/patched-by-codex.txt',
      kind: 'add',
    });
    expect(events.indexOf(result!)).toBeLessThan(events.indexOf(change!));
    expect(runEndOf(events)?.status).toBe('completed');
  });

  it('patch-declined-read-only: the declined patch is a permission request and changes nothing', () => {
    const events = replayFixture('patch-declined-read-only');
    expect(only(events, 'permission-request')).toEqual([
      {
        type: 'permission-request',
        requestId: only(events, 'tool-call')[0]?.callId,
        kind: 'file-change',
        subject: '<CWD>/patched-by-codex.txt',
        decision: 'declined',
      },
    ]);
    expect(only(events, 'tool-result')[0]).toMatchObject({ isError: true });
    expect(only(events, 'tool-result')[0]?.output).toContain('declined');
    expect(only(events, 'file-change')).toEqual([]);
    expect(runEndOf(events)).toMatchObject({
      status: 'completed',
      text: 'Tool result received: patch rejected by user',
    });
  });

  it('escalation-declined: the escalation is declined by policy and the run still completes', () => {
    const events = replayFixture('escalation-declined');
    const call = only(events, 'tool-call')[0];
    const request = only(events, 'permission-request')[0];
    expect(request).toEqual({
      type: 'permission-request',
      requestId: call?.callId,
      kind: 'command',
      subject: "/bin/bash -c 'touch escalated-by-codex.txt'",
      reason: 'the scripted model wants to run this outside the sandbox',
      decision: 'declined',
    });
    expect(events.indexOf(call!)).toBeLessThan(events.indexOf(request!));
    expect(only(events, 'tool-result')[0]).toMatchObject({
      isError: true,
      output: '(declined: the command did not run)',
    });
    expect(runEndOf(events)?.status).toBe('completed');
    expect(runEndOf(events)?.text).toContain('rejected by user');
  });

  it('escalation-accepted: an accepted escalation runs the command', () => {
    const events = replayFixture('escalation-accepted');
    expect(only(events, 'permission-request')[0]?.decision).toBe('accepted');
    expect(only(events, 'tool-result')[0]).toMatchObject({
      isError: false,
      output: '(exit code 0)',
    });
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
    expect(runEndOf(events)?.usage?.reasoningTokens).toBeGreaterThan(0);
  });

  it('interrupt: our interrupt ends the run cancelled, keeping the partial text', () => {
    expect(runEndOf(replayFixture('interrupt'))).toMatchObject({
      status: 'cancelled',
      text: 'Working on it',
      nativeSessionId: '<THREAD_ID>',
      finishReason: { unified: 'interrupted', raw: 'interrupted' },
      error: { code: 'cancelled' },
    });
  });

  it('error-500: the retry is a warning and the run fails upstream with what Codex reports', () => {
    const events = replayFixture('error-500');
    expect(warningsOf(events)).toEqual([
      'Codex is retrying: Reconnecting... 1/1 (We’re currently experiencing high demand, which may cause temporary errors.) [responseStreamDisconnected]',
    ]);
    const message =
      'We’re currently experiencing high demand, which may cause temporary errors. [internalServerError]';
    expect(only(events, 'error')).toEqual([{ type: 'error', code: 'upstream_error', message }]);
    expect(runEndOf(events)).toMatchObject({
      status: 'failed',
      text: '',
      finishReason: { unified: 'error', raw: 'failed' },
      error: { code: 'upstream_error', message },
    });
  });

  it('resume-recall: the resumed thread answers from the earlier history', () => {
    const events = replayFixture('resume-recall');
    expect(events[0]).toMatchObject({ type: 'run-start', nativeSessionId: '<THREAD_ID>' });
    const runEnd = runEndOf(events);
    expect(runEnd?.status).toBe('completed');
    expect(runEnd?.text).toContain('Remember the word pineapple');
    expect(runEnd?.text).toContain('hello-from-tool');
  });

  it('resume-recall: the usage Codex replays from the earlier turn does not count', () => {
    // One model request in this turn: its usage is the whole turn's.
    const usages = only(replayFixture('resume-recall'), 'usage');
    expect(usages).toHaveLength(1);
    expect(usages[0]!.usage.inputTokens).toBeLessThan(8000);
  });

  it('resume-unknown-thread: fails as an agent error naming the thread', () => {
    const events = replayFixture('resume-unknown-thread');
    const threadId = '00000000-0000-4000-8000-000000000000';
    expect(typesOf(events).filter((type) => type !== 'warning')).toEqual(['run-start', 'run-end']);
    expect(events[0]).toMatchObject({ type: 'run-start', nativeSessionId: threadId });
    expect(runEndOf(events)).toMatchObject({
      status: 'failed',
      nativeSessionId: threadId,
      error: {
        code: 'agent_error',
        message: `Codex could not resume thread ${threadId}: no rollout found for thread id ${threadId}`,
      },
    });
  });
});
