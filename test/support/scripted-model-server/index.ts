/**
 * The scripted model server: a fake model API on 127.0.0.1 that real agent CLIs talk to in tests
 * and in the offline demo. Replies are steered by `[[mock:…]]` directives in the newest user text.
 * Dialects: Anthropic Messages (`POST /v1/messages`, Claude Code), OpenAI Responses
 * (`POST /v1/responses`, Codex), OpenAI Chat Completions (`POST /v1/chat/completions`,
 * opencode) and the Gemini API (`POST /v1beta/models/<model>:streamGenerateContent`, Gemini CLI).
 */
export { startScriptedModelServer } from './server.js';
export type {
  DialectName,
  RecordedRequest,
  ScriptedModelServer,
  ScriptedModelServerOptions,
} from './types.js';
export {
  callDirectives,
  decodeCallArguments,
  findCallableTool,
  parseDirectives,
} from './steering.js';
export type { Directive, DirectiveName } from './steering.js';
