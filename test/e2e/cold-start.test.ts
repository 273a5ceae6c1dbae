/**
 * What a start of the built CLI loads and does: `--help` and `--version` answer without a
 * transport (and without a valid configuration); a stdio start, through `initialize` and
 * `tools/list`, loads none of the modules only `--http` needs, none of those a tool call loads
 * on first use, and starts no process.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  builtCliPath,
  createAgentTestEnvironment,
  repositoryRoot,
  type AgentTestEnvironment,
} from '../support/stdio-server-harness.js';

const packageVersion = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  }
).version;

// Modules a stdio start must not load: they are loaded with import() when --http asks.
const loadedOnlyForHttp = [
  /\/dist\/serve-http\.js$/,
  /\/dist\/server\/transports\/http\.js$/,
  /\/@modelcontextprotocol\/sdk\/dist\/esm\/server\/streamableHttp\.js$/,
  /\/node_modules\/@hono\//,
  /\/node_modules\/hono\//,
  /\/node_modules\/@modelcontextprotocol\/node\//,
];

// Modules a stdio start must not load either: the tools load them with import() on their
// first call (the tool schemas, needed for tools/list, stay at start).
const loadedOnlyOnFirstUse = [
  /\/dist\/runs\/(loaded-run-service|execute-run|concurrency-limiter|session-lock)\.js$/,
  /\/dist\/runs\/(resolve-cwd|nesting-depth|model-honesty|run-outcome)\.js$/,
  /\/dist\/server\/tools\/(run-with-progress|run-tool-result)\.js$/,
  /\/dist\/server\/progress\//,
  /\/dist\/providers\/probe-provider\.js$/,
  // The orphan guard's machinery: only its setting loads at start.
  /\/dist\/process\/orphan-guard\/(?!orphan-guard-setting\.js$)/,
  /\/dist\/process\/(spawn-agent-process|process-descendants|terminate-process-tree)\.js$/,
  // Providers' implementations: only their definitions (for the configuration) load at start,
  // and the zod schema of `acpAgents` (the ACP client and its SDK load on first use).
  /\/dist\/providers\/(?!kit\/)[a-z-]+\/(?![a-z-]+-definition\.js$)(?!acp-settings\.js$)/,
  /\/dist\/providers\/kit\/(?!provider-settings\.js$)/,
  /\/dist\/http\//,
  /\/node_modules\/(execa|undici|eventsource-parser|@agentclientprotocol\/sdk)\//,
];

let environment: AgentTestEnvironment;
let hookDirectory: string;
beforeAll(async () => {
  environment = await createAgentTestEnvironment();
  // A module loader hook that appends every URL the process loads to LOADED_MODULES_FILE.
  hookDirectory = mkdtempSync(join(tmpdir(), 'subagent-mcp-loaded-'));
  writeFileSync(
    join(hookDirectory, 'hooks.mjs'),
    `import { appendFileSync } from 'node:fs';
export async function load(url, context, nextLoad) {
  appendFileSync(process.env.LOADED_MODULES_FILE, url + '\\n');
  return nextLoad(url, context);
}
`,
  );
  writeFileSync(
    join(hookDirectory, 'register.mjs'),
    `import { register } from 'node:module';\nregister('./hooks.mjs', import.meta.url);\n`,
  );
});
afterAll(async () => {
  await environment?.close();
  if (hookDirectory) rmSync(hookDirectory, { recursive: true, force: true });
});

/**
 * The modules behind each loaded URL: dist/ is bundled (scripts/bundle-dist.mjs), so a file of
 * dist/ stands for the modules it holds, each named as its unbundled build would name it
 * (src/a/b.ts as dist/a/b.js, node_modules paths as they are).
 */
function modulesBehind(urls: string[]): string[] {
  const modulesOfFile = JSON.parse(
    readFileSync(join(repositoryRoot, 'build', 'dist-modules.json'), 'utf8'),
  ) as Record<string, string[]>;
  return urls.flatMap((url) => {
    if (!url.startsWith('file:')) return [url];
    const modules = modulesOfFile[relative(join(repositoryRoot, 'dist'), fileURLToPath(url))];
    if (modules === undefined) return [url];
    return modules.map((module) =>
      join(repositoryRoot, module.replace(/^src\/(.*)\.ts$/, 'dist/$1.js')),
    );
  });
}

/** Runs the CLI with stdin left open: it must exit by itself, having started no transport. */
async function runCli(args: string[], extraEnvironment: Record<string, string> = {}) {
  const child = spawn(process.execPath, [builtCliPath, ...args], {
    cwd: environment.root,
    env: { ...environment.environment, ...extraEnvironment },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const [exitCode] = (await once(child, 'exit')) as [number | null];
  return { exitCode, stdout, stderr };
}

describe('a start of the built CLI', () => {
  it('answers --version and --help whatever the configuration says, without a transport', async () => {
    const broken = { SUBAGENT_MCP_CONFIG: join(environment.root, 'missing.json') };
    expect(await runCli(['--version', '--max-depth', 'lots'], broken)).toEqual({
      exitCode: 0,
      stdout: `${packageVersion}\n`,
      stderr: '',
    });
    const help = await runCli(['--help'], broken);
    expect(help.exitCode).toBe(0);
    expect(help.stdout).toMatch(/^Usage: subagent-mcp/);
  });

  it('over stdio loads nothing only --http or a tool call needs and starts no process before a tool asks', async () => {
    const loadedModulesFile = join(hookDirectory, 'loaded-modules.txt');
    const server = await environment.startServer({
      environment: {
        NODE_OPTIONS: `--import=${join(hookDirectory, 'register.mjs')}`,
        LOADED_MODULES_FILE: loadedModulesFile,
      },
    });
    const { tools } = await server.client.listTools();
    expect(tools.map((tool) => tool.name).sort()).toEqual([
      'cancel_agent',
      'list_providers',
      'resume_agent',
      'run_agent',
      'wait_agent',
    ]);
    expect(environment.leftoverProcesses()).toEqual([]);
    await server.close();
    const loadedUrls = readFileSync(loadedModulesFile, 'utf8').split('\n');
    expect(loadedUrls).toContain(new URL(`file://${builtCliPath}`).href);
    const loaded = [...loadedUrls, ...modulesBehind(loadedUrls)];
    // The start did load the server: the check below looks at the right names.
    expect(loaded).toContain(join(repositoryRoot, 'dist/server/create-agent-server.js'));
    expect(loaded.filter((url) => loadedOnlyForHttp.some((pattern) => pattern.test(url)))).toEqual(
      [],
    );
    expect(
      loaded.filter((url) => loadedOnlyOnFirstUse.some((pattern) => pattern.test(url))),
    ).toEqual([]);
  });
});
