export * from './run-record-store.js';
