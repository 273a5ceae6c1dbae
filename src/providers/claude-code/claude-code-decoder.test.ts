import { describe, expect, it } from 'vitest';
import type { AgentEvent, AgentEventOf, AgentEventType } from '../../events/index.js';
import { AgentError } from '../../errors/index.js';
import { assertProviderEventContract } from '../../../test/support/provider-contract.js';
import { createClaudeCodeDecoder } from './claude-code-decoder.js';
import type { ClaudeCodeProcessOutcome } from './claude-code-run-end.js';

/** Decodes hand-written lines (objects are serialized), then flushes a clean exit by default. */
function decodeLines(lines: unknown[], outcome: Partial<ClaudeCodeProcessOutcome> = {}) {
  const decoder = createClaudeCodeDecoder({ cwd: '/work', provider: 'claude-code' });
  return [
    ...lines.flatMap((line) =>
      decoder.push(typeof line === 'string' ? line : JSON.stringify(line)),
    ),
    ...decoder.flush({ exitCode: 0, signal: null, stderrTail: '', ...outcome }),
  ];
}

const typesOf = (events: AgentEvent[]) => events.map((event) => event.type);
const only = <T extends AgentEventType>(events: AgentEvent[], type: T) =>
  events.filter((event): event is AgentEventOf<T> => event.type === type);
const runEndOf = (events: AgentEvent[]) => only(events, 'run-end')[0];

const init = { type: 'system', subtype: 'init', session_id: 'session-1', model: 'claude-x' };
const result = (fields: Record<string, unknown> = {}) => ({
  type: 'result',
  subtype: 'success',
  is_error: false,
  result: 'Done.',
  session_id: 'session-1',
  terminal_reason: 'completed',
  stop_reason: 'end_turn',
  usage: {
    input_tokens: 10,
    cache_creation_input_tokens: 5,
    cache_read_input_tokens: 100,
    output_tokens: 7,
  },
  total_cost_usd: 0.25,
  ...fields,
});
const assistant = (id: string, content: unknown[], fields: Record<string, unknown> = {}) => ({
  type: 'assistant',
  message: { id, model: 'claude-x', content },
  parent_tool_use_id: null,
  ...fields,
});
const toolResult = (
  callId: string,
  content: unknown,
  toolUseResult?: unknown,
  isError = false,
) => ({
  type: 'user',
  message: {
    role: 'user',
    content: [{ type: 'tool_result', tool_use_id: callId, content, is_error: isError }],
  },
  tool_use_result: toolUseResult,
});

