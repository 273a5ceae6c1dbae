import { AgentError, quoteInput } from '../errors/index.js';
import type { AgentProvider } from './agent-provider.js';

/** The providers this server can route to, by id. */
export interface ProviderRegistry {
  get(id: string): AgentProvider;
  has(id: string): boolean;
  list(): readonly AgentProvider[];
  ids(): readonly string[];
  /** Disposes every provider (warm servers…); never throws. */
  dispose(): Promise<void>;
}

export function createProviderRegistry(providers: readonly AgentProvider[]): ProviderRegistry {
  const byId = new Map(providers.map((provider) => [provider.id, provider]));
  return {
    get(id) {
      const provider = byId.get(id);
      if (!provider) {
        throw new AgentError(
          'unknown_provider',
          `Unknown provider ${quoteInput(id)}. Known providers: ${[...byId.keys()].join(', ')}.`,
        );
      }
      return provider;
    },
    has: (id) => byId.has(id),
    list: () => [...byId.values()],
    ids: () => [...byId.keys()],
    async dispose() {
      await Promise.allSettled(
        [...byId.values()].map((provider) => provider.dispose?.() ?? Promise.resolve()),
      );
    },
  };
}
