/**
 * What the registry knows of a provider before its code is loaded: its id, kind, name,
 * capabilities and settings schema. The adapter itself (and execa, undici…) is imported on
 * first use, so the CLI starts without loading any provider. Several definitions may share a
 * kind: `acp:gemini` and `acp:qwen` are two configured instances of the `acp` adapter.
 */
import { z } from 'zod';
import type { AgentProvider, ProviderCapabilities } from './agent-provider.js';
import {
  resolveWarmSettings,
  splitWarmSettings,
  warmSettingsSchema,
  type ProviderContext,
  type WarmSettings,
} from './warm-settings.js';

/** The id and name one configured instance of an adapter answers to. */
export interface ProviderIdentity {
  /** The id `run_agent` takes and the key of `providers.<id>` in the config file. */
  id: string;
  /** Human-readable, e.g. `Claude Code`. */
  name: string;
}

export interface ProviderDefinition extends ProviderIdentity {
  /** The adapter family, e.g. `claude-code` or `acp`. */
  readonly kind: string;
  readonly capabilities: ProviderCapabilities;
  /** The settings under `providers.<id>`; the config file is validated against it. */
  readonly settingsSchema: z.ZodType;
  /**
   * The warm processes this provider keeps by default (`providers.<id>.warm` changes them);
   * absent: it keeps none, and `providers.<id>.warm` is refused.
   */
  readonly warm?: WarmSettings;
  /**
   * The provider with these settings (validated again here, `warm` included); its code loads on
   * first use.
   */
  configure(settings: unknown, options?: ConfigureOptions): AgentProvider;
}

export interface ConfigureOptions {
  /** The global switch (`warm` of the config): false turns every warm process off. */
  warm?: boolean;
}

export interface ProviderDefinitionSpec<Schema extends z.ZodType> extends ProviderIdentity {
  /** Default: the id. */
  kind?: string;
  capabilities: ProviderCapabilities;
  settingsSchema: Schema;
  /** The warm processes kept by default; absent: the provider keeps none. */
  warm?: WarmSettings;
  /** Imports the adapter (`await import('./<id>-provider.js')`) and returns its factory. */
  load(): Promise<
    (
      settings: z.output<Schema>,
      identity: ProviderIdentity,
      context: ProviderContext,
    ) => AgentProvider
  >;
}

export function defineProvider<Schema extends z.ZodType>(
  spec: ProviderDefinitionSpec<Schema>,
): ProviderDefinition {
  const { id, name, kind = id, capabilities, settingsSchema } = spec;
  return {
    id,
    name,
    kind,
    capabilities,
    settingsSchema,
    ...(spec.warm ? { warm: spec.warm } : {}),
    configure(settings, options = {}) {
      const split = splitWarmSettings(settings);
      const parsed = settingsSchema.parse(split.own ?? {});
      const configuredWarm = warmSettingsSchema.optional().parse(split.warm);
      const warm = resolveWarmSettings(spec.warm, configuredWarm, options.warm ?? true);
      const description = { id, name, capabilities, ...(spec.warm ? { warm } : {}) };
      return createLazyProvider(description, async () => {
        const create = await spec.load();
        return create(parsed, { id, name }, { warm });
      });
    },
  };
}

/** What an adapter reports as itself: the instance's id and name, the definition's capabilities. */
export function describeInstance(
  definition: ProviderDefinition,
  identity: ProviderIdentity,
): Pick<AgentProvider, 'id' | 'name' | 'capabilities'> {
  return { id: identity.id, name: identity.name, capabilities: definition.capabilities };
}

/** A provider that loads its implementation the first time it probes or runs. */
function createLazyProvider(
  description: Pick<AgentProvider, 'id' | 'name' | 'capabilities' | 'warm'>,
  load: () => Promise<AgentProvider>,
): AgentProvider {
  let loading: Promise<AgentProvider> | undefined;
  let provider: AgentProvider | undefined;
  const loaded = (): Promise<AgentProvider> =>
    (loading ??= load().then((created) => (provider = created)));
  return {
    ...description,
    // None before its code loaded: only a run starts a warm process.
    warmProcesses: () => provider?.warmProcesses?.() ?? 0,
    probe: async (options) => (await loaded()).probe(options),
    async *run(request) {
      yield* (await loaded()).run(request);
    },
    async dispose() {
      // Nothing to release when it never ran.
      const provider = await loading?.catch(() => undefined);
      await provider?.dispose?.();
    },
  };
}

/**
 * The `providers` object of the config file: `providers.<id>` validated against that
 * provider's own schema (errors name the key, e.g. `providers.codex.approvals`), an id no
 * definition has refused. The output holds each provider's parsed settings.
 */
export function createProvidersSettingsSchema(definitions: readonly ProviderDefinition[]) {
  const byId = new Map(definitions.map((definition) => [definition.id, definition]));
  return z
    .record(z.string(), z.unknown())
    .default({})
    .transform((providers, context) => {
      const parsed: Record<string, unknown> = {};
      for (const [id, settings] of Object.entries(providers)) {
        const definition = byId.get(id);
        if (definition === undefined) {
          const known = [...byId.keys()].join(', ');
          const message = `unknown provider (known: ${known})`;
          context.addIssue({ code: 'custom', path: [id], message, input: settings });
          continue;
        }
        const { own, warm } = splitWarmSettings(settings);
        const result = definition.settingsSchema.safeParse(own);
        const warmResult = warmSettingsSchema.optional().safeParse(warm);
        if (result.success && warmResult.success) {
          parsed[id] =
            warm === undefined
              ? result.data
              : { ...(result.data as object), warm: warmResult.data };
        }
        const issues: Array<{ path: PropertyKey[]; message: string }> = [
          ...(result.error?.issues ?? []),
          ...(warmResult.error?.issues ?? []).map((issue) => ({
            ...issue,
            path: ['warm', ...issue.path],
          })),
        ];
        if (warm !== undefined && definition.warm === undefined) {
          issues.push({ path: ['warm'], message: 'this provider keeps no warm process' });
        }
        for (const issue of issues) {
          const path = [id, ...issue.path];
          context.addIssue({ code: 'custom', path, message: issue.message, input: settings });
        }
      }
      return parsed;
    });
}
