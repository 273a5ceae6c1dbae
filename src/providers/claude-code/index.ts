export { createClaudeCodeProvider } from './claude-code-provider.js';
export { buildClaudeCodeArgs, type ClaudeCodeArgsOptions } from './claude-code-args.js';
export { buildClaudeCodeEnvironment } from './claude-code-environment.js';
export { createClaudeCodeDecoder, type ClaudeCodeDecoder } from './claude-code-decoder.js';
