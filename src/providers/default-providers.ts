import type { ServerConfig } from '../config/index.js';
import { claudeCodeDefinition } from './claude-code/claude-code-definition.js';
import { codexDefinition } from './codex/codex-definition.js';
import { opencodeDefinition } from './opencode/opencode-definition.js';
import type { ProviderDefinition } from './provider-definition.js';
import { createProviderRegistry, type ProviderRegistry } from './provider-registry.js';

/** Every provider this build ships. Their code loads on first use. */
export const builtInProviderDefinitions: readonly ProviderDefinition[] = [
  claudeCodeDefinition,
  codexDefinition,
  opencodeDefinition,
];

/** Every provider this build ships, configured from `providers.<id>` of the configuration. */
export function createDefaultProviderRegistry(config: ServerConfig): ProviderRegistry {
  return createProviderRegistry(
    builtInProviderDefinitions.map((definition) =>
      definition.configure(config.providers[definition.id]),
    ),
  );
}
