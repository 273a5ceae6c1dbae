import { describe, expect, it } from 'vitest';
import type { AgentEvent } from '../../events/index.js';
import { createAcpDecoder } from './acp-decoder.js';
import type { AcpTranscriptEntry } from './acp-transcript.js';

const sent = (message: object): AcpTranscriptEntry => ({
  direction: 'sent',
  message: { jsonrpc: '2.0', ...message },
});
const received = (message: object): AcpTranscriptEntry => ({
  direction: 'received',
  message: { jsonrpc: '2.0', ...message },
});
const update = (value: object) =>
  received({ method: 'session/update', params: { sessionId: 's1', update: value } });
const chunk = (text: string) =>
  update({ sessionUpdate: 'agent_message_chunk', content: { type: 'text', text } });

function decode(entries: AcpTranscriptEntry[], aborted?: { reason: unknown }): AgentEvent[] {
  const decoder = createAcpDecoder({ provider: 'acp:test', cwd: '/work' });
  const events = entries.flatMap((entry) => decoder.push(entry));
  return [...events, ...decoder.flush({ aborted, exitCode: 0, signal: null, stderrTail: '' })];
}

const newSession = [
  sent({ id: 1, method: 'session/new', params: { cwd: '/work', mcpServers: [] } }),
  received({
    id: 1,
    result: { sessionId: 's1', models: { currentModelId: 'model-a', availableModels: [] } },
  }),
];
const prompt = sent({ id: 2, method: 'session/prompt', params: { sessionId: 's1', prompt: [] } });

describe('createAcpDecoder', () => {
  it('quotes the first line that was not JSON when the agent ends without answering', () => {
    const events = decode([
      sent({ id: 0, method: 'initialize', params: {} }),
      { direction: 'received', line: 'Welcome to the agent!' },
      { direction: 'received', line: 'Done.' },
    ]);
    expect(events.at(-1)).toMatchObject({
      type: 'run-end',
      status: 'failed',
      error: {
        code: 'agent_crashed',
        message:
          'The agent ended (exit code 0) before finishing the turn; it printed a line that is not JSON ("Welcome to the agent!").',
      },
    });
  });

  it('skips the history a session/load replays before this turn’s prompt', () => {
    const events = decode([
      sent({
        id: 1,
        method: 'session/load',
        params: { sessionId: 's1', cwd: '/work', mcpServers: [] },
      }),
      chunk('old answer'),
      received({ id: 1, result: {} }),
      chunk('more old answer'),
      prompt,
      chunk('new answer'),
      received({ id: 2, result: { stopReason: 'end_turn' } }),
    ]);
    expect(events[0]).toMatchObject({ type: 'run-start', nativeSessionId: 's1' });
    expect(events.at(-1)).toMatchObject({ status: 'completed', text: 'new answer' });
    expect(JSON.stringify(events)).not.toContain('old answer');
  });

  it('maps a plan, reasoning, and the usage and model of the prompt result', () => {
    const events = decode([
      ...newSession,
      prompt,
      update({ sessionUpdate: 'agent_thought_chunk', content: { type: 'text', text: 'hmm' } }),
      update({
        sessionUpdate: 'plan',
        entries: [
          { content: 'step', status: 'in_progress', priority: 'high' },
          { content: 'odd', status: 'weird', priority: 'low' },
        ],
      }),
      chunk('done'),
      received({
        id: 2,
        result: {
          stopReason: 'max_tokens',
          usage: { inputTokens: 5, outputTokens: 2, totalTokens: 7, thoughtTokens: 1 },
          _meta: { quota: { model_usage: [{ model: 'model-b' }] } },
        },
      }),
    ]);
    expect(events).toContainEqual({
      type: 'plan-update',
      entries: [
        { content: 'step', status: 'in_progress' },
        { content: 'odd', status: 'pending' },
      ],
    });
    expect(events).toContainEqual({ type: 'reasoning', blockId: 'reasoning-1', text: 'hmm' });
    expect(events.at(-1)).toMatchObject({
      status: 'completed',
      finishReason: { unified: 'length', raw: 'max_tokens' },
      model: 'model-b',
      usage: { inputTokens: 5, outputTokens: 2, reasoningTokens: 1 },
    });
  });

  it('warns when the agent refuses a mode, and fails when it refuses the prompt', () => {
    const events = decode([
      ...newSession,
      sent({ id: 3, method: 'session/set_mode', params: { sessionId: 's1', modeId: 'x' } }),
      received({ id: 3, error: { code: -32602, message: 'no such mode' } }),
      prompt,
      received({ id: 2, error: { code: -32603, message: 'Internal error' } }),
    ]);
    expect(
      events.some((event) => event.type === 'warning' && event.message.includes('set_mode')),
    ).toBe(true);
    expect(events.at(-1)).toMatchObject({ status: 'failed', error: { code: 'agent_error' } });
  });

  it('ends a turn the caller cancelled as cancelled, and a refusal as failed', () => {
    const cancelled = decode(
      [...newSession, prompt, received({ id: 2, result: { stopReason: 'cancelled' } })],
      {
        reason: 'stop',
      },
    );
    expect(cancelled.at(-1)).toMatchObject({
      status: 'cancelled',
      finishReason: { unified: 'interrupted' },
    });
    const refused = decode([
      ...newSession,
      prompt,
      received({ id: 2, result: { stopReason: 'refusal' } }),
    ]);
    expect(refused.at(-1)).toMatchObject({ status: 'failed', error: { code: 'agent_error' } });
  });

  it('closes a tool the turn left open as failed, after announcing it', () => {
    const events = decode([
      ...newSession,
      prompt,
      update({
        sessionUpdate: 'tool_call',
        toolCallId: 't1',
        title: 'bash',
        kind: 'execute',
        status: 'pending',
      }),
      update({
        sessionUpdate: 'tool_call_update',
        toolCallId: 't1',
        status: 'in_progress',
        rawInput: { command: 'ls' },
      }),
      received({ id: 2, result: { stopReason: 'end_turn' } }),
    ]);
    expect(events).toContainEqual({
      type: 'tool-call',
      callId: 't1',
      toolName: 'bash',
      input: { command: 'ls' },
    });
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'tool-result', callId: 't1', isError: true }),
    );
  });
});
