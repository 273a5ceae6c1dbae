import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildCodexConfig,
  builtInMockModelEntry,
  createCodexHome,
  providerBaseUrl,
} from '../support/codex-home.js';
import { startScriptedModelServer } from '../support/scripted-model-server/index.js';
import type { ScriptedModelServer } from '../support/scripted-model-server/index.js';

const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The native Codex 0.169.0 binary from the `@openai/codex` dev dependency (Linux x64). */
const codexBinary = path.join(
  repositoryRoot,
  'node_modules/@openai/codex-linux-x64/vendor/x86_64-unknown-linux-musl/bin/codex',
);
// Only this platform's binary path is spelled out here; on Linux x64 a missing binary fails.
const haveCodex = process.platform === 'linux' && process.arch === 'x64';

interface ExecResult {
  code: number | null;
  events: Record<string, unknown>[];
  stderr: string;
}

describe('codex home', () => {
  let scratch: string;
  let server: ScriptedModelServer;

  beforeAll(async () => {
    scratch = await mkdtemp(path.join(os.tmpdir(), 'codex-home-test-'));
    server = await startScriptedModelServer();
  });
  afterAll(async () => {
    await server.close();
    await rm(scratch, { recursive: true, force: true });
  });

  it('points the provider at <url>/v1 whatever the URL ends with', () => {
    expect(providerBaseUrl('http://127.0.0.1:5000')).toBe('http://127.0.0.1:5000/v1');
    expect(providerBaseUrl('http://127.0.0.1:5000/')).toBe('http://127.0.0.1:5000/v1');
    expect(providerBaseUrl('http://127.0.0.1:5000/v1/')).toBe('http://127.0.0.1:5000/v1');
  });

  it('writes a config.toml with the mock provider, no retries, no key, and the offline switches', () => {
    const config = buildCodexConfig({
      modelServerUrl: 'http://127.0.0.1:5000',
      catalogFile: '/home/x/mock-catalog.json',
    });
    expect(config).toBe(
      [
        'model = "mock-model"',
        'model_provider = "mock"',
        'model_catalog_json = "/home/x/mock-catalog.json"',
        '',
        '[analytics]',
        'enabled = false',
        '',
        '[features]',
        'plugins = false',
        'shell_snapshot = false',
        '',
        '[model_providers.mock]',
        'name = "Scripted model server"',
        'base_url = "http://127.0.0.1:5000/v1"',
        'wire_api = "responses"',
        'request_max_retries = 0',
        'stream_max_retries = 0',
        '',
      ].join('\n'),
    );
    expect(config).not.toContain('env_key');
  });

  it('creates the directory with the config and a built-in catalog when no binary is given', async () => {
    const directory = path.join(scratch, 'built-in', 'codex-home');
    const home = await createCodexHome({ directory, modelServerUrl: server.url });
    expect(home).toMatchObject({
      codexHome: directory,
      environment: { CODEX_HOME: directory },
      catalogSource: 'built-in',
    });
    expect(await readFile(path.join(directory, 'config.toml'), 'utf8')).toContain(
      `base_url = "${server.url}/v1"`,
    );
    const catalog = JSON.parse(
      await readFile(path.join(directory, 'mock-catalog.json'), 'utf8'),
    ) as { models: Record<string, unknown>[] };
    expect(catalog.models).toEqual([builtInMockModelEntry()]);
    expect(catalog.models[0]).toMatchObject({
      slug: 'mock-model',
      apply_patch_tool_type: 'freeform',
      shell_type: 'unified_exec',
    });
  });

  describe.skipIf(!haveCodex)('with the real Codex binary', () => {
    let cwd: string;
    let environment: Record<string, string>;

    beforeAll(async () => {
      const home = await createCodexHome({
        directory: path.join(scratch, 'derived', 'codex-home'),
        modelServerUrl: server.url,
        codexBinary,
      });
      expect(home.catalogSource).toBe('codex debug models');
      const catalog = JSON.parse(await readFile(home.catalogFile, 'utf8')) as {
        models: Record<string, unknown>[];
      };
      expect(catalog.models).toHaveLength(1);
      expect(catalog.models[0]).toMatchObject({
        slug: 'mock-model',
        upgrade: null,
        model_messages: null,
        service_tiers: [],
        additional_speed_tiers: [],
        supported_reasoning_levels: [],
        default_reasoning_level: null,
        apply_patch_tool_type: 'freeform',
      });
      environment = home.environment;
      cwd = path.join(scratch, 'workspace');
      await mkdir(cwd, { recursive: true });
    });

    function codexExec(prompt: string, extraArguments: string[] = []): Promise<ExecResult> {
      return new Promise((resolve, reject) => {
        const child = spawn(
          codexBinary,
          ['exec', '--json', '--skip-git-repo-check', ...extraArguments, prompt],
          { cwd, env: { ...process.env, ...environment }, stdio: ['ignore', 'pipe', 'pipe'] },
        );
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
        child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        child.on('error', reject);
        child.on('close', (code) => {
          const events = stdout
            .split('\n')
            .filter((line) => line.trim().startsWith('{'))
            .map((line) => JSON.parse(line) as Record<string, unknown>);
          resolve({ code, events, stderr });
        });
      });
    }

    function items(result: ExecResult, type: string): Record<string, unknown>[] {
      return result.events
        .filter((event) => event['type'] === 'item.completed')
        .map((event) => event['item'] as Record<string, unknown>)
        .filter((item) => item['type'] === type);
    }

    it('lets `codex exec` complete an echo turn against the scripted model server', async () => {
      const before = server.requests.length;
      const result = await codexExec('Say hi');
      expect(result.code).toBe(0);
      expect(items(result, 'agent_message').map((item) => item['text'])).toEqual(['Echo: Say hi']);
      expect(items(result, 'error')).toEqual([]);
      const completed = result.events.find((event) => event['type'] === 'turn.completed');
      expect(completed?.['usage']).toMatchObject({ input_tokens: expect.any(Number) as number });

      const requests = server.requests.slice(before);
      expect(requests).toHaveLength(1);
      expect(requests[0]).toMatchObject({
        path: '/v1/responses',
        dialect: 'openai-responses',
        reply: 'text',
      });
      expect(requests[0]?.headers['authorization']).toBeUndefined();
      const body = requests[0]?.body as { model: string; tools: { type: string; name?: string }[] };
      expect(body.model).toBe('mock-model');
      expect(body.tools).toContainEqual(
        expect.objectContaining({ type: 'custom', name: 'apply_patch' }),
      );
      expect(body.tools).toContainEqual(
        expect.objectContaining({ type: 'function', name: 'exec_command' }),
      );
    });

    it('runs the shell command of [[mock:tool]] and answers with its output', async () => {
      const result = await codexExec('Run it [[mock:tool]]');
      expect(result.code).toBe(0);
      expect(items(result, 'command_execution')).toEqual([
        expect.objectContaining({
          aggregated_output: 'hello-from-tool\n',
          exit_code: 0,
          status: 'completed',
        }),
      ]);
      expect(items(result, 'agent_message').at(-1)?.['text']).toBe(
        'Tool result received: hello-from-tool',
      );
    });

    it('applies the patch of [[mock:patch=<path>]] under workspace-write', async () => {
      const result = await codexExec('Create [[mock:patch=created.txt]]', [
        '-s',
        'workspace-write',
      ]);
      expect(result.code).toBe(0);
      expect(items(result, 'file_change')).toEqual([
        expect.objectContaining({
          changes: [{ path: path.join(cwd, 'created.txt'), kind: 'add' }],
          status: 'completed',
        }),
      ]);
      expect(await readFile(path.join(cwd, 'created.txt'), 'utf8')).toBe(
        'patched by the scripted model\n',
      );
    });
  });
});
