export * from './run-record-store.js';
export * from './pending-run-record.js';
