import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { AgentProvider } from './agent-provider.js';
import type { ProviderContext, WarmSettings } from './warm-settings.js';
import {
  createProvidersSettingsSchema,
  defineProvider,
  type ProviderIdentity,
} from './provider-definition.js';

const capabilities = { resume: true, cancel: true, permissions: true, streamingText: true };

function defineCounted(warm?: WarmSettings) {
  const loads: { settings: unknown; id: string; context?: ProviderContext }[] = [];
  const definition = defineProvider({
    id: 'fake',
    kind: 'fake',
    name: 'Fake',
    capabilities,
    settingsSchema: z.strictObject({ level: z.number().default(1) }),
    ...(warm ? { warm } : {}),
    load: () =>
      Promise.resolve((settings: { level: number }, identity: ProviderIdentity, context) => {
        loads.push({ settings, id: identity.id, ...(warm ? { context } : {}) });
        const provider: AgentProvider = {
          ...identity,
          capabilities,
          warmProcesses: () => 1,
          probe: () => Promise.resolve({ available: true, auth: 'ok' }),
          run: () => ({
            [Symbol.asyncIterator]: () => ({
              next: () => Promise.resolve({ done: true as const, value: undefined }),
            }),
          }),
        };
        return provider;
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

describe('warm settings', () => {
  const defaults = { maxProcesses: 2, idleSeconds: 300 };

  it('gives the adapter its defaults, the configured fields over them, none with the switch off', async () => {
    const configured = defineCounted(defaults);
    const provider = configured.definition.configure({ level: 3, warm: { idleSeconds: 20 } });
    expect(provider.warm).toEqual({ maxProcesses: 2, idleSeconds: 20 });
    expect(provider.warmProcesses?.()).toBe(0);
    await provider.probe();
    expect(provider.warmProcesses?.()).toBe(1);
    expect(configured.loads).toEqual([
      {
        settings: { level: 3 },
        id: 'fake',
        context: { warm: { maxProcesses: 2, idleSeconds: 20 } },
      },
    ]);

    const switchedOff = defineCounted(defaults);
    const off = switchedOff.definition.configure(undefined, { warm: false });
    expect(off.warm).toEqual({ maxProcesses: 0, idleSeconds: 300 });
    await off.probe();
    expect(switchedOff.loads[0]?.context?.warm.maxProcesses).toBe(0);
  });

  it('keeps warm apart from the provider schema, and refuses it for a provider that keeps none', () => {
    const schema = createProvidersSettingsSchema([defineCounted(defaults).definition]);
    expect(schema.parse({ fake: { warm: { maxProcesses: 0 } } })).toEqual({
      fake: { level: 1, warm: { maxProcesses: 0 } },
    });
    const bad = schema.safeParse({ fake: { warm: { idleSeconds: 0 } } }).error?.issues;
    expect(bad?.map((issue) => issue.path.join('.'))).toEqual(['fake.warm.idleSeconds']);
    const none = createProvidersSettingsSchema([defineCounted().definition]);
    const refused = none.safeParse({ fake: { warm: {} } }).error?.issues;
    expect(refused?.map((issue) => [issue.path.join('.'), issue.message])).toEqual([
      ['fake.warm', 'this provider keeps no warm process'],
    ]);
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
