/**
 * The methods an ACP agent may call on us: `fs/read_text_file` and `fs/write_text_file`, only
 * inside the run's cwd and only as its permissions allow. A refusal is a JSON-RPC error the
 * agent sees (the decoder reports it as a warning). `terminal/*` is not offered.
 */
import { mkdir, readFile, realpath, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { RequestError } from '@agentclientprotocol/sdk';
import type { Permissions } from '../../events/index.js';

/** JSON-RPC server-error range: the client declined a request it understood. */
const refusedCode = -32000;

export interface AcpFileAccess {
  cwd: string;
  permissions: Permissions;
}

export async function readTextFileForAgent(
  access: AcpFileAccess,
  params: { path: string; line?: number | null; limit?: number | null },
): Promise<{ content: string }> {
  const path = await insideCwd(access.cwd, params.path, 'read');
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      throw RequestError.resourceNotFound(params.path);
    throw new RequestError(refusedCode, `Cannot read ${params.path}: ${(error as Error).message}`);
  }
  if (params.line == null && params.limit == null) return { content: text };
  const lines = text.split('\n');
  const first = Math.max((params.line ?? 1) - 1, 0);
  const last = params.limit == null ? lines.length : first + params.limit;
  return { content: lines.slice(first, last).join('\n') };
}

export async function writeTextFileForAgent(
  access: AcpFileAccess,
  params: { path: string; content: string },
): Promise<Record<string, never>> {
  if (access.permissions === 'read-only') {
    throw new RequestError(refusedCode, `Refused to write ${params.path}: the run is read-only.`);
  }
  const path = await insideCwd(access.cwd, params.path, 'write');
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, params.content, 'utf8');
  return {};
}

/**
 * The path, if it lies inside cwd once symbolic links are resolved (of the path's deepest
 * existing ancestor: the file itself may not exist yet); otherwise a refusal.
 */
async function insideCwd(cwd: string, path: string, verb: 'read' | 'write'): Promise<string> {
  const refuse = (why: string) =>
    new RequestError(refusedCode, `Refused to ${verb} ${path}: ${why}.`);
  if (!isAbsolute(path)) throw refuse('the path is not absolute');
  const root = await realpath(cwd);
  const real = await realpathOfDeepestAncestor(resolve(path));
  const fromRoot = relative(root, real);
  if (
    fromRoot === '' ||
    (!fromRoot.startsWith(`..${sep}`) && fromRoot !== '..' && !isAbsolute(fromRoot))
  ) {
    return real;
  }
  throw refuse(`it is outside the run's working directory ${cwd}`);
}

async function realpathOfDeepestAncestor(path: string): Promise<string> {
  const missing: string[] = [];
  let current = path;
  for (;;) {
    try {
      const real = await realpath(current);
      return missing.length === 0 ? real : resolve(real, ...missing.reverse());
    } catch {
      const parent = dirname(current);
      if (parent === current) return path;
      missing.push(current.slice(parent.length + (parent.endsWith(sep) ? 0 : 1)));
      current = parent;
    }
  }
}
