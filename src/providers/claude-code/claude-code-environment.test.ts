import { describe, expect, it } from 'vitest';
import { buildClaudeCodeEnvironment } from './claude-code-environment.js';

const insideClaudeCode = {
  PATH: '/usr/bin:/bin',
  HOME: '/home/someone',
  ANTHROPIC_API_KEY: 'sk-test',
  CLAUDE_CONFIG_DIR: '/home/someone/.claude-work',
  HTTPS_PROXY: 'http://proxy.internal:3128',
  SUBAGENT_MCP_DEPTH: '1',
  CLAUDECODE: '1',
  CLAUDE_CODE_ENTRYPOINT: 'cli',
  CLAUDE_CODE_SESSION_ID: '2f1d…',
  CLAUDE_CODE_CHILD_SESSION: '1',
  CLAUDE_CODE_LAUNCHED_BY_SESSION_IDS: '2f1d…',
  CLAUDE_CODE_SSE_PORT: '41234',
  CLAUDE_CODE_EXECPATH: '/usr/lib/claude',
  CLAUDE_PROJECT_DIR: '/repo',
  CLAUDE_AGENT_SDK_VERSION: '0.2.0',
  CLAUDE_EFFORT: 'low',
  IS_SANDBOX: 'yes',
  UNSET_BY_CALLER: undefined,
};

describe('buildClaudeCodeEnvironment', () => {
  it('keeps what the user relies on and drops the enclosing Claude Code session', () => {
    const environment = buildClaudeCodeEnvironment(
      insideClaudeCode,
      undefined,
      'read-only',
      '/work',
    );
    expect(environment).toEqual({
      PATH: '/usr/bin:/bin',
      HOME: '/home/someone',
      ANTHROPIC_API_KEY: 'sk-test',
      CLAUDE_CONFIG_DIR: '/home/someone/.claude-work',
      HTTPS_PROXY: 'http://proxy.internal:3128',
      SUBAGENT_MCP_DEPTH: '1',
      PWD: '/work',
    });
  });

  it('drops the parent session’s messaging socket and token (Claude Code 2.1.332)', () => {
    const environment = buildClaudeCodeEnvironment(
      {
        PATH: '/usr/bin:/bin',
        CLAUDE_CODE_MESSAGING_SOCKET: '/tmp/claude-0/cc-socks/4242.sock',
        CLAUDE_CODE_MESSAGING_TOKEN: 'parent-token',
      },
      undefined,
      'workspace-write',
      '/work',
    );
    expect(environment).toEqual({ PATH: '/usr/bin:/bin', PWD: '/work' });
  });

  it('sets IS_SANDBOX=1 only for full access', () => {
    const environmentFor = (permissions: 'read-only' | 'workspace-write' | 'full-access') =>
      buildClaudeCodeEnvironment({ IS_SANDBOX: 'yes' }, undefined, permissions, '/work');
    expect(environmentFor('full-access').IS_SANDBOX).toBe('1');
    expect(environmentFor('workspace-write')).not.toHaveProperty('IS_SANDBOX');
    expect(environmentFor('read-only')).not.toHaveProperty('IS_SANDBOX');
  });

  it('lets configured overrides win, except PWD which is always the cwd', () => {
    const environment = buildClaudeCodeEnvironment(
      { ANTHROPIC_API_KEY: 'from-server', PWD: '/elsewhere' },
      { ANTHROPIC_API_KEY: 'from-config', CLAUDECODE: '1', IS_SANDBOX: 'no', PWD: '/ignored' },
      'full-access',
      '/work',
    );
    expect(environment).toEqual({
      ANTHROPIC_API_KEY: 'from-config',
      CLAUDECODE: '1',
      IS_SANDBOX: 'no',
      PWD: '/work',
    });
  });

  it('does not change the base environment it was given', () => {
    const base = { ...insideClaudeCode };
    buildClaudeCodeEnvironment(base, { EXTRA: 'x' }, 'full-access', '/work');
    expect(base).toEqual(insideClaudeCode);
  });
});
