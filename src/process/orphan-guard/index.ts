export { enableOrphanGuard } from './orphan-guard-setting.js';
export { prepareGuardedSpawn, type GuardedSpawn } from './orphan-guard.js';
export * from './ownership-record.js';
export { findOwnedProcesses, readProcessTable, isRunning } from './find-owned-processes.js';
export { endOwnedProcesses } from './end-owned-processes.js';
export { readBootId, sweepLeftoverRecords } from './sweep-leftover-records.js';
