import { describe, expect, it } from 'vitest';
import { buildGeminiEnvironment } from './gemini-environment.js';

const insideGeminiShell = {
  PATH: '/usr/bin:/bin',
  HOME: '/home/someone',
  GEMINI_API_KEY: 'key',
  GEMINI_CLI_HOME: '/home/someone/alt',
  SUBAGENT_MCP_DEPTH: '1',
  GEMINI_CLI: '1',
  GEMINI_PROJECT_DIR: '/repo',
  GEMINI_PLANS_DIR: '/home/someone/.gemini/tmp/repo/plans',
  GEMINI_CWD: '/repo',
  GEMINI_SESSION_ID: 'aaaa',
  CLAUDE_PROJECT_DIR: '/repo',
  UNSET_BY_CALLER: undefined,
};

describe('buildGeminiEnvironment', () => {
  it('keeps what the user relies on, drops the enclosing session, adds the defaults and PWD', () => {
    expect(buildGeminiEnvironment(insideGeminiShell, undefined, '/work')).toEqual({
      PATH: '/usr/bin:/bin',
      HOME: '/home/someone',
      GEMINI_API_KEY: 'key',
      GEMINI_CLI_HOME: '/home/someone/alt',
      SUBAGENT_MCP_DEPTH: '1',
      GEMINI_CLI_NO_RELAUNCH: 'true',
      GEMINI_CLI_TRUST_WORKSPACE: 'true',
      PWD: '/work',
    });
  });

  it('lets configured overrides replace the defaults, and adds the run marker', () => {
    const environment = buildGeminiEnvironment(
      { PATH: '/bin', GEMINI_CLI_NO_RELAUNCH: 'true' },
      { GEMINI_CLI_NO_RELAUNCH: '', GEMINI_CLI_TRUST_WORKSPACE: 'false', PWD: '/elsewhere' },
      '/work',
      { SUBAGENT_MCP_GEMINI_RUN: 'run-1' },
    );
    expect(environment).toMatchObject({
      GEMINI_CLI_NO_RELAUNCH: '',
      GEMINI_CLI_TRUST_WORKSPACE: 'false',
      SUBAGENT_MCP_GEMINI_RUN: 'run-1',
      PWD: '/work',
    });
  });
});
