// ACP agents: spawn → initialize (the provider's transcript, timed in this process) and the
// whole turn through `run_agent` on the built stdio server (a plain prompt and a shell-tool
// prompt), against the scripted model server. Medians of --runs.
//
//   npm run build && node bench/acp-timings.mjs [--runs 5] [--agent codex]
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const repository = join(dirname(fileURLToPath(import.meta.url)), '..');
const built = (path) => import(join(repository, 'build', path));
const { values } = parseArgs({
  options: { runs: { type: 'string', default: '5' }, agent: { type: 'string', multiple: true } },
});
const runs = Number(values.runs);
const agents = values.agent ?? ['gemini', 'opencode', 'claude', 'codex'];
const { createAgentTestEnvironment } = await built('test/support/stdio-server-harness.js');
const { createAcpProvider, resolveAcpAgent } = await built('src/providers/acp/index.js');

const environment = await createAgentTestEnvironment();
const median = (numbers) => [...numbers].sort((a, b) => a - b)[Math.floor(numbers.length / 2)];
const server = await environment.startServer();

async function spawnToInitialize(name) {
  const recipe = resolveAcpAgent(name, {});
  let startedAt;
  let initializedAt;
  const provider = createAcpProvider(recipe, {
    onTranscript: (entry) => {
      if (entry.direction === 'received' && entry.message?.id === 0)
        initializedAt ??= performance.now();
    },
  });
  const cwd = join(environment.root, `bench-${name}`);
  await mkdir(cwd, { recursive: true });
  startedAt = performance.now();
  for await (const event of provider.run({
    prompt: 'Say hello',
    cwd,
    permissions: 'workspace-write',
    environment: environment.environment,
    signal: new AbortController().signal,
  })) {
    if (event.type === 'run-end' && event.status !== 'completed')
      throw new Error(JSON.stringify(event));
  }
  return initializedAt - startedAt;
}

async function turn(name, prompt) {
  const startedAt = performance.now();
  const result = await server.client.callTool(
    {
      name: 'run_agent',
      arguments: { provider: `acp:${name}`, prompt, permissions: 'full-access' },
    },
    undefined,
    { timeout: 120_000 },
  );
  if (result.structuredContent?.status !== 'completed')
    throw new Error(JSON.stringify(result.structuredContent));
  return performance.now() - startedAt;
}

try {
  for (const name of agents) {
    const initialize = [];
    const plain = [];
    const tool = [];
    for (let run = 0; run < runs; run += 1) {
      initialize.push(await spawnToInitialize(name));
      plain.push(await turn(name, 'Say hello'));
      tool.push(await turn(name, 'Run it [[mock:tool]]'));
    }
    const ms = (numbers) => `${Math.round(median(numbers))} ms`;
    console.log(
      `acp:${name}: spawn→initialize ${ms(initialize)}, run_agent plain ${ms(plain)}, run_agent shell tool ${ms(tool)} (median of ${runs})`,
    );
  }
} finally {
  await environment.close();
}
