import { describe, expect, it } from 'vitest';
import { buildClaudeCodeArgs, buildClaudeCodeSessionArgs } from './claude-code-args.js';
import { claudeCodeInterruptLine, claudeCodeUserLine } from './claude-code-stream-input.js';

describe('buildClaudeCodeArgs', () => {
  it('streams partial messages as JSON and puts the prompt last, after --', () => {
    const args = buildClaudeCodeArgs({ prompt: 'Say hello', permissions: 'workspace-write' });
    expect(args).toEqual([
      '-p',
      '--output-format',
      'stream-json',
      '--verbose',
      '--include-partial-messages',
      '--permission-mode',
      'acceptEdits',
      '--',
      'Say hello',
    ]);
  });

  it('keeps a prompt that looks like a flag as the prompt', () => {
    const args = buildClaudeCodeArgs({ prompt: '--help me', permissions: 'full-access' });
    expect(args.slice(-2)).toEqual(['--', '--help me']);
  });

  it('passes model, instructions and the session to resume', () => {
    const args = buildClaudeCodeArgs({
      prompt: 'Continue',
      model: 'claude-sonnet-4-5',
      instructions: 'Answer in French.',
      permissions: 'workspace-write',
      resumeSessionId: '0f5ea0b4-b7d5-4edc-a1d8-714d0428f14c',
    });
    expect(args).toEqual(
      expect.arrayContaining([
        '--model',
        'claude-sonnet-4-5',
        '--append-system-prompt',
        'Answer in French.',
        '--resume',
        '0f5ea0b4-b7d5-4edc-a1d8-714d0428f14c',
      ]),
    );
    expect(args[args.indexOf('--model') + 1]).toBe('claude-sonnet-4-5');
    expect(args[args.indexOf('--append-system-prompt') + 1]).toBe('Answer in French.');
    expect(args[args.indexOf('--resume') + 1]).toBe('0f5ea0b4-b7d5-4edc-a1d8-714d0428f14c');
    expect(args.at(-1)).toBe('Continue');
  });

  it('maps read-only to default mode without the editing tools', () => {
    const args = buildClaudeCodeArgs({ prompt: 'Look around', permissions: 'read-only' });
    const flags = args.slice(args.indexOf('--permission-mode'), args.indexOf('--'));
    expect(flags).toEqual([
      '--permission-mode',
      'default',
      '--disallowedTools',
      'Edit',
      'MultiEdit',
      'NotebookEdit',
      'Write',
    ]);
    // The variadic tool list is closed by `--`, so the prompt is not read as a tool name.
    expect(args.slice(-2)).toEqual(['--', 'Look around']);
  });

  it('maps workspace-write to acceptEdits and full-access to bypassPermissions', () => {
    const modeOf = (args: string[]) => args[args.indexOf('--permission-mode') + 1];
    expect(modeOf(buildClaudeCodeArgs({ prompt: 'x', permissions: 'workspace-write' }))).toBe(
      'acceptEdits',
    );
    expect(modeOf(buildClaudeCodeArgs({ prompt: 'x', permissions: 'full-access' }))).toBe(
      'bypassPermissions',
    );
  });

  it('places configured extra arguments before the prompt', () => {
    const args = buildClaudeCodeArgs({
      prompt: 'x',
      permissions: 'workspace-write',
      extraArgs: ['--max-turns', '3'],
    });
    expect(args.slice(-4)).toEqual(['--max-turns', '3', '--', 'x']);
  });
});

describe('buildClaudeCodeSessionArgs', () => {
  it('reads user messages as stream-json on stdin, with the same flags and no prompt', () => {
    const options = {
      model: 'mock-model',
      permissions: 'read-only' as const,
      resumeSessionId: 'id',
    };
    const session = buildClaudeCodeSessionArgs(options);
    expect(session.slice(0, 3)).toEqual(['-p', '--input-format', 'stream-json']);
    const oneTurn = buildClaudeCodeArgs({ ...options, prompt: 'unused' });
    expect(session.filter((arg) => arg !== '--input-format' && arg !== 'stream-json')).toEqual(
      oneTurn.slice(0, -2).filter((arg) => arg !== 'stream-json'),
    );
    expect(session).not.toContain('--');
  });

  it('writes a prompt and an interrupt as one JSON line each', () => {
    expect(JSON.parse(claudeCodeUserLine('Say "hi"\nthen stop'))).toEqual({
      type: 'user',
      message: { role: 'user', content: 'Say "hi"\nthen stop' },
    });
    expect(claudeCodeUserLine('a\nb')).not.toContain('\n');
    expect(JSON.parse(claudeCodeInterruptLine('r1'))).toEqual({
      type: 'control_request',
      request_id: 'r1',
      request: { subtype: 'interrupt' },
    });
  });
});
