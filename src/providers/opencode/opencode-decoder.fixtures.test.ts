/**
 * The decoder on `/event` transcripts recorded from the real `opencode serve` by
 * `scripts/record-transcript.mjs opencode` (each fixture's .meta.json has the version, the
 * session, the outcome and the events the provider emitted while recording).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AgentEvent } from '../../events/index.js';
import { AgentError } from '../../errors/index.js';
import {
  itHonoursTheContractOnEveryFixture,
  listFixtureNames,
  only,
  runEndOf,
  typesOf,
} from '../../../test/support/decoder-fixtures.js';
import type { ApprovalPolicy } from '../kit/provider-settings.js';
import { createOpencodeDecoder } from './opencode-decoder.js';

const fixturesDirectory = join(import.meta.dirname, '__fixtures__');

interface FixtureMeta {
  opencodeVersion: string;
  approvals: ApprovalPolicy;
  interrupted: boolean;
  sessionId: string;
  events: AgentEvent[];
}

type FixtureLine =
  | { kind: 'sse'; event?: unknown; data?: string }
  | { kind: 'http'; method: string; path: string; status: number; responseBody: unknown };

const readMeta = (name: string) =>
  JSON.parse(readFileSync(join(fixturesDirectory, `${name}.meta.json`), 'utf8')) as FixtureMeta;

function readTranscript(name: string): FixtureLine[] {
  return readFileSync(join(fixturesDirectory, `${name}.jsonl`), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as FixtureLine);
}

/**
 * Replays a fixture as the provider does: the run-start once the session is known, every
 * `/event` payload until the turn settles, then the outcome (aborted, or the HTTP refusal).
 */
function replayFixture(name: string): AgentEvent[] {
  const meta = readMeta(name);
  const decoder = createOpencodeDecoder({
    sessionId: meta.sessionId,
    cwd: '<CWD>',
    provider: 'opencode',
    approvals: meta.approvals,
  });
  const events: AgentEvent[] = [...decoder.start()];
  let failure: AgentError | undefined;
  for (const line of readTranscript(name)) {
    if (line.kind === 'http') {
      if (line.status === 404) {
        failure = new AgentError('agent_error', `opencode has no session ${meta.sessionId}.`);
      }
      continue;
    }
    events.push(...decoder.push(line.data ?? JSON.stringify(line.event)));
    if (decoder.isSettled) break;
  }
  const outcome = meta.interrupted ? { aborted: { reason: undefined } } : {};
  events.push(...decoder.flush(failure ? { failure } : outcome));
  return events;
}

const fixtureNames = listFixtureNames(fixturesDirectory);

