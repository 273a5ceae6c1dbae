export * from './run-service.js';
export * from './run-outcome.js';
export * from './session-store.js';
export * from './nesting-depth.js';
export * from './execute-run.js';
export * from './records/index.js';
