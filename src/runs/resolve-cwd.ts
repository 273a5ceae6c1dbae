import { realpath, stat } from 'node:fs/promises';
import { isAbsolute, relative, sep } from 'node:path';
import { AgentError, quoteInput } from '../errors/index.js';

/**
 * Checks a requested working directory: absolute, existing, a directory, and (after resolving
 * symlinks) inside one of the allowed roots. Returns the real path.
 */
export async function resolveAllowedCwd(
  requested: string,
  allowedRoots: readonly string[],
): Promise<string> {
  if (!isAbsolute(requested)) {
    throw new AgentError(
      'invalid_input',
      `cwd must be an absolute path, got ${quoteInput(requested)}.`,
    );
  }
  let realCwd: string;
  try {
    realCwd = await realpath(requested);
    if (!(await stat(realCwd)).isDirectory()) throw new Error('not a directory');
  } catch {
    throw new AgentError(
      'invalid_input',
      `cwd ${quoteInput(requested)} does not exist or is not a directory.`,
    );
  }
  for (const root of allowedRoots) {
    const realRoot = await realpath(root).catch(() => undefined);
    if (realRoot && isInside(realCwd, realRoot)) return realCwd;
  }
  throw new AgentError(
    'cwd_not_allowed',
    `cwd ${quoteInput(requested)} is outside the allowed roots (${allowedRoots.join(', ')}). ` +
      'Use a directory inside one of them, or start the server with --allowed-root.',
  );
}

function isInside(path: string, root: string): boolean {
  const difference = relative(root, path);
  return (
    difference === '' ||
    (!difference.startsWith(`..${sep}`) && difference !== '..' && !isAbsolute(difference))
  );
}
