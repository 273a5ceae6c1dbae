// Benchmark: wall time of one plain `run_agent` through the built stdio server next to one
// direct `claude -p` run with the same arguments, against the same scripted model server,
// measured in this process. Reports medians and the ratio, plus the server's resident memory.
//
//   npm run bench [-- --runs 7]
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';

const repository = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { runs: { type: 'string', default: '7' } } });
const runs = Number(values.runs);
const dist = (path) => join(repository, 'dist', path);
const { startScriptedModelServer } = await import(
  dist('test/support/scripted-model-server/index.js')
);
const { buildClaudeCodeArgs } = await import(dist('src/providers/claude-code/claude-code-args.js'));
const { findClaudeCodeBinary } = await import(
  dist('src/providers/claude-code/claude-code-binary.js')
);

const base = await mkdtemp(join(tmpdir(), 'subagent-mcp-bench-'));
const workspace = join(base, 'workspace');
await Promise.all(
  ['workspace', 'claude-config', 'home', 'state'].map((name) => mkdir(join(base, name))),
);
const model = await startScriptedModelServer();
const environment = {
  PATH: process.env.PATH ?? '/usr/bin:/bin',
  HOME: join(base, 'home'),
  CLAUDE_CONFIG_DIR: join(base, 'claude-config'),
  ANTHROPIC_BASE_URL: model.url,
  ANTHROPIC_API_KEY: 'bench',
  CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
  DISABLE_AUTOUPDATER: '1',
  CLAUDE_CODE_MAX_RETRIES: '0',
};
const prompt = 'Say hello';
const binary = findClaudeCodeBinary({ environment: process.env });
const median = (numbers) => [...numbers].sort((a, b) => a - b)[Math.floor(numbers.length / 2)];

async function directRun() {
  const args = buildClaudeCodeArgs({ prompt, model: 'mock-model', permissions: 'workspace-write' });
  const started = performance.now();
  await new Promise((resolve, reject) => {
    const child = spawn(binary, args, {
      cwd: workspace,
      env: environment,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.resume();
    child.stderr.resume();
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`claude exited ${code}`)),
    );
  });
  return performance.now() - started;
}

const transport = new StdioClientTransport({
  command: process.execPath,
  args: [dist('src/cli.js'), '--allowed-root', workspace, '--state-dir', join(base, 'state')],
  cwd: workspace,
  env: environment,
  stderr: 'ignore',
});
const client = new Client({ name: 'bench', version: '1.0.0' });

async function serverRun() {
  const started = performance.now();
  const result = await client.callTool(
    { name: 'run_agent', arguments: { prompt, model: 'mock-model' } },
    undefined,
    { onprogress: () => undefined, timeout: 60_000 },
  );
  if (result.structuredContent?.status !== 'completed') throw new Error(JSON.stringify(result));
  return performance.now() - started;
}

async function residentMegabytes(pid) {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

try {
  await client.connect(transport);
  await directRun();
  await serverRun();
  const direct = [];
  const viaServer = [];
  for (let index = 0; index < runs; index += 1) {
    direct.push(await directRun());
    viaServer.push(await serverRun());
  }
  const directMedian = median(direct);
  const serverMedian = median(viaServer);
  console.log(
    `claude-code, plain prompt, ${runs} runs each (interleaved), scripted model on 127.0.0.1`,
  );
  console.log(
    `  direct claude -p          median ${directMedian.toFixed(0)} ms  (min ${Math.min(...direct).toFixed(0)})`,
  );
  console.log(
    `  run_agent via stdio server median ${serverMedian.toFixed(0)} ms  (min ${Math.min(...viaServer).toFixed(0)})`,
  );
  console.log(
    `  ratio server/direct: ${(serverMedian / directMedian).toFixed(3)}  (overhead ${(serverMedian - directMedian).toFixed(0)} ms)`,
  );
  console.log(
    `  server resident memory after the runs: ${(await residentMegabytes(transport.pid)).toFixed(1)} MiB`,
  );
} finally {
  await client.close();
  await model.close();
  await rm(base, { recursive: true, force: true });
}
