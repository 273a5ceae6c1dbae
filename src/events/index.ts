export * from './agent-event.js';
