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
 * Interactive variants run `claude` without `-p` in a pseudo-terminal through
 * test/support/interactive-claude.ts (config seeded past onboarding, API-key approval and the
 * trust dialog), type the prompt once the server answered `tools/list`, and stop the CLI after
 * `seconds`.
 * Variants: node scripts/observe-claude-mcp.mjs --list
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  proxiedMcpConfig,
  startInteractiveClaude,
} from '../build/test/support/interactive-claude.js';
import {
  binaryPath,
  runParentProcess,
  serverLaunch,
} from '../build/test/support/parent-agent-harness.js';
import { callDirectives } from '../build/test/support/scripted-model-server/index.js';
import {
  createAgentTestEnvironment,
  repositoryRoot,
} from '../build/test/support/stdio-server-harness.js';

const probe = 'probe';
const ours = 'ours';
const tasksOff = { CLAUDE_CODE_DISABLE_MCP_TASKS: '1' };
const variants = {
  'ours-print': { server: ours, env: {} },
  'probe-print': { server: probe, env: {} },
  'probe-print-entrypoint-cli': { server: probe, env: { CLAUDE_CODE_ENTRYPOINT: 'cli' } },
  'probe-print-legacy': { server: probe, env: { MCP_PROTOCOL_NEGOTIATION: 'legacy' } },
  'probe-interactive': { server: probe, env: {}, seconds: 20 },
  'probe-interactive-tasks-off': { server: probe, env: tasksOff, seconds: 12 },
  'probe-interactive-no-background': {
    server: probe,
    env: { CLAUDE_CODE_DISABLE_MCP_TASK_BACKGROUND: '1' },
    seconds: 15,
  },
  'ours-interactive': { server: ours, env: {}, seconds: 20 },
};

const outputRoot = '/tmp/observe-claude-mcp';
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function observe(environment, name, variant) {
  const out = join(outputRoot, name);
  await rm(out, { recursive: true, force: true });
  const traffic = join(out, 'traffic.jsonl');
  const isOurs = variant.server === ours;
  const server = isOurs
    ? serverLaunch(environment)
    : {
        command: process.execPath,
        args: [join(repositoryRoot, 'scripts', 'tasks-probe-server.mjs')],
        env: environment.environment,
      };
  const serverName = isOurs ? 'subagents' : 'probe';
  const tool = isOurs ? 'run_agent' : 'slow_echo';
  const toolArguments = isOurs ? { prompt: 'child says mango' } : { text: 'hello task' };
  const allowedTools = [`mcp__${serverName}__${tool}`];
  const prompt = `Call the tool. ${callDirectives(tool, toolArguments)}`;
  if (variant.seconds !== undefined) {
    const claude = await startInteractiveClaude(environment, {
      directory: out,
      server,
      serverName,
      allowedTools,
      environment: variant.env,
      args: ['--debug'],
    });
    await claude.type(prompt);
    await sleep(variant.seconds * 1000);
    await writeFile(join(out, 'screen.txt'), claude.screen());
    const forced = await claude.stop();
    return forced.length === 0 ? 'stopped' : `stopped, killed ${forced.length} left over`;
  }
  const configDirectory = join(out, 'claude-config');
  await mkdir(configDirectory, { recursive: true });
  const mcpConfig = join(out, 'mcp.json');
  await writeFile(mcpConfig, JSON.stringify(proxiedMcpConfig(serverName, server, traffic)));
  const run = await runParentProcess({
    command: binaryPath('claude'),
    args: [
      '-p',
      '--output-format',
      'stream-json',
      '--verbose',
      '--debug',
      '--mcp-config',
      mcpConfig,
      `--allowedTools=${allowedTools.join(',')}`,
      '--model',
      'mock-model',
      '--',
      prompt,
    ],
    env: {
      ...environment.environment,
      CLAUDE_CONFIG_DIR: configDirectory,
      ENABLE_TOOL_SEARCH: 'false',
      ...variant.env,
    },
    cwd: environment.root,
  });
  await writeFile(join(out, 'stdout.jsonl'), run.stdout);
  await writeFile(join(out, 'stderr.txt'), run.stderr);
  return `exit ${run.exitCode}`;
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
