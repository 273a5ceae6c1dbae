export { opencodeDefinition, type OpencodeSettings } from './opencode-definition.js';
export {
  createOpencodeProvider,
  type OpencodeProvider,
  type OpencodeProviderOptions,
} from './opencode-provider.js';
export {
  buildOpencodePermissionRules,
  buildOpencodePromptBody,
  buildOpencodeServeArgs,
  buildOpencodeSessionBody,
  parseOpencodeModel,
  type OpencodePermissionRule,
} from './opencode-args.js';
export { buildOpencodeEnvironment, opencodeSessionVariables } from './opencode-environment.js';
export { createOpencodeDecoder, type OpencodeDecoder } from './opencode-decoder.js';
export {
  createOpencodeServerManager,
  type OpencodeConnection,
  type OpencodeServerDescription,
  type OpencodeServerManager,
} from './opencode-server-manager.js';
export { createOpencodeClient, type OpencodeTranscriptEntry } from './opencode-client.js';
