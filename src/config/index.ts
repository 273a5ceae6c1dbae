export * from './config-schema.js';
export * from './load-config.js';
export * from './command-line.js';
