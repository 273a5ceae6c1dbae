export { createGeminiProvider } from './gemini-provider.js';
export { geminiDefinition, type GeminiSettings } from './gemini-definition.js';
export { buildGeminiArgs, type GeminiArgsOptions } from './gemini-args.js';
export { buildGeminiEnvironment } from './gemini-environment.js';
export { createGeminiDecoder, type GeminiDecoder } from './gemini-decoder.js';
