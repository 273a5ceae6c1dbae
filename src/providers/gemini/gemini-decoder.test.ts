import { describe, expect, it } from 'vitest';
import type { AgentEvent } from '../../events/index.js';
import { AgentError } from '../../errors/index.js';
import { assertProviderEventContract } from '../../../test/support/provider-contract.js';
import { createGeminiDecoder } from './gemini-decoder.js';
import type { GeminiProcessOutcome } from './gemini-run-end.js';

const sessionId = '3ab03daf-3ac4-466b-a13f-6bae96d2362a';
const line = (value: Record<string, unknown>) =>
  JSON.stringify({ timestamp: '2026-12-03T19:30:19.877Z', ...value });
const init = line({ type: 'init', session_id: sessionId, model: 'gemini-2.5-flash' });
const userEcho = line({ type: 'message', role: 'user', content: 'Run the greeting command' });
const delta = (content: string) =>
  line({ type: 'message', role: 'assistant', content, delta: true });
const toolId = 'run_shell_command__run_shell_command_1795289419936_0';
const toolUse = line({
  type: 'tool_use',
  tool_name: 'run_shell_command',
  tool_id: toolId,
  parameters: { command: 'echo hello-from-tool' },
});
const toolResult = line({
  type: 'tool_result',
  tool_id: toolId,
  status: 'success',
  output: 'hello-from-tool',
});
const stats = {
  total_tokens: 70,
  input_tokens: 50,
  output_tokens: 20,
  cached: 10,
  duration_ms: 233,
  tool_calls: 1,
  models: { 'gemini-2.5-flash': {} },
};
const success = line({ type: 'result', status: 'success', stats });
const exited: GeminiProcessOutcome = { exitCode: 0, signal: null, stderrTail: '' };

function decode(lines: string[], outcome: GeminiProcessOutcome = exited): AgentEvent[] {
  const decoder = createGeminiDecoder({ cwd: '/work', provider: 'gemini' });
  const events = [...lines.flatMap((text) => decoder.push(text)), ...decoder.flush(outcome)];
  assertProviderEventContract(events);
  return events;
}
const runEndOf = (events: AgentEvent[]) =>
  events.at(-1) as Extract<AgentEvent, { type: 'run-end' }>;

