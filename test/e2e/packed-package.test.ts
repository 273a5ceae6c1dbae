/**
 * The published artifact, used as a user uses it: `npm pack`, installed into a fresh project
 * offline, then its bin answering `--help`/`--version`, started over stdio by the README's
 * `npx -y subagent-mcp` and completing a run on the real `claude`, imported as a library, and
 * typechecked against.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join, relative } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { findClaudeCodeBinary } from '../../src/providers/claude-code/claude-code-binary.js';
import {
  installTarballOffline,
  packRepository,
  type PackedTarball,
} from '../support/packed-package.js';
import {
  callToolWithProgress,
  createAgentTestEnvironment,
  repositoryRoot,
  type AgentTestEnvironment,
} from '../support/stdio-server-harness.js';

const run = promisify(execFile);
const { version } = JSON.parse(readFileSync(join(repositoryRoot, 'package.json'), 'utf8')) as {
  version: string;
};

let environment: AgentTestEnvironment;
let base: string;
let project: string;
let tarball: PackedTarball;

beforeAll(async () => {
  environment = await createAgentTestEnvironment();
  base = await mkdtemp(join(tmpdir(), 'subagent-mcp-packed-'));
  project = join(base, 'project');
  await mkdir(project);
  tarball = await packRepository(project);
  await installTarballOffline(project, tarball.filename);
}, 180_000);
afterAll(async () => {
  await environment?.close();
  if (base !== undefined) await rm(base, { recursive: true, force: true });
});

/**
 * A user's PATH: `claude` installed globally, no checkout on it. The installed package has no
 * Claude Code beside it, so it must find `claude` on PATH, the way it does for a user; the
 * repository's `claude` is linked into a directory of its own for that (SUBAGENT_MCP_CLAUDE_BIN
 * would skip that discovery). The repository's directories (`npm test` puts its
 * node_modules/.bin first) are removed.
 */
async function userPath(): Promise<string> {
  const claude = findClaudeCodeBinary({ environment: process.env });
  if (claude === undefined) throw new Error('No claude in the repository: run npm ci.');
  const directory = join(base, 'global-bin');
  await mkdir(directory, { recursive: true });
  await symlink(claude, join(directory, 'claude'));
  const others = (process.env.PATH ?? '')
    .split(delimiter)
    .filter((entry) => entry !== '' && relative(repositoryRoot, entry).startsWith('..'));
  return [directory, ...others].join(delimiter);
}

