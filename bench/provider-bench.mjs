// Benchmark: wall time of one plain `run_agent` through the built stdio server next to one
// direct CLI run (`claude -p …`, `codex exec --json …`, `opencode run --format json`,
// `gemini --prompt=… -o stream-json`, with the environment our provider gives it) against
// the same scripted model server, measured in this process, interleaved. Reports medians and
// ratios, and the server's resident memory.
//
// opencode keeps one warm `opencode serve`: its first run_agent (cold: a fresh subagent-mcp per
// sample) and its second run_agent (warm) are reported separately.
//
//   npm run bench -- --only providers [--runs 7] [--provider codex]   (or node bench/provider-bench.mjs …)
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { median, residentMegabytes, startBenchServer } from './bench-support.mjs';

const repository = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: { runs: { type: 'string', default: '7' }, provider: { type: 'string', multiple: true } },
});
const runs = Number(values.runs);
const providers = values.provider ?? ['claude-code', 'codex', 'opencode', 'gemini'];
const built = (path) => import(join(repository, 'build', path));
const { startScriptedModelServer } = await built('test/support/scripted-model-server/index.js');
const { createCodexHome } = await built('test/support/codex-home.js');
const { createOpencodeEnvironment } = await built('test/support/opencode-environment.js');
const { createGeminiEnvironment } = await built('test/support/gemini-environment.js');
const { buildClaudeCodeArgs } = await built('src/providers/claude-code/claude-code-args.js');
const { findClaudeCodeBinary } = await built('src/providers/claude-code/claude-code-binary.js');
const { findCodexBinary } = await built('src/providers/codex/codex-binary.js');
const { findOpencodeBinary } = await built('src/providers/opencode/opencode-binary.js');
const { buildGeminiArgs } = await built('src/providers/gemini/gemini-args.js');
const { findGeminiBinary } = await built('src/providers/gemini/gemini-binary.js');
const { buildGeminiEnvironment } = await built('src/providers/gemini/gemini-environment.js');

const base = await mkdtemp(join(tmpdir(), 'subagent-mcp-bench-'));
const workspace = join(base, 'workspace');
await Promise.all(
  ['workspace', 'claude-config', 'home', 'state'].map((name) => mkdir(join(base, name))),
);
const model = await startScriptedModelServer();
const codexHome = await createCodexHome({
  directory: join(base, 'codex-home'),
  modelServerUrl: model.url,
});
const opencode = await createOpencodeEnvironment({
  directory: join(base, 'opencode'),
  modelServerUrl: model.url,
});
const gemini = await createGeminiEnvironment({
  directory: join(base, 'gemini-home'),
  modelServerUrl: model.url,
});
const environment = {
  PATH: process.env.PATH ?? '/usr/bin:/bin',
  HOME: join(base, 'home'),
  CLAUDE_CONFIG_DIR: join(base, 'claude-config'),
  ANTHROPIC_BASE_URL: model.url,
  ANTHROPIC_API_KEY: 'bench',
  CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
  DISABLE_AUTOUPDATER: '1',
  CLAUDE_CODE_MAX_RETRIES: '0',
  ...codexHome.environment,
  ...opencode.environment,
  ...gemini.environment,
};
const prompt = 'Say hello';
const directCommands = {
  'claude-code': () => [
    findClaudeCodeBinary({ environment: process.env }),
    buildClaudeCodeArgs({ prompt, model: 'mock-model', permissions: 'workspace-write' }),
  ],
  codex: () => [
    findCodexBinary({ environment: process.env }),
    ['exec', '--json', '--skip-git-repo-check', '-s', 'workspace-write', prompt],
  ],
  // opencode re-quotes argv words that hold spaces, so the prompt goes on stdin.
  opencode: () => [
    findOpencodeBinary({ environment: process.env }),
    ['run', '--format', 'json', '--dir', workspace],
    prompt,
  ],
  gemini: () => [
    findGeminiBinary({ environment: process.env }),
    buildGeminiArgs({ prompt, model: 'mock-model', permissions: 'workspace-write' }),
    undefined,
    // What the provider adds: no relaunch, a trusted workspace.
    buildGeminiEnvironment(environment, undefined, workspace),
  ],
};
const describeMedians = (label, numbers) =>
  `  ${label.padEnd(42)} median ${median(numbers).toFixed(0)} ms  (min ${Math.min(...numbers).toFixed(0)})`;

