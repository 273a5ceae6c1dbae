/**
 * The decoder on hand-written transcripts, for what the recorded fixtures cannot show (other
 * threads, MCP tools, plans, broken lines, crashes). Shapes follow Codex 0.169.0's schema.
 */
import { describe, expect, it } from 'vitest';
import type { AgentEvent, AgentEventOf, AgentEventType } from '../../events/index.js';
import { AgentError } from '../../errors/index.js';
import { assertProviderEventContract } from '../../../test/support/provider-contract.js';
import type { CodexTranscriptEntry } from './codex-app-server-client.js';
import { createCodexDecoder } from './codex-decoder.js';
import type { CodexProcessOutcome } from './codex-run-end.js';

const threadId = 'thread-1';
const turnId = 'turn-1';
const sent = (message: unknown): CodexTranscriptEntry => ({
  direction: 'sent',
  line: JSON.stringify(message),
});
const received = (message: unknown): CodexTranscriptEntry => ({
  direction: 'received',
  line: JSON.stringify(message),
});
const notification = (method: string, params: Record<string, unknown>) =>
  received({ method, params: { threadId, turnId, ...params } });
const item = (method: 'item/started' | 'item/completed', value: Record<string, unknown>) =>
  notification(method, { item: value });

const startOfTurn: CodexTranscriptEntry[] = [
  sent({ method: 'initialize', id: 0, params: {} }),
  received({ id: 0, result: { userAgent: 'x' } }),
  sent({ method: 'initialized' }),
  sent({ method: 'thread/start', id: 1, params: { cwd: '/w' } }),
  received({ id: 1, result: { thread: { id: threadId }, model: 'gpt-5.5' } }),
  sent({ method: 'turn/start', id: 2, params: { threadId } }),
  received({ id: 2, result: { turn: { id: turnId, status: 'inProgress', items: [] } } }),
];
const turnCompleted = (status: string, extra: Record<string, unknown> = {}) =>
  received({
    method: 'turn/completed',
    params: { threadId, turn: { id: turnId, status, items: [], error: null, ...extra } },
  });
const exited: CodexProcessOutcome = { exitCode: 0, signal: null, stderrTail: '' };

function decode(entries: CodexTranscriptEntry[], outcome: CodexProcessOutcome = exited) {
  const decoder = createCodexDecoder({ cwd: '/w', provider: 'codex' });
  const events = entries.flatMap((entry) => decoder.push(entry));
  events.push(...decoder.flush(outcome));
  assertProviderEventContract(events);
  return events;
}

const only = <T extends AgentEventType>(events: AgentEvent[], type: T) =>
  events.filter((event): event is AgentEventOf<T> => event.type === type);
const runEndOf = (events: AgentEvent[]) => only(events, 'run-end')[0];

