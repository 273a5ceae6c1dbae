/**
 * The HTTP bearer token: the configured one, or one generated on first start into
 * `<stateDir>/http-token` (directory 0700, file 0600) and reused afterwards.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface ResolvedHttpToken {
  token: string;
  /** Where a generated token lives; undefined for a configured one. */
  path?: string;
  /** True only when this call created the token file (so it is shown once). */
  generated: boolean;
}

export function resolveHttpToken(options: {
  configured?: string;
  stateDir: string;
}): ResolvedHttpToken {
  if (options.configured !== undefined) return { token: options.configured, generated: false };
  mkdirSync(options.stateDir, { recursive: true, mode: 0o700 });
  const path = join(options.stateDir, 'http-token');
  const fresh = randomBytes(32).toString('base64url');
  try {
    // 'wx' fails if the file exists, so two servers starting at once agree on one token.
    writeFileSync(path, `${fresh}\n`, { mode: 0o600, flag: 'wx' });
    return { token: fresh, path, generated: true };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  if ((statSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600);
  const token = readFileSync(path, 'utf8').trim();
  if (token.length < 16) {
    throw new Error(`${path} holds no usable token; delete it to generate a new one`);
  }
  return { token, path, generated: false };
}
