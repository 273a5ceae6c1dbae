// Benchmark: codex `run_agent` cold (the first run of a fresh subagent-mcp: it starts the
// app-server) and warm (the next run, on the warm app-server), and with warm processes off,
// against a direct `codex exec --json` run (the native binary, the environment our provider
// gives it), against the same scripted model server, measured in this process, interleaved.
// Reports medians of wall time and of the time to the first progress notification at the
// client next to the CLI's first stdout line, their ratios, and the idle app-server's memory.
//
//   npm run bench -- --only codex-warm [--runs 7]   (or node bench/codex-warm-bench.mjs …)
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { childrenResidentMegabytes, median, startBenchServer } from './bench-support.mjs';

const repository = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { runs: { type: 'string', default: '7' } } });
const runs = Number(values.runs);
const built = (path) => import(join(repository, 'build', path));
const { startScriptedModelServer } = await built('test/support/scripted-model-server/index.js');
const { createCodexHome } = await built('test/support/codex-home.js');
const { findCodexBinary } = await built('src/providers/codex/codex-binary.js');
const { buildCodexEnvironment } = await built('src/providers/codex/codex-environment.js');

const base = await mkdtemp(join(tmpdir(), 'subagent-mcp-codex-warm-bench-'));
const workspace = join(base, 'workspace');
await Promise.all(['workspace', 'home', 'state'].map((name) => mkdir(join(base, name))));
const model = await startScriptedModelServer();
const codexHome = await createCodexHome({
  directory: join(base, 'codex-home'),
  modelServerUrl: model.url,
});
const environment = {
  PATH: process.env.PATH ?? '/usr/bin:/bin',
  HOME: join(base, 'home'),
  ...codexHome.environment,
};
const prompt = 'Say hello';
const codex = findCodexBinary({ environment: process.env });
const execArgs = ['exec', '--json', '--skip-git-repo-check', '-s', 'workspace-write', prompt];

const ratio = (numerator, denominator) => (median(numerator) / median(denominator)).toFixed(3);

/** `codex exec` as a user runs it: wall time and the time to its first stdout line. */
async function directRun() {
  const started = performance.now();
  let firstLine;
  await new Promise((resolve, reject) => {
    const child = spawn(codex, execArgs, {
      cwd: workspace,
      env: buildCodexEnvironment(environment, undefined, workspace),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    createInterface({ input: child.stdout }).once('line', () => {
      firstLine = performance.now() - started;
    });
    child.stderr.resume();
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`codex exec exited ${code}`)),
    );
  });
  return { wall: performance.now() - started, first: firstLine };
}

const startServer = (extraArgs = []) =>
  startBenchServer({ workspace, stateDir: join(base, 'state'), environment, extraArgs });

/** One run_agent: wall time and the time to the first progress notification. */
async function serverRun(client) {
  const started = performance.now();
  let first;
  const result = await client.callTool(
    { name: 'run_agent', arguments: { provider: 'codex', prompt } },
    undefined,
    {
      onprogress: () => {
        first ??= performance.now() - started;
      },
      timeout: 60_000,
    },
  );
  if (result.structuredContent?.status !== 'completed') throw new Error(JSON.stringify(result));
  return { wall: performance.now() - started, first };
}

/** Resident memory of the server's `codex app-server` children, in MiB. */
const appServerMegabytes = async (serverPid) =>
  (
    await childrenResidentMegabytes(serverPid, (command) =>
      command.split('\0').includes('app-server'),
    )
  ).reduce((total, megabytes) => total + megabytes, 0);

const samples = { direct: [], cold: [], warm: [], off: [] };
const memory = [];
const withoutWarm = await startServer(['--no-warm']);
try {
  // One of each first: the binary and CODEX_HOME in the page cache.
  await directRun();
  await serverRun(withoutWarm.client);
  for (let index = 0; index < runs; index += 1) {
    samples.direct.push(await directRun());
    const fresh = await startServer();
    try {
      samples.cold.push(await serverRun(fresh.client));
      samples.warm.push(await serverRun(fresh.client));
      memory.push(await appServerMegabytes(fresh.transport.pid));
    } finally {
      await fresh.client.close();
    }
    samples.off.push(await serverRun(withoutWarm.client));
  }
} finally {
  await withoutWarm.client.close();
  await model.close();
  await rm(base, { recursive: true, force: true });
}

const walls = (name) => samples[name].map((sample) => sample.wall);
const firsts = (name) => samples[name].map((sample) => sample.first);
const row = (label, name) =>
  `  ${label.padEnd(44)} wall ${median(walls(name)).toFixed(0).padStart(5)} ms` +
  `  first event ${median(firsts(name)).toFixed(0).padStart(5)} ms`;
console.log(
  `codex warm app-server: plain prompt, ${runs} samples (interleaved), scripted model on 127.0.0.1`,
);
console.log(
  `  direct: ${codex.split('/').pop()} ${execArgs.join(' ').replace(prompt, '<prompt>')}`,
);
console.log(`${row('direct codex exec (first = first stdout line)', 'direct')}`);
console.log(`${row('run_agent cold (first run, starts app-server)', 'cold')}`);
console.log(`${row('run_agent warm (next run, warm app-server)', 'warm')}`);
console.log(`${row('run_agent with --no-warm', 'off')}`);
for (const name of ['cold', 'warm', 'off']) {
  console.log(
    `  ratio ${name}/direct: wall ${ratio(walls(name), walls('direct'))}, ` +
      `first event ${ratio(firsts(name), firsts('direct'))}`,
  );
}
console.log(`  idle warm app-server resident memory: ${median(memory).toFixed(1)} MiB (median)`);
