#!/usr/bin/env node
/**
 * `npm run build` step: bundles src/ into dist/ with rolldown (tsc writes only the .d.ts there).
 *
 * - dist/cli.js, the bin, with every dependency inside: a stdio start reads a handful of files
 *   instead of the ~290 modules of src/ and node_modules it otherwise loads, which is most of
 *   its start-up time and memory (README, "Benchmarks"). What a start does not need (providers,
 *   the run service, the HTTP transport, `doctor`) stays in chunks loaded by `import()`.
 * - dist/index.js, the library, with its dependencies left as imports: an embedding script
 *   shares its own copies of the MCP SDK and zod with ours.
 * - dist/supervisor-main.js, the orphan guard's supervisor, which src/process/orphan-guard
 *   starts from the file beside its own module: every file is written flat into dist/.
 *
 * Bundled third-party code keeps its licence: each chunk opens with the licence texts of the
 * packages it holds. build/dist-modules.json maps each file of dist/ to the modules it holds
 * (paths relative to the repository), for test/e2e/cold-start.test.ts to tell what a start loads.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'rolldown';

const repository = join(dirname(fileURLToPath(import.meta.url)), '..');
const source = (path) => join(repository, 'src', path);
const isNodeBuiltin = (id) => id.startsWith('node:') || builtinModules.includes(id);
const dependencies = Object.keys(
  JSON.parse(readFileSync(join(repository, 'package.json'), 'utf8')).dependencies,
);
const isDependency = (id) => dependencies.some((name) => id === name || id.startsWith(`${name}/`));

/** The package directory of a module in node_modules (scoped or not), else undefined. */
function packageDirectoryOf(moduleId) {
  const match = /^(.*[\\/]node_modules[\\/](?:@[^\\/]+[\\/])?[^\\/]+)[\\/]/.exec(moduleId);
  return match?.[1];
}

const licenceNotices = new Map();
/** `name@version (licence)` and the licence text that ships with the package. */
function licenceNotice(packageDirectory) {
  if (!licenceNotices.has(packageDirectory)) {
    const manifest = JSON.parse(readFileSync(join(packageDirectory, 'package.json'), 'utf8'));
    const licenceFile = readdirSync(packageDirectory).find((name) =>
      /^licen[cs]e(\.(md|txt))?$/i.test(name),
    );
    const text =
      licenceFile === undefined ? '' : readFileSync(join(packageDirectory, licenceFile), 'utf8');
    const heading = `${manifest.name}@${manifest.version} (${manifest.license ?? 'see package'})`;
    licenceNotices.set(packageDirectory, `${heading}\n\n${text.replaceAll('*/', '* /').trim()}`);
  }
  return licenceNotices.get(packageDirectory);
}

function licenceBanner(chunk) {
  const packages = new Set(chunk.moduleIds.map(packageDirectoryOf).filter(Boolean));
  if (packages.size === 0) return '';
  const notices = [...packages].sort().map(licenceNotice);
  return `/*! Bundled third-party code and its licences:\n\n${notices.join('\n\n')}\n*/`;
}

const output = {
  dir: join(repository, 'dist'),
  format: 'esm',
  entryFileNames: '[name].js',
  chunkFileNames: '[name]-[hash].js',
};

const outputs = await build([
  {
    input: {
      cli: source('cli.ts'),
      'supervisor-main': source('process/orphan-guard/supervisor-main.ts'),
    },
    platform: 'node',
    external: isNodeBuiltin,
    output: { ...output, banner: licenceBanner },
    logLevel: 'warn',
  },
  {
    input: { index: source('index.ts') },
    platform: 'node',
    external: (id) => isNodeBuiltin(id) || isDependency(id),
    output,
    logLevel: 'warn',
    // The library exports every provider factory, so its providers cannot be lazy chunks.
    onLog: (level, log, handle) => {
      if (log.code !== 'INEFFECTIVE_DYNAMIC_IMPORT') handle(level, log);
    },
  },
]);

// Both builds write into dist/: a name the two share must be the same chunk (the name holds
// a hash of the content), or one build's file would replace the other's.
const modulesOfFile = {};
for (const chunk of outputs.flatMap(({ output: files }) => files)) {
  if (chunk.type !== 'chunk') continue;
  const modules = chunk.moduleIds.map((id) => relative(repository, id));
  const earlier = modulesOfFile[chunk.fileName];
  if (earlier !== undefined && earlier.join('\n') !== modules.join('\n')) {
    throw new Error(`dist/${chunk.fileName} is written by both builds with different modules`);
  }
  modulesOfFile[chunk.fileName] = modules;
}
mkdirSync(join(repository, 'build'), { recursive: true });
writeFileSync(
  join(repository, 'build', 'dist-modules.json'),
  `${JSON.stringify(modulesOfFile, null, 2)}\n`,
);
