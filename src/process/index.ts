export * from './spawn-agent-process.js';
export * from './read-lines.js';
export * from './terminate-process-tree.js';
export * from './process-descendants.js';
export * from './executables.js';
export { enableOrphanGuard } from './orphan-guard/index.js';