describe('createOpencodeDecoder on recorded opencode serve transcripts', () => {
  it('has the fixtures recorded by scripts/record-transcript.mjs opencode from 1.18.33', () => {
    expect(fixtureNames).toEqual(
      expect.arrayContaining([
        'plain',
        'bash-tool',
        'write-file',
        'permission-rejected-read-only',
        'abort',
        'error-401',
        'resume-recall',
        'two-sessions-one-directory',
      ]),
    );
    for (const name of fixtureNames) expect(readMeta(name).opencodeVersion).toBe('1.18.33');
  });

  itHonoursTheContractOnEveryFixture(fixtureNames, replayFixture);

  it.each(fixtureNames)('%s: gives the events the provider gave while recording', (name) => {
    expect(replayFixture(name)).toEqual(readMeta(name).events);
  });

  it('plain: streams the echo as deltas of one block, then the text, usage and a completed end', () => {
    const events = replayFixture('plain');
    expect(events[0]).toEqual({
      type: 'run-start',
      provider: 'opencode',
      nativeSessionId: '<SES_1>',
      cwd: '<CWD>',
    });
    const deltas = only(events, 'text-delta');
    expect(deltas.map((delta) => delta.delta).join('')).toBe('Echo: Say hello');
    expect(new Set(deltas.map((delta) => delta.blockId))).toEqual(
      new Set([only(events, 'text')[0]?.blockId]),
    );
    // The user's own prompt is a text part too; it never shows up as answer text.
    expect(only(events, 'text').map((text) => text.text)).toEqual(['Echo: Say hello']);
    expect(runEndOf(events)).toMatchObject({
      status: 'completed',
      text: 'Echo: Say hello',
      nativeSessionId: '<SES_1>',
      model: 'mock/mock-model',
      finishReason: { unified: 'stop', raw: 'stop' },
    });
    expect(runEndOf(events)?.usage?.inputTokens).toBeGreaterThan(0);
  });

  it('bash-tool: one call and one result, then the answer of the second step; usage sums both steps', () => {
    const events = replayFixture('bash-tool');
    const [call] = only(events, 'tool-call');
    const [result] = only(events, 'tool-result');
    expect(only(events, 'tool-call')).toHaveLength(1);
    expect(call).toMatchObject({ toolName: 'bash', input: { command: 'echo hello-from-tool' } });
    expect(result).toMatchObject({
      callId: call?.callId,
      toolName: 'bash',
      output: 'hello-from-tool\n',
      isError: false,
    });
    const usages = only(events, 'usage').map((usage) => usage.usage.inputTokens);
    expect(usages).toHaveLength(2);
    expect(usages[1]).toBeGreaterThan(usages[0] ?? 0);
    expect(runEndOf(events)).toMatchObject({
      status: 'completed',
      text: 'Tool result received: hello-from-tool',
      usage: { inputTokens: usages[1] },
    });
  });

  it('thinking: reasoning deltas (field "text" of a reasoning part) become reasoning events', () => {
    const events = replayFixture('thinking');
    const reasoning = only(events, 'reasoning-delta')
      .map((delta) => delta.delta)
      .join('');
    expect(reasoning).toBe('Let me think about this scripted request.');
    expect(only(events, 'reasoning')[0]?.text).toBe(reasoning);
    expect(typesOf(events).indexOf('reasoning')).toBeLessThan(typesOf(events).indexOf('text'));
    expect(runEndOf(events)?.usage?.reasoningTokens).toBeGreaterThan(0);
    expect(runEndOf(events)?.text).toBe('Echo: Think first [[mock:thinking]]');
  });

  it('write-file: the write tool reports the new file as an added file change', () => {
    const events = replayFixture('write-file');
    expect(only(events, 'file-change')).toEqual([
      { type: 'file-change', path: '<CWD>/written-by-opencode.txt', kind: 'add' },
    ]);
    expect(only(events, 'tool-call')[0]?.toolName).toBe('write');
  });

  it('todo-plan: the todo list becomes one plan update', () => {
    const events = replayFixture('todo-plan');
    expect(only(events, 'plan-update')).toEqual([{ type: 'plan-update', entries: [] }]);
  });

  it('permission-rejected-read-only: the declined ask is reported, the tool fails, the run completes', () => {
    const events = replayFixture('permission-rejected-read-only');
    const [request] = only(events, 'permission-request');
    const [call] = only(events, 'tool-call');
    expect(request).toEqual({
      type: 'permission-request',
      requestId: call?.callId,
      kind: 'file-change',
      subject: 'edit: <CWD>/written-by-opencode.txt',
      decision: 'declined',
    });
    expect(only(events, 'tool-result')[0]).toMatchObject({ isError: true });
    expect(only(events, 'tool-result')[0]?.output).toContain('subagent-mcp declined');
    expect(only(events, 'file-change')).toEqual([]);
    expect(runEndOf(events)?.status).toBe('completed');
  });

  it('permission-accepted: the accepted ask is reported and the command runs', () => {
    const events = replayFixture('permission-accepted');
    expect(only(events, 'permission-request')[0]).toMatchObject({
      kind: 'command',
      subject: 'bash: touch made-by-opencode.txt',
      decision: 'accepted',
    });
    expect(only(events, 'tool-result')[0]).toMatchObject({ isError: false });
  });

  it('abort: ends cancelled and interrupted, with what had streamed as the text', () => {
    const events = replayFixture('abort');
    expect(runEndOf(events)).toMatchObject({
      status: 'cancelled',
      text: 'Working on it',
      finishReason: { unified: 'interrupted', raw: 'MessageAbortedError' },
      error: { code: 'cancelled' },
    });
    expect(only(events, 'error')).toEqual([]);
  });

  it('error-401: an upstream_error with the model server message, and a failed end', () => {
    const events = replayFixture('error-401');
    const message = 'Scripted 401 from the scripted model server [APIError, HTTP 401]';
    expect(only(events, 'error')).toEqual([{ type: 'error', code: 'upstream_error', message }]);
    expect(runEndOf(events)).toMatchObject({
      status: 'failed',
      text: '',
      finishReason: { unified: 'error', raw: 'APIError' },
      error: { code: 'upstream_error', message },
    });
  });

  it('resume-recall: the resumed session answers from the history of another server process', () => {
    const events = replayFixture('resume-recall');
    expect(runEndOf(events)?.status).toBe('completed');
    expect(runEndOf(events)?.text).toContain('Remember the word pineapple');
    expect(runEndOf(events)?.text).toContain('hello-from-tool');
    // The earlier turn's parts are history, not part of this turn.
    expect(only(events, 'tool-call')).toEqual([]);
  });

  it('resume-unknown-session: one start and a failed end that names the session', () => {
    expect(replayFixture('resume-unknown-session')).toEqual([
      { type: 'run-start', provider: 'opencode', nativeSessionId: '<SES_1>', cwd: '<CWD>' },
      {
        type: 'run-end',
        status: 'failed',
        text: '',
        nativeSessionId: '<SES_1>',
        finishReason: { unified: 'error', raw: 'agent_error' },
        error: { code: 'agent_error', message: 'opencode has no session <SES_1>.' },
      },
    ]);
  });

  it('two-sessions-one-directory: only the own session counts, though the bus carries both', () => {
    const transcript = JSON.stringify(readTranscript('two-sessions-one-directory'));
    expect(transcript).toContain('marker-beta');
    const events = replayFixture('two-sessions-one-directory');
    expect(JSON.stringify(events)).not.toContain('marker-beta');
    expect(runEndOf(events)?.text).toBe('Echo: marker-alpha [[mock:slow=40]]');
  });
});
