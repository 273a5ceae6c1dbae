/**
 * Library entry: what a script needs to embed the server (build a registry from the provider
 * factories, a session store and a run service, then `createAgentServer` and connect any MCP
 * transport), plus the event vocabulary, its zod schemas and the error type.
 */
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
export { createCodexProvider, type CodexSettings } from './providers/codex/index.js';
export {
  createOpencodeProvider,
  type OpencodeProvider,
  type OpencodeProviderOptions,
  type OpencodeSettings,
} from './providers/opencode/index.js';
export { createGeminiProvider, type GeminiSettings } from './providers/gemini/index.js';
export {
  createRunService,
  createSessionStore,
  type RunService,
  type RunServiceOptions,
  type RunOutcome,
  type SessionStore,
  type SessionRecord,
} from './runs/index.js';
export { enableOrphanGuard } from './process/index.js';
export { createAgentServer, type AgentServerDependencies } from './server/create-agent-server.js';
// One per process, passed to every createAgentServer, lets a background run outlive its connection.
export { createBackgroundRunService } from './server/tasks/background-run-service.js';
export type { BackgroundRuns } from './server/tasks/background-runs.js';
export { progressEventMetaKey } from './server/progress/progress-reporter.js';