describe('createClaudeCodeDecoder', () => {
  it('turns a line that is not JSON into a warning, never an exception', () => {
    const events = decodeLines([init, '{"type":"assistant", broken', 'plain words', result()]);
    assertProviderEventContract(events);
    expect(only(events, 'warning').map((warning) => warning.message)).toEqual([
      'Claude Code printed a line that is not JSON: {"type":"assistant", broken',
      'Claude Code printed a line that is not JSON: plain words',
    ]);
    expect(runEndOf(events)?.status).toBe('completed');
  });

  it('quotes the first line that was not JSON when the process ends without a result', () => {
    const events = decodeLines(['Welcome to the agent!', '[1, 2, 3]', 'Done.']);
    assertProviderEventContract(events);
    expect(runEndOf(events)?.error).toEqual({
      code: 'agent_crashed',
      message:
        'Claude Code ended (exit code 0) before finishing the turn; it printed a line that is not JSON ("Welcome to the agent!").',
    });
  });

  it('warns about a known line type it cannot read, and skips unknown types and blank lines', () => {
    const events = decodeLines([
      init,
      '',
      { type: 'system', subtype: 'hook_response', output: 'x' },
      { type: 'rate_limit_event', info: {} },
      { type: 'assistant', message: 'not an object' },
      result(),
    ]);
    assertProviderEventContract(events);
    expect(typesOf(events)).toEqual(['run-start', 'warning', 'usage', 'run-end']);
    expect(only(events, 'warning')[0]?.message).toMatch(
      /^Could not read a Claude Code "assistant" line: /,
    );
  });

  it('emits run-start once although init repeats', () => {
    const events = decodeLines([init, { ...init, session_id: 'session-2' }, result()]);
    expect(only(events, 'run-start')).toEqual([
      {
        type: 'run-start',
        provider: 'claude-code',
        nativeSessionId: 'session-1',
        model: 'claude-x',
        cwd: '/work',
      },
    ]);
  });

  it('counts cache reads and writes as input and reports cache reads as cached', () => {
    const usage = only(decodeLines([init, result()]), 'usage')[0]?.usage;
    expect(usage).toEqual({
      inputTokens: 115,
      outputTokens: 7,
      cachedInputTokens: 100,
      costUsd: 0.25,
    });
  });

  it('maps stop reasons: max_tokens is length', () => {
    const runEnd = runEndOf(
      decodeLines([init, result({ stop_reason: 'max_tokens', terminal_reason: null })]),
    );
    expect(runEnd?.finishReason).toEqual({ unified: 'length', raw: 'max_tokens' });
  });

  it('fails a run that hit the turn limit, with the errors Claude Code gave', () => {
    const runEnd = runEndOf(
      decodeLines([
        init,
        result({
          subtype: 'error_max_turns',
          is_error: true,
          terminal_reason: 'max_turns',
          errors: ['Reached maximum number of turns (1)'],
        }),
      ]),
    );
    expect(runEnd).toMatchObject({
      status: 'failed',
      finishReason: { unified: 'error', raw: 'max_turns' },
      error: {
        code: 'agent_error',
        message:
          'Claude Code stopped at the maximum number of turns: Reached maximum number of turns (1)',
      },
    });
  });

  it('reports a missing login as provider_unavailable', () => {
    const runEnd = runEndOf(
      decodeLines([
        init,
        result({
          is_error: true,
          result: 'Not logged in · Please run /login',
          terminal_reason: 'api_error',
        }),
      ]),
    );
    expect(runEnd?.error).toEqual({
      code: 'provider_unavailable',
      message: 'Not logged in · Please run /login',
    });
  });

  it('keeps an interrupt it did not cause as a failure of the agent', () => {
    const interrupted = result({
      subtype: 'error_during_execution',
      is_error: true,
      result: undefined,
      terminal_reason: 'aborted_streaming',
      errors: ['[ede_diagnostic] result_type=user'],
    });
    const runEnd = runEndOf(
      decodeLines([init, assistant('m1', [{ type: 'text', text: 'Partial' }]), interrupted]),
    );
    expect(runEnd).toMatchObject({
      status: 'failed',
      text: 'Partial',
      error: { code: 'agent_error' },
    });
  });

  it('ends timed_out when the abort reason is a timeout', () => {
    const events = decodeLines([init, assistant('m1', [{ type: 'text', text: 'Half' }])], {
      aborted: { reason: new AgentError('timed_out', 'The run exceeded 5 s.') },
      exitCode: null,
      signal: 'SIGTERM',
    });
    assertProviderEventContract(events);
    expect(runEndOf(events)).toMatchObject({
      status: 'timed_out',
      text: 'Half',
      finishReason: { unified: 'interrupted', raw: 'SIGTERM' },
      error: { code: 'timed_out', message: 'The run exceeded 5 s.' },
    });
  });

  it('reports a process that died mid-turn as agent_crashed with exit code and stderr', () => {
    const events = decodeLines([init, assistant('m1', [{ type: 'text', text: 'Half' }])], {
      exitCode: 137,
      stderrTail: 'out of memory',
    });
    expect(runEndOf(events)).toMatchObject({
      status: 'failed',
      text: 'Half',
      error: {
        code: 'agent_crashed',
        message: 'Claude Code ended (exit code 137) before finishing the turn: out of memory',
      },
    });
  });

  it('ignores lines after the result and emits nothing more on flush', () => {
    const decoder = createClaudeCodeDecoder({ cwd: '/work', provider: 'claude-code' });
    decoder.push(JSON.stringify(init));
    expect(decoder.push(JSON.stringify(result())).at(-1)?.type).toBe('run-end');
    expect(decoder.push(JSON.stringify(assistant('m9', [{ type: 'text', text: 'late' }])))).toEqual(
      [],
    );
    expect(decoder.flush({ exitCode: 0, signal: null, stderrTail: '' })).toEqual([]);
  });

  it('uses the text of the last assistant message when the result carries none', () => {
    const events = decodeLines([
      init,
      assistant('m1', [{ type: 'text', text: 'First message.' }]),
      assistant('m2', [{ type: 'text', text: 'Second, ' }]),
      assistant('m2', [{ type: 'text', text: 'continued.' }]),
      result({ result: undefined }),
    ]);
    expect(runEndOf(events)?.text).toBe('Second, continued.');
    expect(only(events, 'text').map((text) => text.blockId)).toEqual(['m1:0', 'm2:0', 'm2:1']);
  });

  it('reads tool output given as blocks, bounds it, and names the tool from its call', () => {
    const long = 'x'.repeat(5000);
    const events = decodeLines([
      init,
      assistant('m1', [
        { type: 'tool_use', id: 'call-1', name: 'Read', input: { file_path: '/work/a' } },
      ]),
      toolResult('call-1', [
        { type: 'text', text: 'line one' },
        { type: 'image', source: {} },
        { type: 'text', text: long },
      ]),
      result(),
    ]);
    const output = only(events, 'tool-result')[0]?.output ?? '';
    expect(output.startsWith('line one\n[image]\nxxx')).toBe(true);
    expect(output.length).toBeLessThan(4100);
    expect(output).toMatch(/… \[\d+ more characters\]$/);
    expect(only(events, 'tool-result')[0]?.toolName).toBe('Read');
  });

  it('reports edits as updates, and no change when the edit failed', () => {
    const events = decodeLines([
      init,
      assistant('m1', [
        {
          type: 'tool_use',
          id: 'edit-ok',
          name: 'Edit',
          input: { file_path: '/work/a.ts', old_string: 'a', new_string: 'b' },
        },
        {
          type: 'tool_use',
          id: 'edit-bad',
          name: 'Edit',
          input: { file_path: '/work/b.ts', old_string: 'a', new_string: 'b' },
        },
        {
          type: 'tool_use',
          id: 'write-over',
          name: 'Write',
          input: { file_path: '/work/c.ts', content: '' },
        },
      ]),
      toolResult('edit-ok', 'The file /work/a.ts has been updated.', { filePath: '/work/a.ts' }),
      toolResult('edit-bad', 'String not found', 'Error: String not found', true),
      toolResult('write-over', 'Updated', { type: 'update', filePath: '/work/c.ts' }),
      result(),
    ]);
    expect(only(events, 'file-change')).toEqual([
      { type: 'file-change', path: '/work/a.ts', kind: 'update' },
      { type: 'file-change', path: '/work/c.ts', kind: 'update' },
    ]);
  });

  it('turns a TodoWrite call into the whole plan', () => {
    const todos = [
      { content: 'Read the code', status: 'completed', activeForm: 'Reading' },
      { content: 'Fix the bug', status: 'in_progress', activeForm: 'Fixing' },
      { content: 'Odd status', status: 'blocked' },
    ];
    const events = decodeLines([
      init,
      assistant('m1', [{ type: 'tool_use', id: 'todo-1', name: 'TodoWrite', input: { todos } }]),
      result(),
    ]);
    expect(only(events, 'plan-update')).toEqual([
      {
        type: 'plan-update',
        entries: [
          { content: 'Read the code', status: 'completed' },
          { content: 'Fix the bug', status: 'in_progress' },
          { content: 'Odd status', status: 'pending' },
        ],
      },
    ]);
  });

  it("keeps a sub-agent's tool calls but not its text", () => {
    const events = decodeLines([
      init,
      {
        type: 'stream_event',
        event: {
          type: 'content_block_delta',
          index: 0,
          delta: { type: 'text_delta', text: 'inner' },
        },
        parent_tool_use_id: 'task-1',
      },
      assistant('inner-1', [{ type: 'text', text: 'Inner answer' }], {
        parent_tool_use_id: 'task-1',
      }),
      assistant(
        'inner-1',
        [{ type: 'tool_use', id: 'inner-call', name: 'Grep', input: { pattern: 'x' } }],
        { parent_tool_use_id: 'task-1' },
      ),
      { ...toolResult('inner-call', 'no matches'), parent_tool_use_id: 'task-1' },
      result({ result: 'Outer answer' }),
    ]);
    expect(typesOf(events)).toEqual(['run-start', 'tool-call', 'tool-result', 'usage', 'run-end']);
    expect(runEndOf(events)?.text).toBe('Outer answer');
  });

  it('reports the model the API answered with in run-end, not a sub-agent or synthetic one', () => {
    const events = decodeLines([
      init,
      assistant('inner-1', [{ type: 'text', text: 'Inner' }], {
        parent_tool_use_id: 'task-1',
        message: { id: 'inner-1', model: 'claude-haiku-sub', content: [] },
      }),
      {
        ...assistant('main-1', [{ type: 'text', text: 'Done.' }]),
        message: {
          id: 'main-1',
          model: 'claude-other',
          content: [{ type: 'text', text: 'Done.' }],
        },
      },
      {
        ...assistant('synthetic-1', [], { error: 'unknown' }),
        message: { id: 's', model: '<synthetic>', content: [] },
      },
      result({ modelUsage: { 'claude-x': {} } }),
    ]);
    expect(events[0]).toMatchObject({ type: 'run-start', model: 'claude-x' });
    expect(runEndOf(events)?.model).toBe('claude-other');
  });

  it('leaves the synthetic API-error message out of the answer', () => {
    const events = decodeLines([
      init,
      assistant('synthetic-1', [{ type: 'text', text: 'API Error: 529 Overloaded' }], {
        error: 'rate_limit',
      }),
      result({
        is_error: true,
        result: 'API Error: 529 Overloaded',
        api_error_status: 529,
        terminal_reason: 'api_error',
      }),
    ]);
    expect(only(events, 'text')).toEqual([]);
    expect(runEndOf(events)).toMatchObject({
      status: 'failed',
      text: '',
      error: { code: 'upstream_error' },
    });
  });

  it('holds a warning about a line before init until init, so run-start has the session', () => {
    const events = decodeLines(['Update available!', init, result()]);
    expect(typesOf(events)).toEqual(['run-start', 'warning', 'usage', 'run-end']);
    expect(events[0]).toMatchObject({ nativeSessionId: 'session-1', model: 'claude-x' });
  });

  it('synthesizes the run-start from the first line when init never came', () => {
    const events = decodeLines(['not json at all']);
    assertProviderEventContract(events);
    expect(typesOf(events)).toEqual(['run-start', 'warning', 'run-end']);
    expect(events[0]).toEqual({ type: 'run-start', provider: 'claude-code', cwd: '/work' });
  });
});
