import { describe, expect, it } from 'vitest';
import { AgentError } from '../../errors/index.js';
import { buildGeminiArgs } from './gemini-args.js';

describe('buildGeminiArgs', () => {
  it('runs one headless stream-json turn, the prompt as --prompt=<text>', () => {
    expect(buildGeminiArgs({ prompt: 'Say hi', permissions: 'workspace-write' })).toEqual([
      '--prompt=Say hi',
      '--output-format',
      'stream-json',
      '--approval-mode',
      'auto_edit',
    ]);
  });

  it('keeps a prompt that looks like a flag inside the --prompt value', () => {
    const args = buildGeminiArgs({ prompt: '--version -m x', permissions: 'read-only' });
    expect(args[0]).toBe('--prompt=--version -m x');
    expect(args).not.toContain('--version');
  });

  it('maps each permission level to an approval mode', () => {
    const modeOf = (permissions: 'read-only' | 'workspace-write' | 'full-access') => {
      const args = buildGeminiArgs({ prompt: 'x', permissions });
      return args[args.indexOf('--approval-mode') + 1];
    };
    expect(modeOf('read-only')).toBe('default');
    expect(modeOf('workspace-write')).toBe('auto_edit');
    expect(modeOf('full-access')).toBe('yolo');
  });

  it('passes the model, a new session id or the session to resume, then the extra arguments', () => {
    const fresh = buildGeminiArgs({
      prompt: 'x',
      model: 'gemini-2.5-flash',
      permissions: 'full-access',
      newSessionId: '11111111-1111-4111-8111-111111111111',
      extraArgs: ['--include-directories', '/data'],
    });
    expect(fresh.slice(3)).toEqual([
      '--model',
      'gemini-2.5-flash',
      '--approval-mode',
      'yolo',
      '--session-id',
      '11111111-1111-4111-8111-111111111111',
      '--include-directories',
      '/data',
    ]);
    const resumed = buildGeminiArgs({
      prompt: 'x',
      permissions: 'full-access',
      resumeSessionId: '22222222-2222-4222-8222-222222222222',
      newSessionId: '11111111-1111-4111-8111-111111111111',
    });
    expect(resumed.slice(-2)).toEqual(['--resume', '22222222-2222-4222-8222-222222222222']);
    expect(resumed).not.toContain('--session-id');
  });

  it('refuses instructions with invalid_input instead of dropping them', () => {
    const build = () =>
      buildGeminiArgs({ prompt: 'x', instructions: 'Be brief.', permissions: 'read-only' });
    expect(build).toThrow(AgentError);
    expect(build).toThrow(/cannot take instructions/);
    try {
      build();
    } catch (error) {
      expect(AgentError.is(error, 'invalid_input')).toBe(true);
    }
  });
});
