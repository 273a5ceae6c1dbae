export * from './background-runs.js';
export * from './background-run-service.js';
export * from './recent-events.js';
export * from './run-background-runs.js';
export * from './tasks-extension.js';
