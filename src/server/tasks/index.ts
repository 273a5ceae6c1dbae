export * from './background-runs.js';
export * from './run-background-runs.js';
export * from './tasks-extension.js';
