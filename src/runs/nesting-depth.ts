import { AgentError } from '../errors/index.js';

/** Environment variable carrying how deep in a delegation chain a process runs (0 = top). */
export const depthEnvironmentVariable = 'SUBAGENT_MCP_DEPTH';

export function readNestingDepth(env: Record<string, string | undefined>): number {
  const depth = Number.parseInt(env[depthEnvironmentVariable] ?? '0', 10);
  return Number.isFinite(depth) && depth > 0 ? depth : 0;
}

/** Throws AgentError('depth_exceeded') when a child of a process at `depth` would be too deep. */
export function assertChildDepthAllowed(depth: number, maxDepth: number): void {
  if (depth + 1 > maxDepth) {
    throw new AgentError(
      'depth_exceeded',
      `Delegation depth limit reached: this server already runs at depth ${depth} of at most ${maxDepth} ` +
        `(${depthEnvironmentVariable}), so it will not start another sub-agent. Do the work directly instead.`,
      { details: { depth, maxDepth } },
    );
  }
}
