import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { AgentProvider } from './agent-provider.js';
import {
  createProvidersSettingsSchema,
  defineProvider,
  type ProviderIdentity,
} from './provider-definition.js';

const capabilities = { resume: true, cancel: true, permissions: true, streamingText: true };

function defineCounted() {
  const loads: { settings: unknown; id: string }[] = [];
  const definition = defineProvider({
    id: 'fake',
    kind: 'fake',
    name: 'Fake',
    capabilities,
    settingsSchema: z.strictObject({ level: z.number().default(1) }),
    load: () =>
      Promise.resolve((settings: { level: number }, identity: ProviderIdentity): AgentProvider => {
        loads.push({ settings, id: identity.id });
        return {
          ...identity,
          capabilities,
          probe: () => Promise.resolve({ available: true, auth: 'ok' }),
          run: () => ({
            [Symbol.asyncIterator]: () => ({
              next: () => Promise.resolve({ done: true as const, value: undefined }),
            }),
          }),
        };
      }),
  });
  return { definition, loads };
}

describe('defineProvider', () => {
  it('loads the adapter on first use only, once, with the parsed settings', async () => {
    const { definition, loads } = defineCounted();
    const provider = definition.configure(undefined);
    expect(provider).toMatchObject({ id: 'fake', name: 'Fake', capabilities });
    await provider.dispose?.();
    expect(loads).toEqual([]);
    await provider.probe();
    await provider.probe();
    expect(loads).toEqual([{ settings: { level: 1 }, id: 'fake' }]);
  });
});

describe('createProvidersSettingsSchema', () => {
  const schema = createProvidersSettingsSchema([defineCounted().definition]);

  it('validates each provider against its own schema, naming the key', () => {
    expect(schema.parse({ fake: {} })).toEqual({ fake: { level: 1 } });
    const issues = schema.safeParse({ fake: { level: 'high', extra: 1 } }).error?.issues;
    expect(issues?.map((issue) => [issue.path.join('.'), issue.message])).toEqual([
      ['fake.level', expect.stringContaining('expected number')],
      ['fake', 'Unrecognized key: "extra"'],
    ]);
  });

  it('refuses a provider id no definition has', () => {
    const issues = schema.safeParse({ claude: {} }).error?.issues;
    expect(issues?.map((issue) => [issue.path.join('.'), issue.message])).toEqual([
      ['claude', 'unknown provider (known: fake)'],
    ]);
  });
});
