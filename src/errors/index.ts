export * from './agent-error.js';
