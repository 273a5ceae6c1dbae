import { describe, expect, it } from 'vitest';
import { AgentError } from '../../errors/index.js';
import { abortedEnding, crashedEnding, processEnding } from './run-endings.js';

const exit = { exitCode: 1, signal: null, stderrTail: '  boom\n' };

describe('run endings', () => {
  it('reads a timeout as timed_out and anything else as cancelled', () => {
    const timeout = new AgentError('timed_out', 'The run exceeded its timeout of 1 s.');
    expect(abortedEnding({ reason: timeout }, 'SIGINT')).toEqual({
      status: 'timed_out',
      finishReason: { unified: 'interrupted', raw: 'SIGINT' },
      error: { code: 'timed_out', message: 'The run exceeded its timeout of 1 s.' },
    });
    expect(abortedEnding({ reason: undefined }, undefined)).toEqual({
      status: 'cancelled',
      finishReason: { unified: 'interrupted', raw: undefined },
      error: { code: 'cancelled', message: 'The run was cancelled by the caller.' },
    });
  });

  it('names the agent, how it ended and the end of its stderr when it crashed', () => {
    expect(crashedEnding('Some CLI', exit)).toEqual({
      status: 'failed',
      finishReason: { unified: 'error', raw: 'exit code 1' },
      error: {
        code: 'agent_crashed',
        message: 'Some CLI ended (exit code 1) before finishing the turn: boom',
      },
    });
    expect(crashedEnding('Some CLI', { ...exit, signal: 'SIGKILL', stderrTail: '' }).error).toEqual(
      {
        code: 'agent_crashed',
        message: 'Some CLI ended (SIGKILL) before finishing the turn.',
      },
    );
  });

  it('quotes the first line that was not JSON, for an agent whose stdout is not its protocol', () => {
    const outcome = { ...exit, exitCode: 0, stderrTail: '', unreadLine: 'Welcome to the agent!' };
    expect(crashedEnding('Some CLI', outcome).error).toEqual({
      code: 'agent_crashed',
      message:
        'Some CLI ended (exit code 0) before finishing the turn; it printed a line that is not JSON ("Welcome to the agent!").',
    });
  });

  it('prefers an abort, then a failure we saw, then the crash', () => {
    const failure = new AgentError('agent_crashed', 'no answer to initialize');
    expect(processEnding('X', { ...exit, failure, aborted: { reason: undefined } }).status).toBe(
      'cancelled',
    );
    expect(processEnding('X', { ...exit, failure })).toEqual({
      status: 'failed',
      finishReason: { unified: 'error', raw: 'exit code 1' },
      error: { code: 'agent_crashed', message: 'no answer to initialize' },
    });
    expect(processEnding('X', exit).error?.message).toContain('X ended (exit code 1)');
  });

  it('says what a documented exit code means', () => {
    const exitCodes = new Map([
      [41, { code: 'provider_unavailable' as const, reason: 'could not authenticate' }],
    ]);
    expect(crashedEnding('Some CLI', { ...exit, exitCode: 41 }, exitCodes)).toEqual({
      status: 'failed',
      finishReason: { unified: 'error', raw: 'exit code 41' },
      error: {
        code: 'provider_unavailable',
        message: 'Some CLI could not authenticate (exit code 41) before finishing the turn: boom',
      },
    });
    expect(processEnding('X', exit, { exitCodes }).error?.code).toBe('agent_crashed');
  });
});
