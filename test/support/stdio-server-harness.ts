/**
 * Spawns the BUILT server (`dist/cli.js`, the package's bin) over stdio with an SDK Client, pointed at a
 * scripted model server, with isolated config/state directories — the way a user's MCP client
 * runs it. Every process it starts carries a marker variable so tests can check for leftovers.
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { createCodexHome } from './codex-home.js';
import { createGeminiEnvironment } from './gemini-environment.js';
import { createOpencodeEnvironment } from './opencode-environment.js';
import { findProcessesWithMarker } from './process-probe.js';
import { createProgressRecorder } from './progress-recorder.js';
import {
  startScriptedModelServer,
  type RecordedRequest,
  type ScriptedModelServer,
} from './scripted-model-server/index.js';

const supportDirectory = dirname(fileURLToPath(import.meta.url));
// This file runs from test/support (vitest) and from build/test/support (scripts, demo, bench).
export const repositoryRoot = supportDirectory.endsWith(join('build', 'test', 'support'))
  ? join(supportDirectory, '..', '..', '..')
  : join(supportDirectory, '..', '..');
export const builtCliPath = join(repositoryRoot, 'dist', 'cli.js');

export interface StdioServerHandle {
  client: Client;
  pid: number;
  stderr: () => string;
  close(): Promise<void>;
}

export interface AgentTestEnvironment {
  model: ScriptedModelServer;
  /** The only allowed root and the default cwd. */
  root: string;
  stateDir: string;
  marker: string;
  /** The environment the server gets (children inherit it). */
  environment: Record<string, string>;
  startServer(options?: {
    args?: string[];
    environment?: Record<string, string>;
    /** Start this command line instead of the built CLI with our root and state dir (`args` then unused). */
    commandLine?: CommandLine;
  }): Promise<StdioServerHandle>;
  /** Processes other than our servers that inherited the marker (claude, its tools…). */
  leftoverProcesses(): ReturnType<typeof findProcessesWithMarker>;
  close(): Promise<void>;
}

export interface CommandLine {
  command: string;
  args: string[];
  cwd: string;
}

export async function createAgentTestEnvironment(): Promise<AgentTestEnvironment> {
  if (!existsSync(builtCliPath))
    throw new Error(`Build first: ${builtCliPath} is missing (npm run build).`);
  const base = await mkdtemp(join(tmpdir(), 'subagent-mcp-e2e-'));
  const root = join(base, 'workspace');
  const stateDir = join(base, 'state');
  const { mkdir } = await import('node:fs/promises');
  await mkdir(root, { recursive: true });
  await mkdir(join(base, 'claude-config'), { recursive: true });
  await mkdir(join(base, 'home'), { recursive: true });
  const model = await startScriptedModelServer();
  const opencode = await createOpencodeEnvironment({
    directory: join(base, 'opencode'),
    modelServerUrl: model.url,
  });
  const codex = await createCodexHome({
    directory: join(base, 'codex-home'),
    modelServerUrl: model.url,
  });
  const gemini = await createGeminiEnvironment({
    directory: join(base, 'gemini-home'),
    modelServerUrl: model.url,
  });
  const marker = `SUBAGENT_MCP_TEST_MARKER=${randomUUID()}`;
  const environment: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: join(base, 'home'),
    TMPDIR: join(base, 'home'),
    CLAUDE_CONFIG_DIR: join(base, 'claude-config'),
    CLAUDE_CODE_TMPDIR: join(base, 'home'),
    ANTHROPIC_BASE_URL: model.url,
    ANTHROPIC_API_KEY: 'dummy-test-key',
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    DISABLE_AUTOUPDATER: '1',
    CLAUDE_CODE_MAX_RETRIES: '0',
    ...codex.environment,
    ...opencode.environment,
    ...gemini.environment,
    [marker.split('=')[0]!]: marker.split('=')[1]!,
    // The CI pass with warm processes off: SUBAGENT_MCP_WARM=0 npx vitest run …
    ...(process.env.SUBAGENT_MCP_WARM === undefined
      ? {}
      : { SUBAGENT_MCP_WARM: process.env.SUBAGENT_MCP_WARM }),
  };
  const servers = new Set<StdioServerHandle>();

  return {
    model,
    root,
    stateDir,
    marker,
    environment,
    async startServer(options = {}) {
      const { command, args, cwd } = options.commandLine ?? {
        command: process.execPath,
        args: [
          builtCliPath,
          '--allowed-root',
          root,
          '--state-dir',
          stateDir,
          ...(options.args ?? []),
        ],
        cwd: root,
      };
      const transport = new StdioClientTransport({
        command,
        args,
        env: { ...environment, ...options.environment },
        cwd,
        stderr: 'pipe',
      });
      let stderr = '';
      transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const client = new Client({ name: 'e2e-client', version: '1.0.0' });
      await client.connect(transport);
      const handle: StdioServerHandle = {
        client,
        pid: transport.pid ?? -1,
        stderr: () => stderr,
        async close() {
          servers.delete(handle);
          await client.close();
        },
      };
      servers.add(handle);
      return handle;
    },
    leftoverProcesses() {
      return findProcessesWithMarker(marker, {
        exclude: [process.pid, ...[...servers].map((server) => server.pid)],
      });
    },
    async close() {
      await Promise.allSettled([...servers].map((server) => server.close()));
      await model.close();
      await rm(base, { recursive: true, force: true });
    },
  };
}

/** The structured result of run_agent / resume_agent, as tests read it. */
export interface RunToolResult {
  text: string;
  status: string;
  session_id?: string;
  provider: string;
  model?: string;
  usage?: { input_tokens: number; output_tokens: number; cost_usd?: number };
  tool_calls: number;
  files_changed: string[];
  error?: { code: string; message: string };
}

/** Calls a tool with progress recorded, under a timeout long enough for the real CLIs. */
export async function callToolWithProgress(
  target: StdioServerHandle,
  tool: string,
  args: Record<string, unknown>,
) {
  const progress = createProgressRecorder();
  const result = await target.client.callTool({ name: tool, arguments: args }, undefined, {
    onprogress: progress.onprogress,
    timeout: 90_000,
  });
  return {
    result,
    isError: result.isError,
    structured: result.structuredContent as RunToolResult,
    progress,
  };
}

/**
 * Calls run_agent with `args` (whose prompt holds `[[mock:stall]]`) and resolves once the
 * scripted model is holding the stream open. `cancel` aborts the call the way a client does and
 * tells whether the call was still answered (per the MCP spec it must not be).
 */
export async function startStalledRun(
  environment: AgentTestEnvironment,
  target: StdioServerHandle,
  args: Record<string, unknown>,
  dialect?: RecordedRequest['dialect'],
) {
  const progress = createProgressRecorder();
  const controller = new AbortController();
  const stalled = environment.model.waitForRequest(
    (request) =>
      request.directive === 'stall' &&
      (dialect === undefined || request.dialect === dialect) &&
      !request.clientDisconnected,
    60_000,
  );
  const outcome = target.client
    .callTool({ name: 'run_agent', arguments: args }, undefined, {
      signal: controller.signal,
      onprogress: progress.onprogress,
      timeout: 90_000,
    })
    .then(
      () => 'answered' as const,
      () => 'rejected' as const,
    );
  await stalled;
  return {
    progress,
    cancel: (reason: string) => {
      controller.abort(reason);
      return outcome;
    },
  };
}