async function directRun(provider) {
  const [binary, args, stdinText, childEnvironment = environment] = directCommands[provider]();
  const started = performance.now();
  await new Promise((resolve, reject) => {
    const child = spawn(binary, args, {
      cwd: workspace,
      env: { ...childEnvironment, PWD: workspace },
      stdio: [stdinText === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    if (stdinText !== undefined) child.stdin.end(stdinText);
    child.stdout.resume();
    child.stderr.resume();
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`${binary} exited ${code}`)),
    );
  });
  return performance.now() - started;
}

const startServer = () =>
  startBenchServer({ workspace, stateDir: join(base, 'state'), environment });

async function serverRun(client, provider) {
  const started = performance.now();
  const result = await client.callTool(
    {
      name: 'run_agent',
      arguments: {
        provider,
        prompt,
        ...(provider === 'claude-code' || provider === 'gemini' ? { model: 'mock-model' } : {}),
      },
    },
    undefined,
    { onprogress: () => undefined, timeout: 60_000 },
  );
  if (result.structuredContent?.status !== 'completed') throw new Error(JSON.stringify(result));
  return performance.now() - started;
}

async function benchOneProcessPerTurn(client, provider) {
  await directRun(provider);
  await serverRun(client, provider);
  const direct = [];
  const viaServer = [];
  for (let index = 0; index < runs; index += 1) {
    direct.push(await directRun(provider));
    viaServer.push(await serverRun(client, provider));
  }
  const [binary, args] = directCommands[provider]();
  console.log(
    `${provider}: plain prompt, ${runs} runs each (interleaved), scripted model on 127.0.0.1`,
  );
  const shownArgs = args.map((arg) => arg.replace(prompt, '<prompt>')).join(' ');
  console.log(`  direct: ${binary.split('/').pop()} ${shownArgs}`);
  console.log(describeMedians('direct CLI run', direct));
  console.log(describeMedians('run_agent via stdio server', viaServer));
  console.log(`  ratio server/direct: ${(median(viaServer) / median(direct)).toFixed(3)}`);
}

async function benchOpencode() {
  await directRun('opencode');
  const direct = [];
  const first = [];
  const second = [];
  for (let index = 0; index < runs; index += 1) {
    direct.push(await directRun('opencode'));
    const fresh = await startServer();
    try {
      first.push(await serverRun(fresh.client, 'opencode'));
      second.push(await serverRun(fresh.client, 'opencode'));
    } finally {
      await fresh.client.close();
    }
  }
  console.log(`opencode: plain prompt, ${runs} samples (interleaved), scripted model on 127.0.0.1`);
  console.log(describeMedians('direct opencode run --format json', direct));
  console.log(describeMedians('first run_agent (starts opencode serve)', first));
  console.log(describeMedians('second run_agent (warm opencode serve)', second));
  console.log(
    `  ratio first/direct: ${(median(first) / median(direct)).toFixed(3)}, second/direct: ${(median(second) / median(direct)).toFixed(3)}`,
  );
}

const shared = await startServer();
try {
  for (const provider of providers) {
    if (provider === 'opencode') await benchOpencode();
    else await benchOneProcessPerTurn(shared.client, provider);
  }
  const megabytes = await residentMegabytes(shared.transport.pid);
  console.log(`server resident memory after the runs: ${megabytes.toFixed(1)} MiB`);
} finally {
  await shared.client.close();
  await model.close();
  await rm(base, { recursive: true, force: true });
}
