export { createAcpProvider, type AcpProviderOptions } from './acp-provider.js';
export { createAcpDefinitions } from './acp-definition.js';
export { resolveAcpAgent, buildAcpEnvironment, type AcpAgentRecipe } from './acp-agent-recipe.js';
export { acpPresets, type AcpPreset } from './acp-presets.js';
export { acpAgentsSchema, acpAgentSettingsSchema, type AcpAgentSettings } from './acp-settings.js';
export { createAcpDecoder, type AcpDecoder } from './acp-decoder.js';
export type { AcpTranscriptEntry } from './acp-transcript.js';
