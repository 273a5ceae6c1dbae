/**
 * Real agent CLIs as PARENTS of our server: each parent (Claude Code, opencode, Codex) launches
 * the built server (`dist/cli.js`) as a stdio MCP server from its own MCP configuration and
 * calls `run_agent` when the scripted model tells it to (`[[mock:call=…]] [[mock:args=…]]`).
 *
 * The parent gets its own config directory (CLAUDE_CONFIG_DIR, opencode XDG dirs, CODEX_HOME)
 * next to the children's, so the two levels never share sessions or locks. The server gets the
 * harness environment explicitly (the children's isolated dirs, the model URL, the marker), so
 * nothing depends on what a parent forwards of its own environment. Every process started here
 * carries the harness marker, so leftoverProcesses() sees the whole tree.
 */
import { spawn } from 'node:child_process';
import { mkdir, writeFile, appendFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { createCodexHome } from './codex-home.js';
import { createOpencodeEnvironment } from './opencode-environment.js';
import { builtCliPath, repositoryRoot, type AgentTestEnvironment } from './stdio-server-harness.js';

/** A CLI installed as a dev dependency (`node_modules/.bin/<name>`). */
export function binaryPath(name: 'claude' | 'codex' | 'opencode'): string {
  return join(repositoryRoot, 'node_modules', '.bin', name);
}

export interface ServerLaunch {
  command: string;
  args: string[];
  env: Record<string, string>;
}

export interface ServerLaunchOptions {
  /** Extra arguments for our server, e.g. `['--max-depth', '1']`. */
  args?: string[];
  /** Extra (or overriding) variables for our server, e.g. `{ SUBAGENT_MCP_DEPTH: '1' }`. */
  environment?: Record<string, string>;
}

/** How a parent launches our server: `node dist/cli.js --allowed-root … --state-dir …`. */
export function serverLaunch(
  environment: AgentTestEnvironment,
  options: ServerLaunchOptions = {},
): ServerLaunch {
  return {
    command: process.execPath,
    args: [
      builtCliPath,
      '--allowed-root',
      environment.root,
      '--state-dir',
      environment.stateDir,
      ...(options.args ?? []),
    ],
    env: { ...environment.environment, ...options.environment },
  };
}

export interface ParentRun {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** stdout parsed line by line; lines that are not JSON are skipped. */
  events: Record<string, unknown>[];
}

/**
 * Runs a parent CLI to completion (stdin: the given text, or ignored) and resolves once it has
 * exited. On timeout it kills that process (by pid) and rejects.
 */
export function runParentProcess(options: {
  command: string;
  args: string[];
  env: Record<string, string>;
  cwd: string;
  stdin?: string;
  timeoutMs?: number;
}): Promise<ParentRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(options.command, options.args, {
      cwd: options.cwd,
      env: options.env,
      stdio: [options.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    if (options.stdin !== undefined) child.stdin?.end(options.stdin);
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(
          `${options.command} did not finish in time.\nstdout:\n${stdout.slice(-4000)}\nstderr:\n${stderr.slice(-4000)}`,
        ),
      );
    }, options.timeoutMs ?? 150_000);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (exitCode, signal) => {
      clearTimeout(timer);
      resolve({ exitCode, signal, stdout, stderr, events: parseJsonLines(stdout) });
    });
  });
}

/** A string field of a parsed JSON event, or an empty string. */
export function stringField(record: Record<string, unknown> | undefined, key: string): string {
  const value = record?.[key];
  return typeof value === 'string' ? value : '';
}

