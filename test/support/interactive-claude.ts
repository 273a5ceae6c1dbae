/**
 * The real `claude` INTERACTIVE, its terminal UI: the only mode in which Claude Code 2.1.332
 * offers the MCP Tasks extension (docs/clients.md). It runs in a pseudo-terminal made by
 * `script`, with its own CLAUDE_CONFIG_DIR seeded past onboarding, API-key approval and the
 * trust dialog, and an MCP config whose one server runs behind scripts/mcp-traffic-proxy.mjs,
 * so a test reads every JSON-RPC line both ways. A test types prompts, waits for traffic lines,
 * screen text or model requests, and stops it; stop() ends the terminal's whole session.
 *
 * Everything started here carries the harness marker (it is in the environment), so
 * waitForNoLeftovers() afterwards also sees what the MCP server started (child agents).
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { binaryPath, type ServerLaunch } from './parent-agent-harness.js';
import {
  findProcessesInSession,
  findSessionLeaderChild,
  isRunning,
  type MarkedProcess,
} from './process-probe.js';
import { repositoryRoot, type AgentTestEnvironment } from './stdio-server-harness.js';

export type TrafficDirection = 'client->server' | 'server->client' | 'proxy';

/** One line the traffic proxy wrote: a JSON-RPC message and when it passed. */
export interface TrafficLine {
  /** `Date.parse` of the proxy's timestamp (same clock as the model server's `receivedAt`). */
  at: number;
  direction: TrafficDirection;
  message: Record<string, unknown>;
}

export interface InteractiveClaudeOptions {
  /** Its config dir, MCP config, traffic log and terminal record go here. */
  directory: string;
  /** The MCP server, started through the traffic proxy. */
  server: ServerLaunch;
  /** The server's name in the MCP config (tools are `mcp__<name>__<tool>`); default `subagents`. */
  serverName?: string;
  /** The tools it may call unasked. */
  allowedTools: string[];
  /** Extra variables for `claude` itself (e.g. `CLAUDE_CODE_DISABLE_MCP_TASKS`). */
  environment?: Record<string, string>;
  /** Extra arguments for `claude` (e.g. `--debug`). */
  args?: string[];
}

export interface InteractiveClaude {
  /** The pid of `script`; the terminal's session is led by its child. */
  pid: number;
  trafficFile: string;
  /** Every line the proxy logged so far, in order. */
  traffic(): TrafficLine[];
  /** The terminal output so far with escape sequences removed (layout is not kept). */
  screen(): string;
  /** Types the text, then Enter (after a pause, so it is not taken as part of a paste). */
  type(text: string): Promise<void>;
  /** Polls `check` until it returns something other than undefined/false; rejects on timeout. */
  waitFor<T>(what: string, check: () => T | undefined | false, timeoutMs?: number): Promise<T>;
  /** Traffic and screen, for an assertion message. */
  diagnostics(): string;
  /**
   * Ends the terminal session: SIGTERM to the process group of `script` (it passes the signal
   * on to `claude`, whose MCP servers see their stdin close and the terminal hang up), then
   * SIGKILL to whatever of the session is left after `graceMs`. Resolves with what had to be
   * killed that way.
   */
  stop(graceMs?: number): Promise<MarkedProcess[]>;
}

const proxyScript = join(repositoryRoot, 'scripts', 'mcp-traffic-proxy.mjs');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Starts `claude --mcp-config … --allowedTools=… --model mock-model` in a pseudo-terminal and
 * resolves once its MCP server has answered `tools/list` (the TUI then offers the tools).
 */
