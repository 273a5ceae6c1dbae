/**
 * The decoder on hand-written `/event` payloads, for what the recorded fixtures do not show:
 * stale and foreign events, malformed data, questions, subagent sessions, tool edge cases,
 * plans, retries and endings without `session.idle`.
 */
import { describe, expect, it } from 'vitest';
import type { AgentEvent, AgentEventOf, AgentEventType } from '../../events/index.js';
import { AgentError } from '../../errors/index.js';
import { assertProviderEventContract } from '../../../test/support/provider-contract.js';
import { createOpencodeDecoder, type OpencodeDecoderOptions } from './opencode-decoder.js';
import type { OpencodeTurnOutcome } from './opencode-run-end.js';

const sessionID = 'ses_own';
const otherSession = 'ses_other';
const userMessage = 'msg_user';
const assistantMessage = 'msg_assistant';

const event = (type: string, properties: Record<string, unknown>) =>
  JSON.stringify({ id: `evt_${type}`, type, properties });
const busy = (session = sessionID) =>
  event('session.status', { sessionID: session, status: { type: 'busy' } });
const idle = (session = sessionID) => event('session.idle', { sessionID: session });
const assistant = (id = assistantMessage, extra: Record<string, unknown> = {}) =>
  event('message.updated', {
    sessionID,
    info: {
      id,
      sessionID,
      role: 'assistant',
      parentID: userMessage,
      providerID: 'mock',
      modelID: 'mock-model',
      time: { created: 1 },
      ...extra,
    },
  });
const part = (fields: Record<string, unknown>, session = sessionID) =>
  event('message.part.updated', {
    sessionID: session,
    part: { id: 'prt_x', messageID: assistantMessage, sessionID: session, ...fields },
  });
const toolPart = (callID: string, tool: string, state: Record<string, unknown>) =>
  part({ id: `prt_${callID}`, type: 'tool', tool, callID, state });
const delta = (partID: string, text: string, messageID = assistantMessage) =>
  event('message.part.delta', { sessionID, messageID, partID, field: 'text', delta: text });

function decode(
  payloads: string[],
  outcome: OpencodeTurnOutcome = {},
  options: Partial<OpencodeDecoderOptions> = {},
): { events: AgentEvent[]; replies: unknown[] } {
  const decoder = createOpencodeDecoder({
    sessionId: sessionID,
    cwd: '/work',
    provider: 'opencode',
    ...options,
  });
  const events = [...decoder.start()];
  const replies: unknown[] = [];
  for (const payload of payloads) {
    events.push(...decoder.push(payload));
    replies.push(...decoder.takeReplies());
    if (decoder.isSettled) break;
  }
  events.push(...decoder.flush(outcome));
  assertProviderEventContract(events);
  return { events, replies };
}

const only = <T extends AgentEventType>(events: AgentEvent[], type: T) =>
  events.filter((item): item is AgentEventOf<T> => item.type === type);
const runEndOf = (events: AgentEvent[]) => only(events, 'run-end')[0];

