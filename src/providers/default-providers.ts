import type { ServerConfig } from '../config/index.js';
import { createAcpProviders } from './acp/index.js';
import { createClaudeCodeProvider } from './claude-code/index.js';
import { createCodexProvider } from './codex/index.js';
import { createGeminiProvider } from './gemini/index.js';
import { createOpencodeProvider } from './opencode/index.js';
import { createProviderRegistry, type ProviderRegistry } from './provider-registry.js';

/** Every provider this build ships, configured from the server configuration. */
export function createDefaultProviderRegistry(config: ServerConfig): ProviderRegistry {
  return createProviderRegistry([
    createClaudeCodeProvider(config.providers['claude-code'] ?? {}),
    createCodexProvider(config.providers.codex ?? {}),
    createOpencodeProvider(config.providers.opencode ?? {}),
    createGeminiProvider(config.providers.gemini ?? {}),
    ...createAcpProviders(config.acpAgents),
  ]);
}

/** Why `config.defaultProvider` cannot be used, naming the key; `undefined` when it can. */
export function describeUnknownDefaultProvider(
  config: ServerConfig,
  registry: ProviderRegistry,
): string | undefined {
  if (registry.has(config.defaultProvider)) return undefined;
  return `defaultProvider: unknown provider "${config.defaultProvider}" (known: ${registry.ids().join(', ')})`;
}
