export * from './doctor-command.js';
export type * from './doctor-report.js';