describe('createOpencodeDecoder', () => {
  it('skips what comes before the turn is busy: a stale idle and a stale assistant message', () => {
    const { events } = decode([
      idle(),
      assistant('msg_stale', { time: { created: 1, completed: 2 } }),
      part({
        id: 'prt_stale',
        messageID: 'msg_stale',
        type: 'text',
        text: 'old',
        time: { end: 3 },
      }),
      busy(),
      assistant(),
      part({ id: 'prt_new', type: 'text', text: 'new', time: { start: 1, end: 2 } }),
      idle(),
    ]);
    expect(only(events, 'text')).toEqual([{ type: 'text', blockId: 'prt_new', text: 'new' }]);
    expect(runEndOf(events)).toMatchObject({ status: 'completed', text: 'new' });
  });

  it("ignores other sessions' events and the user's own text part", () => {
    const { events } = decode([
      busy(),
      busy(otherSession),
      event('message.updated', {
        sessionID,
        info: { id: userMessage, sessionID, role: 'user', time: { created: 1 } },
      }),
      part({ id: 'prt_user', messageID: userMessage, type: 'text', text: 'the prompt' }),
      assistant(),
      part({ id: 'prt_answer', type: 'text', text: '' }),
      part({ id: 'prt_theirs', type: 'text', text: 'theirs', time: { end: 1 } }, otherSession),
      delta('prt_answer', 'mine'),
      idle(otherSession),
      idle(),
    ]);
    expect(only(events, 'text-delta')).toEqual([
      { type: 'text-delta', blockId: 'prt_answer', delta: 'mine' },
    ]);
    expect(JSON.stringify(events)).not.toContain('theirs');
    expect(JSON.stringify(events)).not.toContain('the prompt');
    expect(runEndOf(events)?.text).toBe('mine');
  });

  it('ends at the first idle, whether session.status or session.idle, and decodes nothing after', () => {
    const decoder = createOpencodeDecoder({ sessionId: sessionID, cwd: '/work', provider: 'x' });
    decoder.start();
    decoder.push(busy());
    expect(decoder.isSettled).toBe(false);
    decoder.push(event('session.status', { sessionID, status: { type: 'idle' } }));
    expect(decoder.isSettled).toBe(true);
    expect(decoder.push(idle())).toEqual([]);
  });

  it('turns malformed data into warnings, never exceptions', () => {
    const { events } = decode(['not json {', JSON.stringify({ properties: {} }), busy(), idle()]);
    expect(only(events, 'warning').map((warning) => warning.message)).toEqual([
      'opencode sent an event that is not JSON: not json {',
      'opencode sent an event without a type: {"properties":{}}',
    ]);
    expect(runEndOf(events)?.status).toBe('completed');
  });

  it('names a tool by its running name (an unavailable tool becomes "invalid") and reports its error', () => {
    const { events } = decode([
      busy(),
      assistant(),
      toolPart('call_1', 'write', { status: 'pending', input: {}, raw: '' }),
      toolPart('call_1', 'invalid', { status: 'running', input: { tool: 'write' } }),
      toolPart('call_1', 'invalid', {
        status: 'error',
        input: { tool: 'write' },
        error: 'Model tried to call unavailable tool',
      }),
      idle(),
    ]);
    expect(only(events, 'tool-call')).toEqual([
      { type: 'tool-call', callId: 'call_1', toolName: 'invalid', input: { tool: 'write' } },
    ]);
    expect(only(events, 'tool-result')).toEqual([
      {
        type: 'tool-result',
        callId: 'call_1',
        toolName: 'invalid',
        output: 'Model tried to call unavailable tool',
        isError: true,
      },
    ]);
  });

  it('reports the files of edit and apply_patch tools', () => {
    const { events } = decode([
      busy(),
      assistant(),
      toolPart('call_e', 'edit', {
        status: 'completed',
        input: { filePath: 'a.ts' },
        output: 'Edit applied successfully.',
        metadata: { filediff: { file: '/work/a.ts' } },
      }),
      toolPart('call_p', 'apply_patch', {
        status: 'completed',
        input: {},
        output: 'Success.',
        metadata: {
          files: [
            { filePath: '/work/new.ts', type: 'add' },
            { filePath: '/work/old.ts', type: 'delete' },
            { filePath: '/work/from.ts', type: 'move', movePath: '/work/to.ts' },
          ],
        },
      }),
      toolPart('call_w', 'write', {
        status: 'completed',
        input: { filePath: 'b.ts' },
        output: 'Wrote file successfully.',
        metadata: {},
      }),
      idle(),
    ]);
    expect(only(events, 'file-change').map(({ path, kind }) => `${kind} ${path}`)).toEqual([
      'update /work/a.ts',
      'add /work/new.ts',
      'delete /work/old.ts',
      'delete /work/from.ts',
      'add /work/to.ts',
      'update /work/b.ts',
    ]);
  });

  it('gives a tool still running at the end an error result', () => {
    const { events } = decode(
      [
        busy(),
        assistant(),
        toolPart('call_1', 'bash', { status: 'running', input: { command: 'sleep 30' } }),
      ],
      { aborted: { reason: undefined } },
    );
    expect(only(events, 'tool-result')).toEqual([
      {
        type: 'tool-result',
        callId: 'call_1',
        toolName: 'bash',
        output: '(did not finish: the turn ended first)',
        isError: true,
      },
    ]);
  });

  it('turns todo lists into whole plan updates, once per change, cancelled items done', () => {
    const todos = [
      { content: 'Read', status: 'completed', priority: 'high', id: '1' },
      { content: 'Write', status: 'in_progress', priority: 'high', id: '2' },
      { content: 'Skip', status: 'cancelled', priority: 'low', id: '3' },
      { content: 'Ship', status: 'pending', priority: 'low', id: '4' },
    ];
    const { events } = decode([
      busy(),
      assistant(),
      event('todo.updated', { sessionID, todos }),
      toolPart('call_t', 'todowrite', { status: 'completed', input: { todos }, output: '[]' }),
      idle(),
    ]);
    expect(only(events, 'plan-update')).toEqual([
      {
        type: 'plan-update',
        entries: [
          { content: 'Read', status: 'completed' },
          { content: 'Write', status: 'in_progress' },
          { content: 'Skip (cancelled)', status: 'completed' },
          { content: 'Ship', status: 'pending' },
        ],
      },
    ]);
  });

  it('sums usage over the steps and reports cost only when opencode priced it', () => {
    const step = (id: string, cost: number) =>
      part({
        id,
        type: 'step-finish',
        reason: 'stop',
        cost,
        tokens: { input: 10, output: 5, reasoning: 2, cache: { read: 3, write: 0 } },
      });
    const { events } = decode([busy(), assistant(), step('prt_1', 0), step('prt_2', 0.25), idle()]);
    expect(only(events, 'usage').map((usage) => usage.usage)).toEqual([
      { inputTokens: 10, outputTokens: 5, cachedInputTokens: 3, reasoningTokens: 2 },
      {
        inputTokens: 20,
        outputTokens: 10,
        cachedInputTokens: 6,
        reasoningTokens: 4,
        costUsd: 0.25,
      },
    ]);
  });

  it('answers a question by dismissing it, and reports it as a declined request', () => {
    const { events, replies } = decode([
      busy(),
      event('question.asked', {
        id: 'que_1',
        sessionID,
        questions: [{ question: 'Which colour?', header: 'Colour', options: [] }],
      }),
      idle(),
    ]);
    expect(replies).toEqual([{ path: '/question/que_1/reject', body: {} }]);
    expect(only(events, 'permission-request')).toEqual([
      {
        type: 'permission-request',
        requestId: 'que_1',
        kind: 'other',
        subject: 'question: Which colour?',
        decision: 'declined',
      },
    ]);
  });

  it('answers the permission requests of a subagent session it started, not of strangers', () => {
    const asked = (id: string, session: string) =>
      event('permission.asked', {
        id,
        sessionID: session,
        permission: 'bash',
        patterns: ['rm -rf build'],
        metadata: { command: 'rm -rf build' },
        always: ['rm *'],
        tool: { messageID: 'msg_child', callID: `call_${id}` },
      });
    const { events, replies } = decode(
      [
        busy(),
        event('session.created', {
          sessionID: 'ses_child',
          info: { id: 'ses_child', parentID: sessionID },
        }),
        asked('per_child', 'ses_child'),
        asked('per_stranger', otherSession),
        idle(),
      ],
      {},
      { approvals: 'accept' },
    );
    expect(replies).toEqual([{ path: '/permission/per_child/reply', body: { reply: 'once' } }]);
    expect(only(events, 'permission-request')).toEqual([
      {
        type: 'permission-request',
        requestId: 'call_per_child',
        kind: 'command',
        subject: 'bash: rm -rf build',
        decision: 'accepted',
      },
    ]);
  });

  it('rejects a doom-loop ask without feedback, so the looping turn ends', () => {
    const { replies } = decode([
      busy(),
      event('permission.asked', {
        id: 'per_1',
        sessionID,
        permission: 'doom_loop',
        patterns: ['bash'],
      }),
      idle(),
    ]);
    expect(replies).toEqual([{ path: '/permission/per_1/reply', body: { reply: 'reject' } }]);
  });

  it('warns about retries of the model request', () => {
    const { events } = decode([
      busy(),
      event('session.status', {
        sessionID,
        status: { type: 'retry', attempt: 1, message: 'Internal server error', next: 2 },
      }),
      idle(),
    ]);
    expect(only(events, 'warning')[0]?.message).toBe(
      'opencode is retrying the model request (attempt 1): Internal server error',
    );
  });

  it('fails with agent_error for errors of opencode itself, such as an unknown model', () => {
    const { events } = decode([
      busy(),
      event('session.error', {
        sessionID,
        error: { name: 'UnknownError', data: { message: 'Model not found: mock/nope.' } },
      }),
      idle(),
    ]);
    expect(runEndOf(events)).toMatchObject({
      status: 'failed',
      error: { code: 'agent_error', message: 'Model not found: mock/nope. [UnknownError]' },
    });
  });

  it('fails when someone else aborted the turn', () => {
    const { events } = decode([
      busy(),
      event('session.error', {
        sessionID,
        error: { name: 'MessageAbortedError', data: { message: 'Aborted' } },
      }),
      idle(),
    ]);
    expect(runEndOf(events)).toMatchObject({
      status: 'failed',
      finishReason: { unified: 'interrupted' },
      error: { code: 'agent_error' },
    });
  });

  it('takes a timed-out abort as timed_out', () => {
    const reason = new AgentError('timed_out', 'The run exceeded its 1 s bound.');
    const { events } = decode([busy()], { aborted: { reason } });
    expect(runEndOf(events)).toMatchObject({
      status: 'timed_out',
      error: { code: 'timed_out', message: 'The run exceeded its 1 s bound.' },
    });
  });

  it('fails as agent_crashed when the stream ends before the turn, or with the given failure', () => {
    expect(runEndOf(decode([busy()]).events)).toMatchObject({
      status: 'failed',
      error: { code: 'agent_crashed' },
    });
    const failure = new AgentError('agent_crashed', 'The opencode event stream broke.');
    expect(runEndOf(decode([busy()], { failure }).events)).toMatchObject({
      error: { code: 'agent_crashed', message: 'The opencode event stream broke.' },
    });
  });

  it('reports the requested model at the start and the model that answered at the end', () => {
    const { events } = decode([busy(), assistant(), idle()], {}, { model: 'mock/mock-model' });
    expect(events[0]).toMatchObject({ type: 'run-start', model: 'mock/mock-model' });
    expect(runEndOf(events)?.model).toBe('mock/mock-model');
  });
});
