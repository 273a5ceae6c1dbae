export * from './agent-error.js';
export * from './quote-input.js';