describe('createCodexDecoder', () => {
  it('skips notifications of other threads and turns (sub-agents), including their end', () => {
    const events = decode([
      ...startOfTurn,
      received({
        method: 'item/agentMessage/delta',
        params: { threadId: 'sub-agent', turnId: 'other', itemId: 'm', delta: 'not ours' },
      }),
      received({
        method: 'turn/completed',
        params: { threadId: 'sub-agent', turn: { id: 'other', status: 'completed', items: [] } },
      }),
      notification('item/agentMessage/delta', { itemId: 'm1', delta: 'ours' }),
      item('item/completed', { type: 'agentMessage', id: 'm1', text: 'ours', phase: null }),
      turnCompleted('completed'),
    ]);
    expect(only(events, 'text-delta').map((delta) => delta.delta)).toEqual(['ours']);
    expect(runEndOf(events)).toMatchObject({ status: 'completed', text: 'ours' });
  });

  it('answers with the final answer, not the preamble, when turn/completed has no summary', () => {
    const events = decode([
      ...startOfTurn,
      item('item/completed', {
        type: 'agentMessage',
        id: 'm1',
        text: 'Looking.',
        phase: 'commentary',
      }),
      item('item/completed', {
        type: 'agentMessage',
        id: 'm2',
        text: 'Done.',
        phase: 'final_answer',
      }),
      item('item/completed', { type: 'agentMessage', id: 'm3', text: 'P.S.', phase: 'commentary' }),
      turnCompleted('completed'),
    ]);
    expect(runEndOf(events)?.text).toBe('Done.');
  });

  it('maps MCP tool calls, plans and a tool result without a start', () => {
    const events = decode([
      ...startOfTurn,
      item('item/started', {
        type: 'mcpToolCall',
        id: 'mcp1',
        server: 'docs',
        tool: 'search',
        status: 'inProgress',
        arguments: { q: 'zod' },
      }),
      item('item/completed', {
        type: 'mcpToolCall',
        id: 'mcp1',
        server: 'docs',
        tool: 'search',
        status: 'completed',
        arguments: { q: 'zod' },
        result: { content: [{ type: 'text', text: 'found it' }], structuredContent: null },
        error: null,
      }),
      notification('turn/plan/updated', {
        explanation: null,
        plan: [
          { step: 'Read the code', status: 'completed' },
          { step: 'Fix the bug', status: 'inProgress' },
          { step: 'Test', status: 'pending' },
        ],
      }),
      item('item/completed', {
        type: 'commandExecution',
        id: 'cmd1',
        command: 'false',
        cwd: '/w',
        status: 'failed',
        aggregatedOutput: '',
        exitCode: 1,
      }),
      turnCompleted('completed'),
    ]);
    expect(only(events, 'tool-call')).toEqual([
      { type: 'tool-call', callId: 'mcp1', toolName: 'mcp__docs__search', input: { q: 'zod' } },
      {
        type: 'tool-call',
        callId: 'cmd1',
        toolName: 'shell',
        input: { command: 'false', cwd: '/w' },
      },
    ]);
    expect(only(events, 'tool-result')).toEqual([
      {
        type: 'tool-result',
        callId: 'mcp1',
        toolName: 'mcp__docs__search',
        output: 'found it',
        isError: false,
      },
      {
        type: 'tool-result',
        callId: 'cmd1',
        toolName: 'shell',
        output: '(exit code 1)',
        isError: true,
      },
    ]);
    expect(only(events, 'plan-update')[0]?.entries).toEqual([
      { content: 'Read the code', status: 'completed' },
      { content: 'Fix the bug', status: 'in_progress' },
      { content: 'Test', status: 'pending' },
    ]);
  });

  it('reports a moved file as deleted and added', () => {
    const events = decode([
      ...startOfTurn,
      item('item/completed', {
        type: 'fileChange',
        id: 'p1',
        status: 'completed',
        changes: [
          { path: '/w/old.ts', kind: { type: 'update', move_path: '/w/new.ts' }, diff: '' },
        ],
      }),
      turnCompleted('completed'),
    ]);
    expect(only(events, 'file-change')).toEqual([
      { type: 'file-change', path: '/w/old.ts', kind: 'delete' },
      { type: 'file-change', path: '/w/new.ts', kind: 'add' },
    ]);
  });

  it('counts usage of this turn only on a thread that used tokens before', () => {
    const breakdown = (input: number, output: number) => ({
      totalTokens: input + output,
      inputTokens: input,
      cachedInputTokens: 0,
      cacheWriteInputTokens: 0,
      outputTokens: output,
      reasoningOutputTokens: 0,
    });
    const events = decode([
      ...startOfTurn,
      notification('thread/tokenUsage/updated', {
        tokenUsage: { total: breakdown(1100, 60), last: breakdown(100, 10), modelContextWindow: 1 },
      }),
      notification('thread/tokenUsage/updated', {
        tokenUsage: { total: breakdown(1300, 80), last: breakdown(200, 20), modelContextWindow: 1 },
      }),
      turnCompleted('completed'),
    ]);
    expect(runEndOf(events)?.usage).toEqual({
      inputTokens: 300,
      outputTokens: 30,
      cachedInputTokens: 0,
    });
  });

  it('ignores the usage a resumed thread replays for its earlier turn before turn/start answers', () => {
    const breakdown = (input: number) => ({ inputTokens: input, outputTokens: 1 });
    const events = decode([
      ...startOfTurn.slice(0, 6),
      received({
        method: 'thread/tokenUsage/updated',
        params: {
          threadId,
          turnId: 'earlier-turn',
          tokenUsage: { total: breakdown(900), last: breakdown(400) },
        },
      }),
      startOfTurn[6]!,
      notification('thread/tokenUsage/updated', {
        tokenUsage: { total: breakdown(1000), last: breakdown(100) },
      }),
      turnCompleted('completed'),
    ]);
    expect(only(events, 'usage').map((event) => event.usage.inputTokens)).toEqual([100]);
  });

  it('turns lines that are not JSON or not JSON-RPC into warnings and carries on', () => {
    const events = decode([
      ...startOfTurn,
      { direction: 'received', line: 'thread panicked' },
      received([1, 2]),
      received({ method: 'some/futureNotification', params: {} }),
      item('item/completed', { type: 'somethingNew', id: 'n1' }),
      item('item/completed', { type: 'agentMessage', id: 'm1' }),
      turnCompleted('completed'),
    ]);
    expect(only(events, 'warning').map((warning) => warning.message)).toEqual([
      'Codex app-server printed a line that is not JSON: thread panicked',
      'Codex app-server sent a message that is not JSON-RPC: [1,2]',
      expect.stringMatching(/^Could not read a Codex agentMessage item/),
    ]);
    expect(runEndOf(events)?.status).toBe('completed');
  });

  it('holds warnings from before the thread until run-start', () => {
    const events = decode([
      received({ method: 'configWarning', params: { summary: 'No bubblewrap', details: null } }),
      ...startOfTurn,
      turnCompleted('completed'),
    ]);
    expect(events.slice(0, 2)).toEqual([
      {
        type: 'run-start',
        provider: 'codex',
        nativeSessionId: threadId,
        model: 'gpt-5.5',
        cwd: '/w',
      },
      { type: 'warning', message: 'Codex: No bubblewrap' },
    ]);
  });

  it('waits for the outcome of an interrupted turn: timed out when the signal said so', () => {
    const decoder = createCodexDecoder({ cwd: '/w', provider: 'codex' });
    for (const entry of [
      ...startOfTurn,
      notification('item/agentMessage/delta', { itemId: 'm1', delta: 'Half' }),
      turnCompleted('interrupted'),
    ]) {
      decoder.push(entry);
    }
    expect(decoder.isSettled).toBe(true);
    const reason = new AgentError('timed_out', 'The run exceeded its 5 s bound.');
    expect(decoder.flush({ ...exited, aborted: { reason } })).toEqual([
      expect.objectContaining({
        type: 'run-end',
        status: 'timed_out',
        text: 'Half',
        finishReason: { unified: 'interrupted', raw: 'interrupted' },
        error: { code: 'timed_out', message: 'The run exceeded its 5 s bound.' },
      }),
    ]);
  });

  it('gives a tool still running when the turn was interrupted a failed result', () => {
    const events = decode(
      [
        ...startOfTurn,
        item('item/started', {
          type: 'commandExecution',
          id: 'cmd1',
          command: 'sleep 30',
          cwd: '/w',
          status: 'inProgress',
        }),
        turnCompleted('interrupted'),
      ],
      { ...exited, aborted: { reason: undefined } },
    );
    expect(events.slice(-2)).toEqual([
      {
        type: 'tool-result',
        callId: 'cmd1',
        toolName: 'shell',
        output: '(did not finish: the turn ended first)',
        isError: true,
      },
      expect.objectContaining({ type: 'run-end', status: 'cancelled' }),
    ]);
  });

  it('fails a turn Codex interrupted by itself', () => {
    expect(runEndOf(decode([...startOfTurn, turnCompleted('interrupted')]))).toMatchObject({
      status: 'failed',
      error: { code: 'agent_error' },
    });
  });

  it('fails with agent_crashed and the stderr when the app-server dies mid-turn', () => {
    const events = decode(startOfTurn, {
      exitCode: null,
      signal: 'SIGSEGV',
      stderrTail: 'thread main panicked',
    });
    expect(runEndOf(events)).toMatchObject({
      status: 'failed',
      nativeSessionId: threadId,
      finishReason: { unified: 'error', raw: 'SIGSEGV' },
      error: {
        code: 'agent_crashed',
        message: 'Codex app-server ended (SIGSEGV) before finishing the turn: thread main panicked',
      },
    });
  });

  it('reports a failure the transcript does not show, such as a request timeout', () => {
    const failure = new AgentError(
      'agent_crashed',
      'Codex app-server did not answer initialize within 30 s.',
    );
    const events = decode(startOfTurn.slice(0, 1), { ...exited, failure });
    expect(events.map((event) => event.type)).toEqual(['run-start', 'run-end']);
    expect(runEndOf(events)?.error).toEqual({ code: 'agent_crashed', message: failure.message });
  });

  it('ends cancelled with one start when aborted before the thread existed', () => {
    const events = decode(startOfTurn.slice(0, 2), { ...exited, aborted: { reason: undefined } });
    expect(events).toEqual([
      { type: 'run-start', provider: 'codex', cwd: '/w' },
      expect.objectContaining({ type: 'run-end', status: 'cancelled', text: '' }),
    ]);
  });

  it('describes a failed turn with the upstream details Codex carries', () => {
    const error = {
      message: 'unexpected status 401 Unauthorized',
      codexErrorInfo: { httpConnectionFailed: { httpStatusCode: 401 } },
      additionalDetails: 'Missing bearer authentication in header',
    };
    const events = decode([
      ...startOfTurn,
      notification('error', { error, willRetry: false }),
      turnCompleted('failed', { error }),
    ]);
    const message =
      'unexpected status 401 Unauthorized (Missing bearer authentication in header) [httpConnectionFailed, HTTP 401]';
    expect(only(events, 'error')).toEqual([{ type: 'error', code: 'upstream_error', message }]);
    expect(runEndOf(events)?.error).toEqual({ code: 'upstream_error', message });
  });

  it('reads a refused turn/start as the end of the run', () => {
    const events = decode([
      ...startOfTurn.slice(0, 6),
      received({ id: 2, error: { code: -32600, message: 'thread not found: thread-1' } }),
    ]);
    expect(runEndOf(events)?.error).toEqual({
      code: 'agent_error',
      message: 'Codex refused turn/start: thread not found: thread-1',
    });
  });

  it('warns about a server request it refused as unsupported', () => {
    const events = decode([
      ...startOfTurn,
      received({ method: 'item/tool/requestUserInput', id: 0, params: { threadId, turnId } }),
      sent({ id: 0, error: { code: -32601, message: 'no' } }),
      turnCompleted('completed'),
    ]);
    expect(only(events, 'warning')[0]?.message).toMatch(/item\/tool\/requestUserInput/);
  });
});
