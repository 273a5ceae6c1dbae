import { describe, expect, it } from 'vitest';
import { buildCodexEnvironment } from './codex-environment.js';

// What a shell command run by Codex 0.169.0 sees (recorded with `env` as the tool command).
const insideCodex = {
  PATH: '/opt/codex/codex-path:/usr/bin:/bin',
  HOME: '/home/someone',
  CODEX_HOME: '/home/someone/.codex',
  OPENAI_API_KEY: 'sk-test',
  HTTPS_PROXY: 'http://proxy.internal:3128',
  SUBAGENT_MCP_DEPTH: '1',
  CODEX_SESSION_ID: '01a20035-17ea-7332-b6c6-8188399b4a00',
  CODEX_THREAD_ID: '01a20035-17ea-7332-b6c6-8188399b4a00',
  CODEX_TOOL_CALL_ID: 'call_6',
  CODEX_CI: '1',
  CODEX_VERSION: '0.169.0',
  CODEX_SANDBOX_NETWORK_DISABLED: '1',
  CODEX_SANDBOX: 'seatbelt',
  CODEX_APPLY_PATCH_PRESERVE_LINE_ENDINGS: '1',
  CODEX_MANAGED_BY_NPM: '1',
  CODEX_MANAGED_PACKAGE_ROOT: '/usr/lib/node_modules/@openai/codex',
  NO_COLOR: '1',
  UNSET_BY_CALLER: undefined,
};

describe('buildCodexEnvironment', () => {
  it('keeps what the user relies on and drops the enclosing Codex session', () => {
    expect(buildCodexEnvironment(insideCodex, undefined, '/work')).toEqual({
      PATH: '/opt/codex/codex-path:/usr/bin:/bin',
      HOME: '/home/someone',
      CODEX_HOME: '/home/someone/.codex',
      OPENAI_API_KEY: 'sk-test',
      HTTPS_PROXY: 'http://proxy.internal:3128',
      SUBAGENT_MCP_DEPTH: '1',
      NO_COLOR: '1',
      PWD: '/work',
    });
  });

  it('applies the configured overrides after scrubbing, and PWD last', () => {
    const environment = buildCodexEnvironment(
      insideCodex,
      { CODEX_CI: 'on purpose', PWD: '/elsewhere', RUST_LOG: 'warn' },
      '/work',
    );
    expect(environment).toMatchObject({ CODEX_CI: 'on purpose', RUST_LOG: 'warn', PWD: '/work' });
  });
});
