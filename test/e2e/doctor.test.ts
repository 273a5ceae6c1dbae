/**
 * `subagent-mcp doctor` as a user runs it: the built bin as a process, the real agent CLIs from
 * node_modules (or an installation without them), and the exit code a script would read.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { cpSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DoctorReport } from '../../src/doctor/index.js';
import {
  builtCliPath,
  createAgentTestEnvironment,
  repositoryRoot,
  type AgentTestEnvironment,
} from '../support/stdio-server-harness.js';

let environment: AgentTestEnvironment;
let scratch: string;
beforeAll(async () => {
  environment = await createAgentTestEnvironment();
  // Beside the isolated HOME, so close() removes it.
  scratch = join(environment.environment.HOME!, 'doctor');
  mkdirSync(scratch, { recursive: true });
});
afterAll(async () => {
  await environment?.close();
});

interface DoctorOutcome {
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

async function runDoctor(
  args: string[],
  options: { environment?: Record<string, string>; cli?: string } = {},
): Promise<DoctorOutcome> {
  const child = spawn(
    process.execPath,
    [
      options.cli ?? builtCliPath,
      'doctor',
      '--allowed-root',
      environment.root,
      '--state-dir',
      environment.stateDir,
      ...args,
    ],
    { cwd: environment.root, env: options.environment ?? environment.environment },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const [exitCode] = (await once(child, 'close')) as [number | null];
  return { exitCode, stdout, stderr };
}

const installedVersion = (packageName: string): string =>
  (
    JSON.parse(
      readFileSync(join(repositoryRoot, 'node_modules', packageName, 'package.json'), 'utf8'),
    ) as { version: string }
  ).version;

/**
 * The package installed where no agent CLI is: a copy of dist/ and package.json, with every
 * dependency of the checkout but the agent CLIs and their platform packages.
 */
function installWithoutAgentClis(): string {
  const install = join(scratch, 'install-without-agents');
  cpSync(join(repositoryRoot, 'dist'), join(install, 'dist'), { recursive: true });
  cpSync(join(repositoryRoot, 'package.json'), join(install, 'package.json'));
  const agentPackages = (name: string) =>
    ['.bin', '@anthropic-ai', '@openai', '@google'].includes(name) || name.startsWith('opencode');
  mkdirSync(join(install, 'node_modules'));
  for (const name of readdirSync(join(repositoryRoot, 'node_modules'))) {
    if (agentPackages(name) || name === '@agentclientprotocol') continue;
    symlinkSync(join(repositoryRoot, 'node_modules', name), join(install, 'node_modules', name));
  }
  // The ACP SDK is ours; the ACP agent adapters beside it are agents.
  mkdirSync(join(install, 'node_modules', '@agentclientprotocol'));
  symlinkSync(
    join(repositoryRoot, 'node_modules', '@agentclientprotocol', 'sdk'),
    join(install, 'node_modules', '@agentclientprotocol', 'sdk'),
  );
  return join(install, 'dist', 'cli.js');
}

