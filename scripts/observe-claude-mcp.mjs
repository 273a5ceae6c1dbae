#!/usr/bin/env node
/**
 * Watches what the pinned Claude Code says to a stdio MCP server (docs/clients.md):
 *   npm run build && node scripts/observe-claude-mcp.mjs [variant…]
 * Each variant runs node_modules/.bin/claude against the scripted model server, with the
 * harness's isolated environment, and an MCP config whose only server is
 * scripts/mcp-traffic-proxy.mjs in front of the server under test. It writes to
 * /tmp/observe-claude-mcp/<variant>/: traffic.jsonl (every JSON-RPC line both ways),
 * stdout/stderr (print mode) or screen.txt (interactive), claude-config/debug/*.txt (--debug).
 *
 * Interactive variants run `claude` without `-p` in a pseudo-terminal (`script`), seed
 * `.claude.json` past onboarding, API-key approval and the trust dialog, type the prompt once
 * the server answered `tools/list`, and stop the CLI after `seconds`.
 * Variants: node scripts/observe-claude-mcp.mjs --list
 */
import { spawn } from 'node:child_process';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { binaryPath, runParentProcess } from '../build/test/support/parent-agent-harness.js';
import { callDirectives } from '../build/test/support/scripted-model-server/index.js';
import {
  builtCliPath,
  createAgentTestEnvironment,
  repositoryRoot,
} from '../build/test/support/stdio-server-harness.js';

const probe = 'probe';
const ours = 'ours';
const tasksOff = { CLAUDE_CODE_DISABLE_MCP_TASKS: '1' };
const blocking = { MCP_CONNECTION_NONBLOCKING: '0' };
const variants = {
  'ours-print': { server: ours, env: {} },
  'probe-print': { server: probe, env: {} },
  'probe-print-entrypoint-cli': { server: probe, env: { CLAUDE_CODE_ENTRYPOINT: 'cli' } },
  'probe-print-legacy': { server: probe, env: { MCP_PROTOCOL_NEGOTIATION: 'legacy' } },
  'probe-interactive': { server: probe, env: blocking, seconds: 20 },
  'probe-interactive-tasks-off': { server: probe, env: { ...blocking, ...tasksOff }, seconds: 12 },
  'probe-interactive-no-background': {
    server: probe,
    env: { ...blocking, CLAUDE_CODE_DISABLE_MCP_TASK_BACKGROUND: '1' },
    seconds: 15,
  },
  'ours-interactive': { server: ours, env: blocking, seconds: 20 },
};

const outputRoot = '/tmp/observe-claude-mcp';
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function observe(environment, name, variant) {
  const out = join(outputRoot, name);
  await rm(out, { recursive: true, force: true });
  const configDirectory = join(out, 'claude-config');
  await mkdir(configDirectory, { recursive: true });
  const traffic = join(out, 'traffic.jsonl');
  const isOurs = variant.server === ours;
  const server = isOurs
    ? [builtCliPath, '--allowed-root', environment.root, '--state-dir', environment.stateDir]
    : [join(repositoryRoot, 'scripts', 'tasks-probe-server.mjs')];
  const serverName = isOurs ? 'subagents' : 'probe';
  const tool = isOurs ? 'run_agent' : 'slow_echo';
  const toolArguments = isOurs ? { prompt: 'child says mango' } : { text: 'hello task' };
  const proxy = join(repositoryRoot, 'scripts', 'mcp-traffic-proxy.mjs');
  const mcpConfig = join(out, 'mcp.json');
  await writeFile(
    mcpConfig,
    JSON.stringify({
      mcpServers: {
        [serverName]: {
          type: 'stdio',
          command: process.execPath,
          args: [proxy, traffic, '--', process.execPath, ...server],
          env: environment.environment,
        },
      },
    }),
  );
  const common = [
    '--debug',
    '--mcp-config',
    mcpConfig,
    `--allowedTools=mcp__${serverName}__${tool}`,
    '--model',
    'mock-model',
  ];
  const prompt = `Call the tool. ${callDirectives(tool, toolArguments)}`;
  const env = {
    ...environment.environment,
    CLAUDE_CONFIG_DIR: configDirectory,
    ENABLE_TOOL_SEARCH: 'false',
    ...variant.env,
  };
  if (variant.seconds === undefined) {
    const run = await runParentProcess({
      command: binaryPath('claude'),
      args: ['-p', '--output-format', 'stream-json', '--verbose', ...common, '--', prompt],
      env,
      cwd: environment.root,
    });
    await writeFile(join(out, 'stdout.jsonl'), run.stdout);
    await writeFile(join(out, 'stderr.txt'), run.stderr);
    return `exit ${run.exitCode}`;
  }
  await writeFile(
    join(configDirectory, '.claude.json'),
    JSON.stringify({
      hasCompletedOnboarding: true,
      customApiKeyResponses: { approved: [env.ANTHROPIC_API_KEY], rejected: [] },
      projects: { [environment.root]: { hasTrustDialogAccepted: true, allowedTools: [] } },
    }),
  );
  const quoted = [binaryPath('claude'), ...common].map((a) => `'${a.replaceAll("'", "'\\''")}'`);
  const child = spawn('script', ['-q', '-f', '-c', quoted.join(' '), join(out, 'typescript')], {
    cwd: environment.root,
    env: { ...env, TERM: 'xterm-256color', COLUMNS: '160', LINES: '50' },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  let screen = '';
  child.stdout.on('data', (chunk) => (screen += chunk.toString()));
  await waitForToolList(traffic, child);
  child.stdin.write(prompt);
  await sleep(1000);
  child.stdin.write('\r');
  await sleep(variant.seconds * 1000);
  child.kill('SIGTERM');
  await sleep(2000);
  if (child.exitCode === null) child.kill('SIGKILL');
  await writeFile(join(out, 'screen.txt'), screen);
  return 'stopped';
}

/** Until the server answered tools/list (or 30 s passed): then the TUI offers the tools. */
async function waitForToolList(traffic, child) {
  for (let waited = 0; waited < 30_000 && child.exitCode === null; waited += 250) {
    const text = await readFile(traffic, 'utf8').catch(() => '');
    if (/"tools":\[/.test(text)) return sleep(1000);
    await sleep(250);
  }
}

const selected = process.argv.slice(2);
if (selected.includes('--list')) {
  process.stdout.write(`${Object.keys(variants).join('\n')}\n`);
  process.exit(0);
}
const unknown = selected.filter((name) => !(name in variants));
if (unknown.length > 0) {
  process.stderr.write(`unknown variant(s): ${unknown.join(', ')}\n`);
  process.exit(2);
}
const environment = await createAgentTestEnvironment();
try {
  for (const name of selected.length > 0 ? selected : Object.keys(variants)) {
    const outcome = await observe(environment, name, variants[name]);
    process.stdout.write(`${name}: ${outcome} → ${join(outputRoot, name)}\n`);
  }
} finally {
  await environment.close();
}
