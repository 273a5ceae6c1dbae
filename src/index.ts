/** Library entry: build the server yourself, or reuse the event vocabulary and providers. */
export * from './events/index.js';
export * from './errors/index.js';
export * from './config/index.js';
export type * from './providers/agent-provider.js';
export { createProviderRegistry, type ProviderRegistry } from './providers/provider-registry.js';
export {
  builtInProviderDefinitions,
  createDefaultProviderRegistry,
} from './providers/default-providers.js';
export {
  defineProvider,
  type ProviderDefinition,
  type ProviderIdentity,
} from './providers/provider-definition.js';
export {
  createClaudeCodeProvider,
  type ClaudeCodeSettings,
} from './providers/claude-code/index.js';
export type { CodexSettings } from './providers/codex/codex-definition.js';
export type { OpencodeSettings } from './providers/opencode/opencode-definition.js';
export {
  createRunService,
  createSessionStore,
  type RunService,
  type RunOutcome,
} from './runs/index.js';
export { createAgentServer } from './server/create-agent-server.js';
export { progressEventMetaKey } from './server/progress/progress-reporter.js';
