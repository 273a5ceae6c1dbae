// Cold start and idle memory of the built stdio server next to bench/bare-sdk-server.mjs (the
// MCP SDK's McpServer + StdioServerTransport with one zod tool), started alternately from this
// process. Per start: spawn → `initialize` answer (what a client waits for at its own start-up),
// then `tools/list`, then the resident memory once the process has settled. Reports medians,
// the ratios, and whether they meet the goals (exit code 1 if not).
//
//   npm run bench -- --only startup [--starts 15]   (or node bench/startup-bench.mjs …)
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const repository = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { starts: { type: 'string', default: '15' } } });
const starts = Number(values.starts);
const settleMs = 1000;
const clockTicksPerSecond = 100;
const goals = { initializeRatio: 1.1, extraResidentMiB: 8 };

const request = (id, method, params = {}) => JSON.stringify({ jsonrpc: '2.0', id, method, params });
const initialize = request(1, 'initialize', {
  protocolVersion: '2025-06-18',
  capabilities: {},
  clientInfo: { name: 'startup-bench', version: '1.0.0' },
});

// User + system CPU time of the whole process (all threads), in ms: unlike wall time, barely
// moved by other load on the machine.
async function processorMs(pid) {
  const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1].split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / clockTicksPerSecond;
}

async function residentMiB(pid) {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

/** One cold start: milliseconds to the initialize answer, MiB resident once idle. */
async function sample({ args, cwd, env }) {
  const started = performance.now();
  const child = spawn(process.execPath, args, { cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr = `${stderr}${chunk}`.slice(-2000)));
  const answers = new Map();
  const waiters = new Map();
  createInterface({ input: child.stdout }).on('line', (line) => {
    const { id } = JSON.parse(line);
    answers.set(id, performance.now());
    waiters.get(id)?.();
  });
  const answered = (id) =>
    answers.has(id) ? Promise.resolve() : new Promise((resolve) => waiters.set(id, resolve));
  const exited = once(child, 'close');
  child.stdin.write(`${initialize}\n`);
  const exitedEarly = () => Promise.reject(new Error(`${args.at(-1)} exited early:\n${stderr}`));
  await Promise.race([answered(1), exited.then(exitedEarly)]);
  const initializeMs = answers.get(1) - started;
  const initializeProcessorMs = await processorMs(child.pid);
  child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' })}\n`);
  child.stdin.write(`${request(2, 'tools/list')}\n`);
  await answered(2);
  await sleep(settleMs);
  const megabytes = await residentMiB(child.pid);
  child.stdin.end();
  await exited;
  return { initializeMs, initializeProcessorMs, megabytes };
}

const median = (numbers) => [...numbers].sort((a, b) => a - b)[Math.floor(numbers.length / 2)];

const base = await mkdtemp(join(tmpdir(), 'subagent-mcp-startup-'));
const env = {
  PATH: process.env.PATH ?? '/usr/bin:/bin',
  HOME: base,
  XDG_STATE_HOME: join(base, 'state'),
};
const servers = {
  bare: { args: [join(repository, 'bench/bare-sdk-server.mjs')], cwd: base, env },
  ours: { args: [join(repository, 'dist/cli.js')], cwd: base, env },
};
const results = { bare: [], ours: [] };
try {
  // One unmeasured start of each fills the file cache.
  await sample(servers.bare);
  await sample(servers.ours);
  for (let index = 0; index < starts; index += 1) {
    const order = index % 2 === 0 ? ['bare', 'ours'] : ['ours', 'bare'];
    for (const name of order) results[name].push(await sample(servers[name]));
  }
} finally {
  await rm(base, { recursive: true, force: true });
}
const summary = (name) => {
  const medianOf = (key) => median(results[name].map((result) => result[key]));
  return {
    initializeMs: medianOf('initializeMs'),
    initializeProcessorMs: medianOf('initializeProcessorMs'),
    megabytes: medianOf('megabytes'),
  };
};
const bare = summary('bare');
const ours = summary('ours');
const ratio = ours.initializeMs / bare.initializeMs;
const processorRatio = ours.initializeProcessorMs / bare.initializeProcessorMs;
const extra = ours.megabytes - bare.megabytes;
const verdict = (met) => (met ? 'meets' : 'MISSES');
const describe = (label, { initializeMs, initializeProcessorMs, megabytes }) =>
  `  ${label.padEnd(38)} initialize ${initializeMs.toFixed(0)} ms (CPU ${initializeProcessorMs.toFixed(0)} ms), idle RSS ${megabytes.toFixed(1)} MiB`;
console.log(`startup: ${starts} cold starts each (interleaved), medians`);
console.log(describe('bare SDK stdio server (one zod tool):', bare));
console.log(describe('subagent-mcp (node dist/cli.js):', ours));
console.log(
  `  initialize ratio ours/bare: ${ratio.toFixed(2)}× (goal ≤ ${goals.initializeRatio}×: ${verdict(ratio <= goals.initializeRatio)}); CPU time ratio ${processorRatio.toFixed(2)}×`,
);
console.log(
  `  idle RSS ours − bare: ${extra >= 0 ? '+' : ''}${extra.toFixed(1)} MiB (goal ≤ +${goals.extraResidentMiB} MiB: ${verdict(extra <= goals.extraResidentMiB)})`,
);
if (ratio > goals.initializeRatio || extra > goals.extraResidentMiB) process.exitCode = 1;