describe('subagent-mcp doctor', () => {
  it('reports a ready default provider with its version, where it was found, and exits 0', async () => {
    const { exitCode, stdout, stderr } = await runDoctor([]);
    expect(stderr).toBe('');
    expect(exitCode).toBe(0);
    const lines = stdout.split('\n');
    expect(lines).toContain('claude-code (default)  Claude Code: ready');
    expect(lines).toContain(`  version  ${installedVersion('@anthropic-ai/claude-code')}`);
    expect(lines).toContain('  auth     ok');
    expect(lines).toContain('  looked   providers.claude-code.binary: unset');
    expect(stdout).toMatch(
      /^ {11}platform package @anthropic-ai\/claude-code-[\w-]+: found \/.*\/claude$/m,
    );
    expect(lines).toContain(`state dir      ${environment.stateDir}`);
    expect(lines).toContain(`allowed roots  ${environment.root}`);
    expect(lines).toContain('nesting depth  0 (SUBAGENT_MCP_DEPTH), maxDepth 2: runs allowed');
    expect(lines.at(-2)).toBe('OK: runs on the default provider claude-code can start.');
    // The probes' short-lived agent servers (codex app-server, opencode serve) are gone.
    expect(environment.leftoverProcesses()).toEqual([]);
  });

  it('prints the same facts as JSON with stable snake_case fields for scripts', async () => {
    const { exitCode, stdout } = await runDoctor(['--json', '--provider', 'codex']);
    expect(exitCode).toBe(0);
    const report = JSON.parse(stdout) as DoctorReport;
    expect(Object.keys(report).sort()).toEqual([
      'allowed_roots',
      'config_file',
      'default_provider',
      'depth',
      'ok',
      'problems',
      'providers',
      'state_dir',
      'version',
    ]);
    expect(report).toMatchObject({
      ok: true,
      problems: [],
      default_provider: 'codex',
      config_file: null,
      state_dir: { path: environment.stateDir, writable: true },
      allowed_roots: [{ path: environment.root, exists: true }],
      depth: { variable: 'SUBAGENT_MCP_DEPTH', current: 0, max: 2, refuses_runs: false },
    });
    expect(report.providers.map((provider) => provider.id)).toEqual([
      'claude-code',
      'codex',
      'opencode',
      'gemini',
      // The ACP presets whose command is installed (all four are devDependencies).
      'acp:gemini',
      'acp:opencode',
      'acp:claude',
      'acp:codex',
    ]);
    const codex = report.providers[1]!;
    expect(Object.keys(codex).sort()).toEqual([
      'auth',
      'binary_path',
      'can_run',
      'found',
      'id',
      'is_default',
      'name',
      'next_step',
      'searched',
      'status',
      'version',
    ]);
    expect(codex).toMatchObject({
      is_default: true,
      status: 'ready',
      can_run: true,
      found: true,
      version: installedVersion('@openai/codex'),
      auth: 'ok',
      next_step: null,
    });
    expect(codex.searched.slice(0, 3)).toEqual([
      'providers.codex.binary: unset',
      '$SUBAGENT_MCP_CODEX_BIN: unset',
      '$CODEX_BIN: unset',
    ]);
    expect(codex.searched.at(-1)).toBe(
      `platform package @openai/codex-${process.platform}-${process.arch}: found ${codex.binary_path}`,
    );
  });

  it('names the login to do for providers without credentials, and exits 1 when the default has none', async () => {
    const emptyCodexHome = join(scratch, 'empty-codex-home');
    mkdirSync(emptyCodexHome, { recursive: true });
    const { ANTHROPIC_API_KEY: _key, ...withoutKey } = environment.environment;
    const { exitCode, stdout } = await runDoctor(['--provider', 'codex'], {
      environment: { ...withoutKey, CODEX_HOME: emptyCodexHome },
    });
    expect(exitCode).toBe(1);
    const lines = stdout.split('\n');
    expect(lines).toContain('codex (default)  Codex: found, not logged in');
    expect(lines).toContain(
      '  next     Log in with `codex login` (ChatGPT or API key), or set a model_provider in ~/.codex/config.toml',
    );
    expect(lines).toContain('claude-code  Claude Code: found, not logged in');
    expect(lines).toContain('  next     Log in with `claude` (/login) or set ANTHROPIC_API_KEY');
    expect(lines.slice(-3)).toEqual([
      'Not OK:',
      '- The default provider codex cannot run: Log in with `codex login` (ChatGPT or API key), or set a model_provider in ~/.codex/config.toml',
      '',
    ]);
  });

  it('says where it looked for a CLI that is not installed and how to install it, and exits 1', async () => {
    const cli = installWithoutAgentClis();
    const emptyPath = join(scratch, 'empty-path');
    mkdirSync(emptyPath, { recursive: true });
    const { exitCode, stdout } = await runDoctor(['--json'], {
      cli,
      environment: { ...environment.environment, PATH: emptyPath },
    });
    expect(exitCode).toBe(1);
    const report = JSON.parse(stdout) as DoctorReport;
    const claude = report.providers[0]!;
    expect(claude).toMatchObject({
      id: 'claude-code',
      is_default: true,
      status: 'not_found',
      can_run: false,
      found: false,
      binary_path: null,
      version: null,
      next_step:
        'Install Claude Code: npm i -g @anthropic-ai/claude-code (or set providers.claude-code.binary)',
    });
    expect(claude.searched).toEqual([
      'providers.claude-code.binary: unset',
      '$SUBAGENT_MCP_CLAUDE_BIN: unset',
      '$CLAUDE_BIN: unset',
      expect.stringMatching(/^platform package @anthropic-ai\/claude-code-[\w-]+: not installed$/),
      'claude on PATH: not found',
    ]);
    // The ACP presets are listed, and not found: none of their commands is installed.
    expect(report.providers.map((provider) => provider.id)).toEqual([
      'claude-code',
      'codex',
      'opencode',
      'gemini',
      'acp:gemini',
      'acp:opencode',
      'acp:claude',
      'acp:codex',
    ]);
    expect(report.providers.map((provider) => provider.status)).toEqual([
      'not_found',
      'not_found',
      'not_found',
      'not_found',
      'not_found',
      'not_found',
      'not_found',
      'not_found',
    ]);
    expect(report.providers.slice(4).map((provider) => provider.next_step)).toEqual([
      'Install Gemini CLI: npm i -g @google/gemini-cli',
      'Install opencode: npm i -g opencode-ai',
      'Install the Claude ACP adapter: npm i -g @agentclientprotocol/claude-agent-acp',
      'Install the Codex ACP adapter: npm i -g @agentclientprotocol/codex-acp',
    ]);
    expect(report.providers[3]?.searched).toEqual([
      'providers.gemini.binary: unset',
      '$SUBAGENT_MCP_GEMINI_BIN: unset',
      '$GEMINI_BIN: unset',
      'npm package @google/gemini-cli: not installed',
      'gemini on PATH: not found',
    ]);
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual([
      'The default provider claude-code cannot run: Install Claude Code: npm i -g @anthropic-ai/claude-code (or set providers.claude-code.binary)',
    ]);
  });

  it('shows that the nesting depth refuses runs, and exits 1', async () => {
    const { exitCode, stdout } = await runDoctor([], {
      environment: { ...environment.environment, SUBAGENT_MCP_DEPTH: '2' },
    });
    expect(exitCode).toBe(1);
    const lines = stdout.split('\n');
    expect(lines).toContain('claude-code (default)  Claude Code: ready');
    expect(lines).toContain('nesting depth  2 (SUBAGENT_MCP_DEPTH), maxDepth 2: runs are refused');
    expect(lines).toContain(
      '- Runs are refused at nesting depth 2 (SUBAGENT_MCP_DEPTH) with maxDepth 2: unset SUBAGENT_MCP_DEPTH outside a sub-agent, or raise --max-depth / SUBAGENT_MCP_MAX_DEPTH.',
    );
  });

  it('exits 2 naming the config file it cannot read, before probing anything', async () => {
    const missing = join(scratch, 'no-such-config.json');
    const { exitCode, stdout, stderr } = await runDoctor(['--config', missing]);
    expect(exitCode).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.trim().split('\n')).toEqual([
      expect.stringMatching(
        new RegExp(`^subagent-mcp: Cannot read config file ${missing}: ENOENT`),
      ),
    ]);
  });

  it('exits 2 naming the invalid setting and where it came from', async () => {
    const configFile = join(scratch, 'bad-config.json');
    writeFileSync(configFile, JSON.stringify({ maxDepth: -1 }));
    const fromFile = await runDoctor(['--json', '--config', configFile]);
    expect(fromFile.exitCode).toBe(2);
    expect(fromFile.stdout).toBe('');
    expect(fromFile.stderr).toMatch(
      new RegExp(
        `^subagent-mcp: Invalid configuration — maxDepth: .*\\(from config file ${configFile}\\)\\n$`,
      ),
    );
    const unknownProvider = await runDoctor(['--provider', 'nope']);
    expect(unknownProvider.exitCode).toBe(2);
    expect(unknownProvider.stderr).toBe(
      'subagent-mcp: defaultProvider: unknown provider "nope" (known: claude-code, codex, opencode, gemini, acp:gemini, acp:opencode, acp:claude, acp:codex)\n',
    );
  });

  it('is listed in --help', async () => {
    const child = spawn(process.execPath, [builtCliPath, '--help']);
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const [exitCode] = (await once(child, 'close')) as [number | null];
    expect(exitCode).toBe(0);
    expect(stdout).toContain('subagent-mcp doctor [--json] [options]');
  });
});
