// Offline delegation demo: a scripted model server on 127.0.0.1 stands in for the Anthropic
// API, the built subagent-mcp server runs over stdio, and an MCP SDK client calls run_agent on
// the real Claude Code CLI, printing live progress and the result, then resumes the session.
//
//   npm ci && npm run demo
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';

const repository = join(dirname(fileURLToPath(import.meta.url)), '..');
const { startScriptedModelServer } = await import(
  join(repository, 'build/test/support/scripted-model-server/index.js')
);

const base = await mkdtemp(join(tmpdir(), 'subagent-mcp-demo-'));
const workspace = join(base, 'workspace');
await Promise.all(
  ['workspace', 'claude-config', 'home', 'state'].map((name) => mkdir(join(base, name))),
);
const model = await startScriptedModelServer();
console.log(`scripted model server: ${model.url}`);
console.log(`workspace: ${workspace}\n`);

const transport = new StdioClientTransport({
  command: process.execPath,
  args: [
    join(repository, 'dist/cli.js'),
    '--allowed-root',
    workspace,
    '--state-dir',
    join(base, 'state'),
  ],
  cwd: workspace,
  stderr: 'inherit',
  env: {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: join(base, 'home'),
    CLAUDE_CONFIG_DIR: join(base, 'claude-config'),
    ANTHROPIC_BASE_URL: model.url,
    ANTHROPIC_API_KEY: 'offline-demo',
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    DISABLE_AUTOUPDATER: '1',
  },
});
const client = new Client({ name: 'subagent-mcp-demo', version: '1.0.0' });

const callWithProgress = async (name, args) => {
  console.log(`→ ${name} ${JSON.stringify(args)}`);
  const result = await client.callTool({ name, arguments: args }, undefined, {
    timeout: 120_000,
    resetTimeoutOnProgress: true,
    onprogress: (progress) => console.log(`  [${progress.progress}] ${progress.message}`),
  });
  console.log(`← ${result.isError ? 'error' : 'result'}:`);
  console.log(JSON.stringify(result.structuredContent, null, 2).replace(/^/gm, '  '));
  console.log();
  return result.structuredContent;
};

try {
  await client.connect(transport);
  const providers = await client.callTool({ name: 'list_providers', arguments: {} });
  console.log(`${providers.content[0].text}\n`);
  const first = await callWithProgress('run_agent', {
    provider: 'claude-code',
    prompt: 'Check the greeting command works [[mock:tool]]',
    model: 'mock-model',
  });
  await callWithProgress('resume_agent', {
    session_id: first.session_id,
    prompt: 'What did you do so far? [[mock:recall]]',
  });
} finally {
  await client.close();
  await model.close();
  await rm(base, { recursive: true, force: true });
}
