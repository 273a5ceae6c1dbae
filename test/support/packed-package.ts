/**
 * The package as npm publishes it: `npm pack` of the built repository, installed into a fresh
 * project with no network.
 *
 * Why a lockfile is written for that project: `npm install --offline <tarball>` cannot work from
 * the cache `npm ci` fills. npm 11 resolves a new dependency range from the *full* registry
 * document, while `npm ci` (lockfile, no `resolved` URLs) caches only the abbreviated one, so the
 * install stops with ENOTCACHED; and even with full documents it would pick the newest matching
 * versions, whose tarballs nobody cached. So the fresh project gets a lockfile naming the tarball
 * plus the repository's locked runtime dependencies (its non-dev entries), and `npm ci --offline`
 * installs exactly those from the cache. A runtime import of a devDependency therefore fails.
 */
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repositoryRoot } from './stdio-server-harness.js';

const run = promisify(execFile);

interface LockfileEntry {
  dev?: boolean;
  [field: string]: unknown;
}

export interface PackedTarball {
  /** File name inside the directory it was packed into. */
  filename: string;
  /** Paths inside the package, as npm lists them. */
  files: string[];
}

/**
 * The environment for npm in a directory of its own: without the `npm_*` variables of an
 * enclosing `npm test` (`npm_config_local_prefix` would point npm back at the repository),
 * but with the cache that run uses.
 */
export function npmEnvironment(): NodeJS.ProcessEnv {
  const environment = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.toLowerCase().startsWith('npm_')),
  );
  const cache = process.env.npm_config_cache;
  return cache === undefined ? environment : { ...environment, npm_config_cache: cache };
}

/** `npm pack` of the repository (built beforehand) into `destination`. */
export async function packRepository(destination: string): Promise<PackedTarball> {
  const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', destination], {
    cwd: repositoryRoot,
    env: npmEnvironment(),
  });
  const [packed] = JSON.parse(stdout) as Array<{
    filename: string;
    files: Array<{ path: string }>;
  }>;
  return { filename: packed!.filename, files: packed!.files.map((file) => file.path) };
}

/** Makes `directory` a project depending on `tarball` (a file in it) and installs it offline. */
export async function installTarballOffline(directory: string, tarball: string): Promise<void> {
  const repositoryPackage = await readJson<Record<string, unknown>>(
    join(repositoryRoot, 'package.json'),
  );
  const repositoryLock = await readJson<{ packages: Record<string, LockfileEntry> }>(
    join(repositoryRoot, 'package-lock.json'),
  );
  const dependencies = { 'subagent-mcp': `file:${tarball}` };
  const project = {
    name: 'packed-package-consumer',
    version: '1.0.0',
    private: true,
    type: 'module',
    dependencies,
  };
  const packages: Record<string, unknown> = {
    '': { name: project.name, version: project.version, dependencies },
    'node_modules/subagent-mcp': {
      version: repositoryPackage.version,
      resolved: dependencies['subagent-mcp'],
      dependencies: repositoryPackage.dependencies,
      bin: repositoryPackage.bin,
      engines: repositoryPackage.engines,
    },
  };
  for (const [path, entry] of Object.entries(repositoryLock.packages)) {
    if (path.startsWith('node_modules/') && entry.dev !== true) packages[path] = entry;
  }
  const lockfile = { ...project, lockfileVersion: 3, requires: true, packages };
  await writeFile(join(directory, 'package.json'), `${JSON.stringify(project, null, 2)}\n`);
  await writeFile(join(directory, 'package-lock.json'), `${JSON.stringify(lockfile, null, 2)}\n`);
  await run('npm', ['ci', '--offline', '--no-audit', '--no-fund'], {
    cwd: directory,
    env: npmEnvironment(),
  });
}

async function readJson<T>(path: string): Promise<T> {
  return JSON.parse(await readFile(path, 'utf8')) as T;
}
