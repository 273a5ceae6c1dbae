export * from './agent-event.js';
export * from './run-enums.js';
