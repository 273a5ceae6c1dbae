// Benchmark: the built stdio server's peak resident memory (VmHWM) when agents print a lot.
// The agent is test/fixtures/bin/flood-claude.mjs, configured as providers.claude-code.binary:
// a valid stream-json turn whose answer streams as FLOOD_BYTES of text deltas.
//
//   1. one run printing 1 GiB, the client reading progress as it comes;
//   2. the same run with a stuck client that reads nothing until the agent has finished
//      (the run must not wait for it: compare the agent's own time with case 1);
//   3. 32 runs at once, 1 MiB each (a long agent turn's worth of stream-json), the client
//      reading progress; --concurrent-mib 32 makes it 1 GiB in all.
// Goal: every peak ≤ 150 MiB. Each case starts a fresh server, so its VmHWM is that case's.
//
//   npm run bench:memory [-- --gib 0.25] [-- --concurrent-mib 32] [-- --case stuck]
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';

const repository = join(dirname(fileURLToPath(import.meta.url)), '..');
// Not strict: `npm run bench -- <provider bench flags>` hands its flags to this script too.
const { values } = parseArgs({
  strict: false,
  options: {
    gib: { type: 'string', default: '1' },
    'concurrent-mib': { type: 'string', default: '1' },
    case: { type: 'string', multiple: true },
  },
});
const totalBytes = Math.round(Number(values.gib) * 1024 ** 3);
const concurrentRuns = 32;
const cases = values.case ?? ['reading', 'stuck', 'concurrent'];
const goalMebibytes = 150;

const base = await mkdtemp(join(tmpdir(), 'subagent-mcp-memory-bench-'));
const workspace = join(base, 'workspace');
await mkdir(workspace);
const configFile = join(base, 'config.json');
await writeFile(
  configFile,
  JSON.stringify({
    providers: {
      'claude-code': { binary: join(repository, 'test/fixtures/bin/flood-claude.mjs') },
    },
    maxConcurrentRuns: concurrentRuns,
  }),
);
const serverArgs = (name) => [
  join(repository, 'dist/cli.js'),
  '--config',
  configFile,
  '--allowed-root',
  workspace,
  '--state-dir',
  join(base, `state-${name}`),
];
const serverEnvironment = (extra) => ({
  PATH: process.env.PATH ?? '/usr/bin:/bin',
  HOME: join(base, 'home'),
  ...extra,
});

async function peakMebibytes(pid) {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

const seconds = (milliseconds) => `${(milliseconds / 1000).toFixed(1)} s`;
const mebibytes = (bytes) => `${(bytes / 1024 ** 2).toFixed(0)} MiB`;
const verdict = (peak) => {
  if (peak <= goalMebibytes) return 'ok';
  process.exitCode = 1;
  return `OVER the ${goalMebibytes} MiB goal`;
};

async function withClient(name, floodBytes, work) {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: serverArgs(name),
    cwd: workspace,
    env: serverEnvironment({ FLOOD_BYTES: String(floodBytes) }),
    stderr: 'inherit',
  });
  const client = new Client({ name: 'memory-bench', version: '1.0.0' });
  await client.connect(transport);
  try {
    await work(client);
    return await peakMebibytes(transport.pid);
  } finally {
    await client.close();
  }
}

async function runFlood(client, onprogress) {
  const result = await client.callTool(
    { name: 'run_agent', arguments: { prompt: 'Flood', provider: 'claude-code' } },
    undefined,
    { onprogress, timeout: 3_600_000 },
  );
  if (result.structuredContent?.status !== 'completed') throw new Error(JSON.stringify(result));
}

async function readingCase() {
  let notifications = 0;
  const started = performance.now();
  const peak = await withClient('reading', totalBytes, (client) =>
    runFlood(client, () => (notifications += 1)),
  );
  const elapsed = performance.now() - started;
  console.log(
    `one run printing ${mebibytes(totalBytes)}, client reading: server peak RSS ${peak.toFixed(1)} MiB (${verdict(peak)}); ${seconds(elapsed)}, ${notifications} progress notifications`,
  );
  return { peak, elapsed };
}

