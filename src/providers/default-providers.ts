import type { ServerConfig } from '../config/index.js';
import { createAcpDefinitions } from './acp/acp-definition.js';
import { claudeCodeDefinition } from './claude-code/claude-code-definition.js';
import { codexDefinition } from './codex/codex-definition.js';
import { geminiDefinition } from './gemini/gemini-definition.js';
import { opencodeDefinition } from './opencode/opencode-definition.js';
import type { ProviderDefinition } from './provider-definition.js';
import { createProviderRegistry, type ProviderRegistry } from './provider-registry.js';

/** Every provider this build ships. Their code loads on first use. */
export const builtInProviderDefinitions: readonly ProviderDefinition[] = [
  claudeCodeDefinition,
  codexDefinition,
  opencodeDefinition,
  geminiDefinition,
];

/**
 * Every provider this build ships, configured from `providers.<id>` of the configuration, then
 * the ACP agents (`acp:<name>`: the presets and `acpAgents`).
 */
export function createDefaultProviderRegistry(config: ServerConfig): ProviderRegistry {
  const options = { warm: config.warm };
  return createProviderRegistry([
    ...builtInProviderDefinitions.map((definition) =>
      definition.configure(config.providers[definition.id], options),
    ),
    ...createAcpDefinitions(config.acpAgents).map((definition) =>
      definition.configure(config.acpAgents[definition.id.slice('acp:'.length)], options),
    ),
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
