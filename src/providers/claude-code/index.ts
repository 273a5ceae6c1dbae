export { createClaudeCodeProvider } from './claude-code-provider.js';
export { claudeCodeDefinition, type ClaudeCodeSettings } from './claude-code-definition.js';
export { buildClaudeCodeArgs, type ClaudeCodeArgsOptions } from './claude-code-args.js';
export { buildClaudeCodeEnvironment } from './claude-code-environment.js';
export { createClaudeCodeDecoder, type ClaudeCodeDecoder } from './claude-code-decoder.js';
