import { describe, expect, it } from 'vitest';
import {
  buildAcpCommandLine,
  buildAcpPrompt,
  chooseAcpPermissionOutcome,
  chooseAcpSessionMode,
} from './acp-args.js';

const claudeOptions = [
  { optionId: 'allow-once', kind: 'allow_once' },
  { optionId: 'allow-with-updates', kind: 'allow_always' },
  { optionId: 'reject', kind: 'reject_once' },
];

describe('chooseAcpPermissionOutcome', () => {
  it('allows once under accept and rejects once under decline', () => {
    expect(chooseAcpPermissionOutcome(claudeOptions, 'accept')).toEqual({
      outcome: 'selected',
      optionId: 'allow-once',
    });
    expect(chooseAcpPermissionOutcome(claudeOptions, 'decline')).toEqual({
      outcome: 'selected',
      optionId: 'reject',
    });
  });

  it('takes the nearest kind when the preferred one is missing, else cancels', () => {
    const always = [
      { optionId: 'yes', kind: 'allow_always' },
      { optionId: 'never', kind: 'reject_always' },
    ];
    expect(chooseAcpPermissionOutcome(always, 'accept')).toEqual({
      outcome: 'selected',
      optionId: 'yes',
    });
    expect(chooseAcpPermissionOutcome(always, 'decline')).toEqual({
      outcome: 'selected',
      optionId: 'never',
    });
    expect(chooseAcpPermissionOutcome([], 'accept')).toEqual({ outcome: 'cancelled' });
  });
});

describe('chooseAcpSessionMode', () => {
  const offered = {
    currentModeId: 'auto',
    availableModes: [{ id: 'default' }, { id: 'auto' }, { id: 'acceptEdits' }],
  };
  const modes = {
    'read-only': 'default',
    'workspace-write': 'acceptEdits',
    'full-access': 'bypassPermissions',
  };

  it('picks the mode of the permissions when the agent offers it', () => {
    expect(chooseAcpSessionMode(modes, 'read-only', offered)).toBe('default');
    expect(chooseAcpSessionMode(modes, 'workspace-write', offered)).toBe('acceptEdits');
  });

  it('changes nothing when the mode is missing, current, or the agent has no modes', () => {
    expect(chooseAcpSessionMode(modes, 'full-access', offered)).toBeUndefined();
    expect(chooseAcpSessionMode({ 'read-only': 'auto' }, 'read-only', offered)).toBeUndefined();
    expect(chooseAcpSessionMode(modes, 'read-only', undefined)).toBeUndefined();
  });
});

describe('buildAcpPrompt and buildAcpCommandLine', () => {
  it('puts instructions in a text block before the task', () => {
    expect(buildAcpPrompt('do it', undefined)).toEqual([{ type: 'text', text: 'do it' }]);
    expect(buildAcpPrompt('do it', 'be brief')).toEqual([
      { type: 'text', text: 'Instructions for this task:\nbe brief' },
      { type: 'text', text: 'do it' },
    ]);
  });

  it('appends the agent arguments and the cwd flag to the located command', () => {
    const located = { command: '/usr/bin/node', args: ['/lib/agent.js'] };
    expect(buildAcpCommandLine(located, { args: ['--acp'], cwdArg: '--cwd' }, '/work')).toEqual({
      command: '/usr/bin/node',
      args: ['/lib/agent.js', '--acp', '--cwd', '/work'],
    });
  });
});
