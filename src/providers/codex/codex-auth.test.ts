import { describe, expect, it } from 'vitest';
import { codexAuthFrom, codexLoginHint } from './codex-auth.js';

const mockProviderConfig = (envKey: string | null) => ({
  config: {
    model_provider: 'mock',
    model_providers: { mock: { name: 'mock', env_key: envKey } },
  },
});

describe('codexAuthFrom', () => {
  it('is ok with a stored API key or ChatGPT login', () => {
    for (const account of [{ type: 'apiKey' }, { type: 'chatgpt', email: 'a@b.c' }]) {
      expect(codexAuthFrom({ account, requiresOpenaiAuth: true }, undefined, {})).toEqual({
        auth: 'ok',
      });
    }
  });

  it('is ok without a login when the model provider needs none and its key is there', () => {
    const account = { account: null, requiresOpenaiAuth: false };
    expect(codexAuthFrom(account, mockProviderConfig(null), {})).toEqual({ auth: 'ok' });
    expect(codexAuthFrom(account, mockProviderConfig('MOCK_KEY'), { MOCK_KEY: 'k' })).toEqual({
      auth: 'ok',
    });
  });

  it('says which variable a model provider is missing its key in', () => {
    expect(
      codexAuthFrom(
        { account: null, requiresOpenaiAuth: false },
        mockProviderConfig('MOCK_KEY'),
        {},
      ),
    ).toEqual({
      auth: 'missing',
      reason:
        'Set MOCK_KEY: the model provider "mock" in the Codex configuration reads its key from it.',
    });
  });

  it('is unknown when the configuration cannot be read', () => {
    expect(codexAuthFrom({ account: null, requiresOpenaiAuth: false }, undefined, {})).toEqual({
      auth: 'unknown',
      reason: 'No Codex login; fine if config.toml sets a model_provider that needs none.',
    });
  });

  it('is missing with no login for OpenAI, and unknown with only an API key variable', () => {
    const account = { account: null, requiresOpenaiAuth: true };
    expect(codexAuthFrom(account, undefined, {})).toEqual({
      auth: 'missing',
      reason: codexLoginHint,
    });
    expect(codexAuthFrom(account, undefined, { OPENAI_API_KEY: 'sk' }).auth).toBe('unknown');
  });
});