function parseJsonLines(text: string): Record<string, unknown>[] {
  return text.split('\n').flatMap((line) => {
    try {
      const value: unknown = JSON.parse(line);
      return isRecord(value) ? [value] : [];
    } catch {
      return [];
    }
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A directory for the parent's own state, beside the harness's directories. */
function parentDirectory(environment: AgentTestEnvironment, name: string): string {
  return join(dirname(environment.root), name);
}

/** The Claude Code MCP config file: `{"mcpServers":{"subagents":{"type":"stdio",…}}}`. */
export function claudeMcpConfig(launch: ServerLaunch): Record<string, unknown> {
  return {
    mcpServers: {
      subagents: { type: 'stdio', command: launch.command, args: launch.args, env: launch.env },
    },
  };
}

/**
 * `claude -p --output-format stream-json --verbose --mcp-config <file>
 * --allowedTools=mcp__subagents__run_agent --model mock-model -- <prompt>`, with its own
 * CLAUDE_CONFIG_DIR and ENABLE_TOOL_SEARCH=false.
 */
export async function runClaudeParent(
  environment: AgentTestEnvironment,
  prompt: string,
  options: ServerLaunchOptions & {
    mcpConfig?: Record<string, unknown>;
    /** The tools it may call unasked; default only mcp__subagents__run_agent. */
    allowedTools?: string[];
  } = {},
): Promise<ParentRun & { configFile: string }> {
  const configDirectory = parentDirectory(environment, 'parent-claude-config');
  await mkdir(configDirectory, { recursive: true });
  const configFile = join(parentDirectory(environment, 'parent-claude-config'), 'mcp.json');
  const mcpConfig = options.mcpConfig ?? claudeMcpConfig(serverLaunch(environment, options));
  await writeFile(configFile, JSON.stringify(mcpConfig));
  const run = await runParentProcess({
    command: binaryPath('claude'),
    args: [
      '-p',
      '--output-format',
      'stream-json',
      '--verbose',
      '--mcp-config',
      configFile,
      `--allowedTools=${(options.allowedTools ?? ['mcp__subagents__run_agent']).join(',')}`,
      '--model',
      'mock-model',
      '--',
      prompt,
    ],
    // Claude Code defers MCP tools behind ToolSearch by default (the model sees only
    // `ToolSearch` and a placeholder); with tool search off it offers mcp__subagents__run_agent.
    env: {
      ...environment.environment,
      CLAUDE_CONFIG_DIR: configDirectory,
      ENABLE_TOOL_SEARCH: 'false',
    },
    cwd: environment.root,
  });
  return { ...run, configFile };
}

/** The `mcp` entry added to the parent opencode's OPENCODE_CONFIG_CONTENT. */
export function opencodeMcpConfig(launch: ServerLaunch): Record<string, unknown> {
  return {
    mcp: {
      subagents: {
        type: 'local',
        command: [launch.command, ...launch.args],
        environment: launch.env,
        enabled: true,
      },
    },
    experimental: { mcp_timeout: 120_000 },
  };
}

/** `opencode run --format json --dir <root>` with the prompt on stdin and its own XDG dirs. */
export async function runOpencodeParent(
  environment: AgentTestEnvironment,
  prompt: string,
  options: ServerLaunchOptions = {},
): Promise<ParentRun & { config: Record<string, unknown> }> {
  const parent = await createOpencodeEnvironment({
    directory: parentDirectory(environment, 'parent-opencode'),
    modelServerUrl: environment.model.url,
  });
  const config = { ...parent.config, ...opencodeMcpConfig(serverLaunch(environment, options)) };
  const run = await runParentProcess({
    command: binaryPath('opencode'),
    args: ['run', '--format', 'json', '--dir', environment.root],
    env: {
      ...environment.environment,
      ...parent.environment,
      OPENCODE_CONFIG_CONTENT: JSON.stringify(config),
      PWD: environment.root,
    },
    cwd: environment.root,
    stdin: prompt,
  });
  return { ...run, config };
}

/** The section appended to the parent's config.toml. */
export function codexMcpConfig(launch: ServerLaunch): string {
  const env = Object.entries(launch.env)
    .map(([key, value]) => `${JSON.stringify(key)} = ${JSON.stringify(value)}`)
    .join(', ');
  return [
    '',
    '[mcp_servers.subagents]',
    `command = ${JSON.stringify(launch.command)}`,
    `args = ${JSON.stringify(launch.args)}`,
    `env = { ${env} }`,
    'startup_timeout_sec = 30',
    'tool_timeout_sec = 120',
    // codex exec runs with approval policy never, which fails MCP calls that need approval.
    'default_tools_approval_mode = "approve"',
    '',
  ].join('\n');
}

/**
 * `codex exec --json --skip-git-repo-check -s workspace-write <prompt>` (stdin ignored) with its
 * own CODEX_HOME whose config.toml has `[mcp_servers.subagents]`.
 */
export async function runCodexParent(
  environment: AgentTestEnvironment,
  prompt: string,
  options: ServerLaunchOptions & { extraConfig?: string } = {},
): Promise<ParentRun & { configFile: string }> {
  const home = await createCodexHome({
    directory: parentDirectory(environment, 'parent-codex-home'),
    modelServerUrl: environment.model.url,
  });
  await appendFile(
    home.configFile,
    `${options.extraConfig ?? ''}${codexMcpConfig(serverLaunch(environment, options))}`,
  );
  const run = await runParentProcess({
    command: binaryPath('codex'),
    args: ['exec', '--json', '--skip-git-repo-check', '-s', 'workspace-write', prompt],
    env: { ...environment.environment, ...home.environment },
    cwd: environment.root,
  });
  return { ...run, configFile: home.configFile };
}

/** Waits until no process with the harness marker is left (the parent's tree winds down). */
export async function waitForNoLeftovers(
  environment: AgentTestEnvironment,
  timeoutMs = 15_000,
): Promise<ReturnType<AgentTestEnvironment['leftoverProcesses']>> {
  const deadline = Date.now() + timeoutMs;
  let left = environment.leftoverProcesses();
  while (left.length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    left = environment.leftoverProcesses();
  }
  return left;
}
