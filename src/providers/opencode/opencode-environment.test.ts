import { describe, expect, it } from 'vitest';
import {
  buildOpencodeEnvironment,
  opencodeSessionVariables,
  withServerCredentials,
} from './opencode-environment.js';

describe('buildOpencodeEnvironment', () => {
  it("removes an enclosing opencode's variables and keeps configuration and credentials", () => {
    const base: Record<string, string | undefined> = {
      PATH: '/bin',
      ANTHROPIC_API_KEY: 'key',
      OPENCODE_CONFIG_CONTENT: '{}',
      XDG_DATA_HOME: '/data',
      UNSET: undefined,
    };
    for (const name of opencodeSessionVariables) base[name] = 'inherited';
    expect(buildOpencodeEnvironment(base, { EXTRA: '1', PATH: '/usr/bin' })).toEqual({
      PATH: '/usr/bin',
      ANTHROPIC_API_KEY: 'key',
      OPENCODE_CONFIG_CONTENT: '{}',
      XDG_DATA_HOME: '/data',
      EXTRA: '1',
    });
  });
});

describe('withServerCredentials', () => {
  it('sets our user and password over anything configured', () => {
    expect(withServerCredentials({ OPENCODE_SERVER_PASSWORD: 'theirs', A: '1' }, 'ours')).toEqual({
      A: '1',
      OPENCODE_SERVER_USERNAME: 'opencode',
      OPENCODE_SERVER_PASSWORD: 'ours',
    });
  });
});