async function concurrentCase() {
  const each = Math.round(Number(values['concurrent-mib']) * 1024 ** 2);
  let notifications = 0;
  const started = performance.now();
  const peak = await withClient('concurrent', each, (client) =>
    Promise.all(
      Array.from({ length: concurrentRuns }, () => runFlood(client, () => (notifications += 1))),
    ),
  );
  console.log(
    `${concurrentRuns} concurrent runs printing ${mebibytes(each)} each: server peak RSS ${peak.toFixed(1)} MiB (${verdict(peak)}); ${seconds(performance.now() - started)}, ${notifications} progress notifications`,
  );
}

/**
 * A raw JSON-RPC client over the server's stdio that stops reading stdout once the call is
 * sent and resumes only after the agent wrote its done file.
 */
async function stuckCase(reading) {
  const doneFile = join(base, 'flood-done.json');
  const server = spawn(process.execPath, serverArgs('stuck'), {
    cwd: workspace,
    env: serverEnvironment({ FLOOD_BYTES: String(totalBytes), FLOOD_DONE_FILE: doneFile }),
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const pending = new Map();
  let notifications = 0;
  let buffered = '';
  server.stdout.setEncoding('utf8');
  server.stdout.on('data', (chunk) => {
    buffered += chunk;
    for (let newline = buffered.indexOf('\n'); newline >= 0; newline = buffered.indexOf('\n')) {
      const message = JSON.parse(buffered.slice(0, newline));
      buffered = buffered.slice(newline + 1);
      if (message.method === 'notifications/progress') notifications += 1;
      else if (message.id !== undefined) pending.get(message.id)?.(message);
    }
  });
  const request = (id, method, params) => {
    const answered = new Promise((resolve) => pending.set(id, resolve));
    server.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', id, method, params })}\n`);
    return answered;
  };
  await request(1, 'initialize', {
    protocolVersion: '2025-11-25',
    capabilities: {},
    clientInfo: { name: 'stuck-client', version: '1.0.0' },
  });
  server.stdin.write(
    `${JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' })}\n`,
  );
  const started = Date.now();
  const answered = request(2, 'tools/call', {
    name: 'run_agent',
    arguments: { prompt: 'Flood', provider: 'claude-code' },
    _meta: { progressToken: 'stuck' },
  });
  server.stdout.pause();
  while (!existsSync(doneFile)) await new Promise((resolve) => setTimeout(resolve, 100));
  const agentDone = JSON.parse(await readFile(doneFile, 'utf8')) - started;
  // Give the server time to read the agent's last lines while the client still reads nothing.
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const peakWhileStuck = await peakMebibytes(server.pid);
  server.stdout.resume();
  const response = await answered;
  const peak = await peakMebibytes(server.pid);
  server.stdin.end();
  await new Promise((resolve) => server.once('exit', resolve));
  if (response.result?.structuredContent?.status !== 'completed') {
    throw new Error(JSON.stringify(response));
  }
  console.log(
    `one run printing ${mebibytes(totalBytes)}, client stuck until the agent finished: server peak RSS ${peak.toFixed(1)} MiB (${verdict(peak)}; ${peakWhileStuck.toFixed(1)} MiB while stuck); agent done after ${seconds(agentDone)}${reading ? ` (with a reading client the whole call took ${seconds(reading.elapsed)})` : ''}; ${notifications} progress notifications delivered`,
  );
}

try {
  let reading;
  if (cases.includes('reading')) reading = await readingCase();
  if (cases.includes('stuck')) await stuckCase(reading);
  if (cases.includes('concurrent')) await concurrentCase();
} finally {
  await rm(base, { recursive: true, force: true });
}
