/**
 * Whether the orphan guard is on, and where its records go. No imports: the server sets it at
 * start, and the guard itself (orphan-guard.ts) is loaded only with the first spawn.
 */
let stateDirectory: string | undefined;

/**
 * Turns the guard on for every later `spawnAgentProcess` of this process, with the ownership
 * records under `<stateDirectory>/processes`. Does no I/O: the supervisor starts with the
 * first child, so a server that never spawns pays nothing.
 */
export function enableOrphanGuard(options: { stateDirectory: string }): void {
  stateDirectory = options.stateDirectory;
}

/** The state directory `enableOrphanGuard` was given, or `undefined` while the guard is off. */
export function orphanGuardStateDirectory(): string | undefined {
  return stateDirectory;
}