describe('createGeminiDecoder', () => {
  it('maps a tool turn: text blocks around the call, its result, usage, and the last text as answer', () => {
    const events = decode([
      init,
      userEcho,
      delta('I will run it.'),
      toolUse,
      toolResult,
      delta('The tool said: '),
      delta('hello'),
      success,
    ]);
    expect(events.map((event) => event.type)).toEqual([
      'run-start',
      'text-delta',
      'text',
      'tool-call',
      'tool-result',
      'text-delta',
      'text-delta',
      'text',
      'usage',
      'run-end',
    ]);
    expect(events[0]).toEqual({
      type: 'run-start',
      provider: 'gemini',
      nativeSessionId: sessionId,
      model: 'gemini-2.5-flash',
      cwd: '/work',
    });
    expect(events[2]).toEqual({ type: 'text', blockId: 'text-1', text: 'I will run it.' });
    expect(events[3]).toEqual({
      type: 'tool-call',
      callId: toolId,
      toolName: 'run_shell_command',
      input: { command: 'echo hello-from-tool' },
    });
    expect(events[4]).toEqual({
      type: 'tool-result',
      callId: toolId,
      toolName: 'run_shell_command',
      output: 'hello-from-tool',
      isError: false,
    });
    expect(events[7]).toEqual({ type: 'text', blockId: 'text-2', text: 'The tool said: hello' });
    expect(runEndOf(events)).toEqual({
      type: 'run-end',
      status: 'completed',
      text: 'The tool said: hello',
      nativeSessionId: sessionId,
      model: 'gemini-2.5-flash',
      usage: { inputTokens: 50, outputTokens: 20, cachedInputTokens: 10 },
      finishReason: { unified: 'stop', raw: 'success' },
    });
  });

  it('ends at a successful result and ignores what the process prints after it', () => {
    const decoder = createGeminiDecoder({ cwd: '/work', provider: 'gemini' });
    decoder.push(init);
    expect(decoder.hasEnded).toBe(false);
    expect(decoder.push(success).at(-1)?.type).toBe('run-end');
    expect(decoder.hasEnded).toBe(true);
    expect(decoder.push(delta('late'))).toEqual([]);
    expect(decoder.flush(exited)).toEqual([]);
  });

  it('reports a failed tool as an error result, and a successful write_file as a file change', () => {
    const failedId = 'write_file__write_file_1_0';
    const written = 'write_file__write_file_2_0';
    const events = decode([
      init,
      line({ type: 'tool_use', tool_name: 'write_file', tool_id: failedId, parameters: {} }),
      line({
        type: 'tool_result',
        tool_id: failedId,
        status: 'error',
        output: 'Tool "write_file" not found.',
        error: { type: 'tool_not_registered', message: 'Tool "write_file" not found.' },
      }),
      line({
        type: 'tool_use',
        tool_name: 'write_file',
        tool_id: written,
        parameters: { file_path: '/work/a.txt', content: 'a' },
      }),
      line({ type: 'tool_result', tool_id: written, status: 'success' }),
      line({ type: 'tool_result', tool_id: 'never_called', status: 'success' }),
      success,
    ]);
    const results = events.filter((event) => event.type === 'tool-result');
    expect(results).toEqual([
      {
        type: 'tool-result',
        callId: failedId,
        toolName: 'write_file',
        output: 'Tool "write_file" not found.',
        isError: true,
      },
      { type: 'tool-result', callId: written, toolName: 'write_file', output: '', isError: false },
    ]);
    expect(events.filter((event) => event.type === 'file-change')).toEqual([
      { type: 'file-change', path: '/work/a.txt', kind: 'unknown' },
    ]);
  });

  it('turns an API error result into a failed run with upstream_error', () => {
    const message =
      '[API Error: {"error":{"code":500,"message":"Scripted 500","status":"INTERNAL"}}]';
    const events = decode(
      [
        init,
        line({
          type: 'result',
          status: 'error',
          error: { type: 'unknown', message },
          stats: { ...stats, input_tokens: 0, output_tokens: 0 },
        }),
      ],
      { exitCode: 244, signal: null, stderrTail: '' },
    );
    expect(runEndOf(events)).toMatchObject({
      status: 'failed',
      finishReason: { unified: 'error', raw: 'unknown' },
      error: { code: 'upstream_error', message },
    });
  });

  it('reads an interrupted run (exit 0, no result) as cancelled or timed out, by the abort reason', () => {
    const partial = [init, delta('Working'), delta(' on it')];
    const cancelled = decode(partial, { ...exited, aborted: { reason: 'stop' } });
    expect(cancelled.at(-2)).toEqual({ type: 'text', blockId: 'text-1', text: 'Working on it' });
    expect(runEndOf(cancelled)).toMatchObject({
      status: 'cancelled',
      text: 'Working on it',
      nativeSessionId: sessionId,
      finishReason: { unified: 'interrupted', raw: 'exit code 0' },
      error: { code: 'cancelled' },
    });
    const reason = new AgentError('timed_out', 'The run exceeded its timeout of 4 s.');
    const timedOut = decode(partial, { ...exited, aborted: { reason } });
    expect(runEndOf(timedOut)).toMatchObject({ status: 'timed_out', error: { code: 'timed_out' } });
  });

  it.each([
    [41, 'Invalid auth method selected.', 'provider_unavailable', /could not authenticate/],
    [
      42,
      'Error resuming session: No previous sessions found for this project.',
      'agent_error',
      /refused its input.*No previous sessions/,
    ],
    [
      55,
      'Gemini CLI is not running in a trusted directory.',
      'provider_unavailable',
      /does not trust/,
    ],
    [1, 'Something broke', 'agent_crashed', /^Gemini CLI ended \(exit code 1\).*Something broke/],
  ])('explains exit code %i before any line with its stderr', (exitCode, stderr, code, message) => {
    const noise =
      'Warning: Basic terminal detected (TERM=dumb).\nRipgrep is not available. Falling back to GrepTool.\n';
    const events = decode([], { exitCode, signal: null, stderrTail: `${noise}${stderr}` });
    expect(events.map((event) => event.type)).toEqual(['run-start', 'run-end']);
    expect(runEndOf(events).error).toMatchObject({
      code,
      message: expect.stringMatching(message) as unknown,
    });
    expect(runEndOf(events).error?.message).not.toMatch(/Ripgrep|TERM=dumb/);
  });

  it('reports bad lines as warnings after the run-start, and skips unknown line types', () => {
    const events = decode([
      'not json at all',
      init,
      line({ type: 'progress', value: 1 }),
      line({ type: 'tool_use' }),
      success,
    ]);
    expect(events.map((event) => event.type)).toEqual([
      'run-start',
      'warning',
      'warning',
      'usage',
      'run-end',
    ]);
    expect(events[1]).toMatchObject({
      message: expect.stringMatching(/not JSON: not json at all/) as unknown,
    });
    expect(events[2]).toMatchObject({
      message: expect.stringMatching(/Could not read a Gemini CLI "tool_use" line/) as unknown,
    });
  });

  it('maps error lines to error events (severity error) or warnings', () => {
    const events = decode([
      init,
      line({ type: 'error', severity: 'warning', message: 'Loop detected' }),
      line({ type: 'error', severity: 'error', message: 'Maximum session turns exceeded' }),
      success,
    ]);
    expect(events.slice(1, 3)).toEqual([
      { type: 'warning', message: 'Loop detected' },
      { type: 'error', code: 'agent_error', message: 'Maximum session turns exceeded' },
    ]);
  });
});