describe('the packed package', () => {
  it('holds the runtime only: compiled JavaScript and its types, no tests, fixtures or maps', () => {
    expect(tarball.files).toEqual(
      expect.arrayContaining(['package.json', 'dist/cli.js', 'dist/index.js', 'dist/index.d.ts']),
    );
    const unexpected = tarball.files.filter(
      (path) => !/^(package\.json|README\.md|LICENSE|dist\/.+\.(js|d\.ts))$/.test(path),
    );
    expect(unexpected).toEqual([]);
    const testFiles = tarball.files.filter((path) =>
      /(^|\/)(test|__fixtures__|__snapshots__)\/|\.test\.|scripted-model/.test(path),
    );
    expect(testFiles).toEqual([]);
  });

  it('installs a subagent-mcp bin that answers --version and --help on stdout and exits', async () => {
    const bin = join(project, 'node_modules', '.bin', 'subagent-mcp');
    // stdin stays open: a bin that started a transport would not exit, and the call time out.
    const options = { cwd: project, env: environment.environment, timeout: 15_000 };
    const versionCall = await run(bin, ['--version'], options);
    expect(versionCall).toEqual({ stdout: `${version}\n`, stderr: '' });
    const help = await run(bin, ['--help'], options);
    expect(help.stdout).toMatch(/^Usage: subagent-mcp/);
    expect(help.stderr).toBe('');
  });

  it('starts through `npx -y subagent-mcp` from the project and completes a run on claude', async () => {
    const server = await environment.startServer({
      commandLine: { command: 'npx', args: ['-y', 'subagent-mcp'], cwd: project },
      environment: { PATH: await userPath() },
    });
    expect(server.client.getServerVersion()).toMatchObject({ name: 'subagent-mcp', version });
    // npx's children: the installed bin, nothing from the checkout.
    const commands = environment.leftoverProcesses().map((process) => process.command);
    expect(commands).toContainEqual(expect.stringContaining(join(project, 'node_modules')));
    expect(commands.filter((command) => command.includes(repositoryRoot))).toEqual([]);

    const { tools } = await server.client.listTools();
    expect(tools.map((tool) => tool.name).sort()).toEqual([
      'cancel_agent',
      'list_providers',
      'resume_agent',
      'run_agent',
      'wait_agent',
    ]);
    const list = await server.client.callTool({ name: 'list_providers', arguments: {} });
    const providers = (list.structuredContent as { providers: Array<Record<string, unknown>> })
      .providers;
    expect(providers.find((provider) => provider.id === 'claude-code')).toMatchObject({
      available: true,
      auth: 'ok',
    });
    const { structured, progress } = await callToolWithProgress(server, 'run_agent', {
      prompt: 'Say hello',
      model: 'mock-model',
    });
    expect(structured).toMatchObject({
      status: 'completed',
      text: 'Echo: Say hello',
      provider: 'claude-code',
    });
    expect(progress.sequence()).toContain('run-end');

    await server.close();
    await vi.waitFor(() => expect(environment.leftoverProcesses()).toEqual([]), {
      timeout: 10_000,
    });
  });

  it('imports as a library exposing the server factory, every provider, schemas and errors', async () => {
    const script = `
import * as library from 'subagent-mcp';
const providers = [library.createClaudeCodeProvider(), library.createCodexProvider(), library.createOpencodeProvider()];
const error = new library.AgentError('timed_out', 'late');
const event = library.agentEventSchema.parse({ type: 'warning', message: 'careful' });
console.log(JSON.stringify({
  factories: ['createAgentServer', 'createRunService', 'createSessionStore', 'createProviderRegistry', 'loadConfig']
    .filter((name) => typeof library[name] !== 'function'),
  providers: providers.map((provider) => provider.id),
  error: [error instanceof Error, error.code],
  event,
}));
await Promise.all(providers.map((provider) => provider.dispose?.()));
`;
    await writeFile(join(project, 'consumer.mjs'), script);
    const { stdout } = await run(process.execPath, ['consumer.mjs'], { cwd: project });
    expect(JSON.parse(stdout)).toEqual({
      factories: [],
      providers: ['claude-code', 'codex', 'opencode'],
      error: [true, 'timed_out'],
      event: { type: 'warning', message: 'careful' },
    });
  });

  it('has types: a TypeScript file importing it typechecks under NodeNext resolution', async () => {
    const source = `
import {
  AgentError,
  agentEventSchema,
  createAgentServer,
  createClaudeCodeProvider,
  createCodexProvider,
  createOpencodeProvider,
  createProviderRegistry,
  createRunService,
  createSessionStore,
  type AgentErrorCode,
  type AgentEvent,
  type AgentServerDependencies,
} from 'subagent-mcp';

const registry = createProviderRegistry([createClaudeCodeProvider(), createCodexProvider(), createOpencodeProvider()]);
const build = (config: AgentServerDependencies['config']) => {
  const sessions = createSessionStore('/tmp/state');
  const runs = createRunService({ config, registry, sessions, environment: {} });
  return createAgentServer({ config, registry, runs, sessions });
};
const event: AgentEvent = agentEventSchema.parse({ type: 'warning', message: 'careful' });
const code: AgentErrorCode = new AgentError('timed_out', 'late').code;
// @ts-expect-error: the error codes are a closed union, not a string or any.
const notACode: AgentErrorCode = 'no-such-code';
export { build, event, code, notACode };
`;
    const tsconfig = {
      compilerOptions: {
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        target: 'ES2023',
        strict: true,
        noEmit: true,
        types: [],
        // As most projects (and ours) do: this checks the file's use of our declarations;
        // checking zod's and the SDK's own .d.ts as well would cost ~17 s more.
        skipLibCheck: true,
      },
      files: ['consumer.ts'],
    };
    await writeFile(join(project, 'consumer.ts'), source);
    await writeFile(join(project, 'tsconfig.json'), JSON.stringify(tsconfig));
    const tsc = join(repositoryRoot, 'node_modules', 'typescript', 'bin', 'tsc');
    const check = await run(process.execPath, [tsc, '-p', 'tsconfig.json'], {
      cwd: project,
    }).catch((error: { stdout: string }) => ({ stdout: error.stdout, failed: true }));
    expect(check).toEqual({ stdout: '', stderr: '' });
  });
});
