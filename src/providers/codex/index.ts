export { createCodexProvider } from './codex-provider.js';
export { codexDefinition, type CodexSettings } from './codex-definition.js';
export {
  buildCodexArgs,
  buildCodexInitializeParams,
  buildCodexThreadRequest,
  buildCodexTurnParams,
  codexPolicyFor,
} from './codex-args.js';
export { buildCodexEnvironment, codexSessionVariables } from './codex-environment.js';
export { createCodexDecoder, type CodexDecoder } from './codex-decoder.js';
export {
  createCodexAppServerClient,
  type CodexAppServerClient,
  type CodexTranscriptEntry,
} from './codex-app-server-client.js';