export async function startInteractiveClaude(
  environment: AgentTestEnvironment,
  options: InteractiveClaudeOptions,
): Promise<InteractiveClaude> {
  const { directory, server } = options;
  const configDirectory = join(directory, 'claude-config');
  await mkdir(configDirectory, { recursive: true });
  const trafficFile = join(directory, 'traffic.jsonl');
  const mcpConfigFile = join(directory, 'mcp.json');
  await writeFile(
    mcpConfigFile,
    JSON.stringify(proxiedMcpConfig(options.serverName ?? 'subagents', server, trafficFile)),
  );
  const env: Record<string, string> = {
    ...environment.environment,
    CLAUDE_CONFIG_DIR: configDirectory,
    // MCP tools stay out of ToolSearch, and are there for the first turn (not connected later).
    ENABLE_TOOL_SEARCH: 'false',
    MCP_CONNECTION_NONBLOCKING: '0',
    TERM: 'xterm-256color',
    COLUMNS: '160',
    LINES: '50',
    ...options.environment,
  };
  await writeFile(
    join(configDirectory, '.claude.json'),
    JSON.stringify({
      hasCompletedOnboarding: true,
      customApiKeyResponses: { approved: [env.ANTHROPIC_API_KEY], rejected: [] },
      projects: { [environment.root]: { hasTrustDialogAccepted: true, allowedTools: [] } },
    }),
  );
  const command = [
    binaryPath('claude'),
    '--mcp-config',
    mcpConfigFile,
    `--allowedTools=${options.allowedTools.join(',')}`,
    '--model',
    'mock-model',
    ...(options.args ?? []),
  ];
  // script runs the command in a new session on the pseudo-terminal; our end is a pipe.
  const child = spawn(
    'script',
    ['-q', '-f', '-c', command.map(shellQuote).join(' '), join(directory, 'typescript')],
    { cwd: environment.root, env, stdio: ['pipe', 'pipe', 'pipe'], detached: true },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stdin.on('error', () => {});
  const pid = child.pid!;
  let exited = false;
  child.on('exit', () => (exited = true));

  const traffic = () => readTraffic(trafficFile);
  const screen = () => plainText(output);
  const diagnostics = () => describeRun(traffic(), screen());
  const waitFor = async <T>(
    what: string,
    check: () => T | undefined | false,
    timeoutMs = 30_000,
  ): Promise<T> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = check();
      if (value !== undefined && value !== false) return value;
      if (exited) throw new Error(`claude ended while waiting for ${what}.\n${diagnostics()}`);
      if (Date.now() > deadline)
        throw new Error(`No ${what} within ${timeoutMs} ms.\n${diagnostics()}`);
      await sleep(100);
    }
  };
  // The session is led by script's child (a shell or claude itself); note it while it runs.
  let sessionId: number | undefined;
  const handle: InteractiveClaude = {
    pid,
    trafficFile,
    traffic,
    screen,
    diagnostics,
    waitFor,
    async type(text) {
      child.stdin.write(text);
      await sleep(1000);
      child.stdin.write('\r');
    },
    async stop(graceMs = 10_000) {
      const session = () => (sessionId === undefined ? [] : findProcessesInSession(sessionId));
      if (!exited) signal(-pid, 'SIGTERM');
      const deadline = Date.now() + graceMs;
      while ((!exited || session().length > 0) && Date.now() < deadline) await sleep(100);
      const forced = [...session(), ...(isRunning(pid) ? [{ pid, command: 'script' }] : [])];
      for (const { pid: left } of forced) signal(left, 'SIGKILL');
      return forced;
    },
  };
  try {
    sessionId = await waitFor('terminal session', () => findSessionLeaderChild(pid), 10_000);
    await waitFor('tools/list answer', () =>
      traffic().some((line) => line.direction === 'server->client' && hasToolList(line)),
    );
    // The TUI takes a moment to redraw its prompt with the tools connected.
    await sleep(1000);
  } catch (error) {
    await handle.stop(2000);
    throw error;
  }
  return handle;
}

/**
 * A Claude Code MCP config whose one server is `launch` behind scripts/mcp-traffic-proxy.mjs,
 * which logs every JSON-RPC line both ways to `trafficFile`.
 */
export function proxiedMcpConfig(
  serverName: string,
  launch: ServerLaunch,
  trafficFile: string,
): Record<string, unknown> {
  return {
    mcpServers: {
      [serverName]: {
        type: 'stdio',
        command: process.execPath,
        args: [proxyScript, trafficFile, '--', launch.command, ...launch.args],
        env: launch.env,
      },
    },
  };
}

/** The answer (result or error line) to the request with this id, if it came. */
export function answerTo(lines: TrafficLine[], id: unknown): TrafficLine | undefined {
  return lines.find(
    (line) =>
      line.direction === 'server->client' &&
      line.message['id'] === id &&
      line.message['method'] === undefined,
  );
}

function readTraffic(file: string): TrafficLine[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .flatMap((line) => {
      try {
        const parsed = JSON.parse(line) as { at: string; direction: TrafficDirection };
        const { message } = parsed as unknown as { message: Record<string, unknown> };
        return [{ at: Date.parse(parsed.at), direction: parsed.direction, message }];
      } catch {
        return []; // a line being written
      }
    });
}

function hasToolList(line: TrafficLine): boolean {
  const result = line.message['result'] as { tools?: unknown } | undefined;
  return Array.isArray(result?.tools);
}

/** Sends a signal to a process (or a group, pid < 0) that may have ended meanwhile. */
function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // Already gone.
  }
}

function shellQuote(word: string): string {
  return `'${word.replaceAll("'", "'\\''")}'`;
}

/** Terminal output without CSI/OSC escape sequences and carriage returns. */
function plainText(output: string): string {
  /* eslint-disable no-control-regex -- escape sequences start with control characters */
  return output
    .replace(/\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)/g, '')
    .replace(/\x1b\[[0-9;?>=<]*[ -/]*[@-~]/g, '')
    .replace(/\x1b[()][A-Za-z0-9]|\x1b[=>78DEHMc]/g, '')
    .replace(/\r/g, '');
  /* eslint-enable no-control-regex */
}

function describeRun(traffic: TrafficLine[], screen: string): string {
  const methods = traffic.map((line) => {
    const { method, id } = line.message;
    return `${line.direction} ${typeof method === 'string' ? method : `answer ${String(id)}`}`;
  });
  return `traffic:\n${methods.join('\n')}\nscreen (end):\n${screen.slice(-3000)}`;
}
