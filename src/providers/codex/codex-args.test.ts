import { describe, expect, it } from 'vitest';
import {
  buildCodexArgs,
  buildCodexInitializeParams,
  buildCodexThreadRequest,
  buildCodexTurnParams,
  codexPolicyFor,
} from './codex-args.js';

describe('buildCodexArgs', () => {
  it('runs app-server with the configured extra arguments after it', () => {
    expect(buildCodexArgs()).toEqual(['app-server']);
    expect(buildCodexArgs(['-c', 'model_reasoning_effort="low"'])).toEqual([
      'app-server',
      '-c',
      'model_reasoning_effort="low"',
    ]);
  });
});

describe('codexPolicyFor', () => {
  it('sandboxes below full access and asks for escalations, which the provider answers', () => {
    expect(codexPolicyFor('read-only')).toEqual({
      sandbox: 'read-only',
      approvalPolicy: 'on-request',
    });
    expect(codexPolicyFor('workspace-write')).toEqual({
      sandbox: 'workspace-write',
      approvalPolicy: 'on-request',
    });
    expect(codexPolicyFor('full-access')).toEqual({
      sandbox: 'danger-full-access',
      approvalPolicy: 'never',
    });
  });
});

describe('buildCodexInitializeParams', () => {
  it('names subagent-mcp and opts out of the notifications the decoder never reads', () => {
    const params = buildCodexInitializeParams('1.2.3');
    expect(params.clientInfo).toEqual({
      name: 'subagent-mcp',
      title: 'subagent-mcp',
      version: '1.2.3',
    });
    expect(params.capabilities.optOutNotificationMethods).toContain('account/rateLimits/updated');
    expect(params.capabilities.optOutNotificationMethods).not.toContain('item/agentMessage/delta');
    expect(params.capabilities.optOutNotificationMethods).not.toContain(
      'thread/tokenUsage/updated',
    );
  });
});

describe('buildCodexThreadRequest', () => {
  it('starts a thread in the cwd with the policy, model and developer instructions', () => {
    expect(
      buildCodexThreadRequest({
        cwd: '/work',
        permissions: 'workspace-write',
        model: 'gpt-5.5',
        instructions: 'Be brief.',
      }),
    ).toEqual({
      method: 'thread/start',
      params: {
        cwd: '/work',
        sandbox: 'workspace-write',
        approvalPolicy: 'on-request',
        model: 'gpt-5.5',
        developerInstructions: 'Be brief.',
      },
    });
  });

  it('leaves out what the caller did not set', () => {
    expect(buildCodexThreadRequest({ cwd: '/work', permissions: 'full-access' }).params).toEqual({
      cwd: '/work',
      sandbox: 'danger-full-access',
      approvalPolicy: 'never',
    });
  });

  it('resumes a thread with the run policy, without loading its history', () => {
    expect(
      buildCodexThreadRequest({ cwd: '/work', permissions: 'read-only', resumeThreadId: 't-1' }),
    ).toEqual({
      method: 'thread/resume',
      params: {
        threadId: 't-1',
        cwd: '/work',
        sandbox: 'read-only',
        approvalPolicy: 'on-request',
        excludeTurns: true,
      },
    });
  });
});

describe('buildCodexTurnParams', () => {
  it('sends the prompt as one text input of the thread', () => {
    expect(buildCodexTurnParams('t-1', '--help me')).toEqual({
      threadId: 't-1',
      input: [{ type: 'text', text: '--help me', text_elements: [] }],
    });
  });
});
