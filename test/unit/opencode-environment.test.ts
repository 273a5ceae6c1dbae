import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildOpencodeConfig,
  createOpencodeEnvironment,
  opencodeMockModel,
  opencodeProviderBaseUrl,
} from '../support/opencode-environment.js';
import { startScriptedModelServer } from '../support/scripted-model-server/index.js';
import type { ScriptedModelServer } from '../support/scripted-model-server/index.js';

const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The native opencode 1.18.33 binary from the `opencode-ai` dev dependency (Linux x64). */
const opencodeBinary = path.join(repositoryRoot, 'node_modules/opencode-linux-x64/bin/opencode');
// Only this platform's binary path is spelled out here; on Linux x64 a missing binary fails.
const haveOpencode = process.platform === 'linux' && process.arch === 'x64';

/** opencode needs about 3.5 s for a turn on 2 vCPUs; leave room for a loaded machine. */
const runTimeoutMs = 60_000;

interface RunResult {
  code: number | null;
  lines: Record<string, unknown>[];
  stderr: string;
}

describe('opencode environment', () => {
  let scratch: string;

  beforeAll(async () => {
    scratch = await mkdtemp(path.join(os.tmpdir(), 'opencode-environment-test-'));
  });
  afterAll(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  it('points the mock provider at <url>/v1 whatever the URL ends with', () => {
    expect(opencodeProviderBaseUrl('http://127.0.0.1:5000')).toBe('http://127.0.0.1:5000/v1');
    expect(opencodeProviderBaseUrl('http://127.0.0.1:5000/')).toBe('http://127.0.0.1:5000/v1');
    expect(opencodeProviderBaseUrl('http://127.0.0.1:5000/v1/')).toBe('http://127.0.0.1:5000/v1');
  });

  it('builds a config with only the mock provider, its model as model and small model, offline', () => {
    expect(buildOpencodeConfig('http://127.0.0.1:5000')).toEqual({
      model: 'mock/mock-model',
      small_model: 'mock/mock-model',
      autoupdate: false,
      share: 'disabled',
      enabled_providers: ['mock'],
      provider: {
        mock: {
          npm: '@ai-sdk/openai-compatible',
          name: 'Mock (scripted model server)',
          options: { baseURL: 'http://127.0.0.1:5000/v1', apiKey: 'mock-key' },
          models: {
            'mock-model': {
              name: 'Mock Model',
              tool_call: true,
              limit: { context: 128_000, output: 4096 },
            },
          },
        },
      },
    });
    expect(opencodeMockModel).toBe('mock/mock-model');
  });

  it('creates the XDG directories, the offline switches and the stub that stops the plugin install', async () => {
    const directory = path.join(scratch, 'layout');
    const created = await createOpencodeEnvironment({
      directory,
      modelServerUrl: 'http://127.0.0.1:5000',
    });
    const { environment } = created;
    expect(environment).toMatchObject({
      XDG_DATA_HOME: path.join(directory, 'xdg-data'),
      XDG_CONFIG_HOME: path.join(directory, 'xdg-config'),
      XDG_CACHE_HOME: path.join(directory, 'xdg-cache'),
      XDG_STATE_HOME: path.join(directory, 'xdg-state'),
      OPENCODE_DISABLE_MODELS_FETCH: '1',
      OPENCODE_DISABLE_AUTOUPDATE: '1',
      OPENCODE_DISABLE_SHARE: '1',
      OPENCODE_DISABLE_LSP_DOWNLOAD: '1',
      OPENCODE_DISABLE_PROJECT_CONFIG: '1',
    });
    expect(environment['HOME']).toBeUndefined();
    expect(JSON.parse(environment['OPENCODE_CONFIG_CONTENT'] ?? '')).toEqual(
      buildOpencodeConfig('http://127.0.0.1:5000'),
    );
    for (const name of ['XDG_DATA_HOME', 'XDG_CACHE_HOME', 'XDG_STATE_HOME']) {
      expect(existsSync(environment[name] ?? '')).toBe(true);
    }

    const configDirectory = path.join(created.configDirectory, 'opencode');
    expect(await readdir(path.join(configDirectory, 'node_modules'))).toEqual([]);
    const manifest: unknown = JSON.parse(
      await readFile(path.join(configDirectory, 'package.json'), 'utf8'),
    );
    expect(manifest).toEqual({ dependencies: { '@opencode-ai/plugin': '1.18.33' } });
    const lock: unknown = JSON.parse(
      await readFile(path.join(configDirectory, 'package-lock.json'), 'utf8'),
    );
    expect(lock).toEqual({
      lockfileVersion: 3,
      packages: { '': { dependencies: { '@opencode-ai/plugin': '1.18.33' } } },
    });

    // Creating it again over the same directory works (a second process shares the state).
    await expect(
      createOpencodeEnvironment({ directory, modelServerUrl: 'http://127.0.0.1:5001' }),
    ).resolves.toMatchObject({ configDirectory: created.configDirectory });
  });

  describe.runIf(haveOpencode)('with the real opencode', () => {
    let server: ScriptedModelServer;

    beforeAll(async () => {
      server = await startScriptedModelServer();
    });
    afterAll(async () => {
      await server.close();
    });

    /** `opencode run --format json --dir <project>` with the prompt on stdin. */
    async function runOpencode(
      environment: Record<string, string>,
      home: string,
      project: string,
      prompt: string,
    ): Promise<RunResult> {
      const child = spawn(opencodeBinary, ['run', '--format', 'json', '--dir', project], {
        cwd: project,
        env: { ...process.env, HOME: home, PWD: project, ...environment },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      child.stdin.end(prompt);
      // Never leave a hung opencode behind: stop it before the test's own timeout.
      const watchdog = setTimeout(() => child.kill('SIGKILL'), runTimeoutMs - 5_000);
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      clearTimeout(watchdog);
      const lines = stdout
        .split('\n')
        .filter((line) => line.trim().length > 0)
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      return { code, lines, stderr };
    }

    it(
      'lets `opencode run --format json` complete an echo turn against the scripted model server',
      async () => {
        const root = path.join(scratch, 'real');
        const home = path.join(root, 'home');
        const project = path.join(root, 'project');
        await mkdir(home, { recursive: true });
        await mkdir(project, { recursive: true });
        const { environment, configDirectory } = await createOpencodeEnvironment({
          directory: path.join(root, 'state'),
          modelServerUrl: server.url,
        });

        const result = await runOpencode(environment, home, project, 'Say hello to opencode');

        expect(result.code, result.stderr).toBe(0);
        const text = result.lines.find((line) => line['type'] === 'text');
        expect(text).toMatchObject({ part: { type: 'text', text: 'Echo: Say hello to opencode' } });
        const finish = result.lines.find((line) => line['type'] === 'step_finish');
        expect(finish).toMatchObject({ part: { reason: 'stop' } });
        const tokens = (finish?.['part'] as { tokens: { input: number; output: number } }).tokens;
        expect(tokens.input).toBeGreaterThan(0);
        expect(tokens.output).toBeGreaterThan(0);
        expect(result.lines.some((line) => line['type'] === 'error')).toBe(false);

        // The main turn and the title request, both through the Chat Completions dialect.
        const main = await server.waitForRequest((request) => request.reply === 'text');
        expect(main).toMatchObject({
          path: '/v1/chat/completions',
          dialect: 'openai-chat',
          directive: undefined,
        });
        expect(main.headers['user-agent']).toMatch(/^opencode\/1\.18\.33/);
        const title = await server.waitForRequest((request) => request.reply === 'title');
        expect(title).toMatchObject({ dialect: 'openai-chat', directive: undefined });

        // The stub kept opencode from installing its plugin package (no npm traffic).
        expect(await readdir(path.join(configDirectory, 'opencode', 'node_modules'))).toEqual([]);
        expect(existsSync(path.join(home, '.npm'))).toBe(false);
        // The session was stored in the isolated data directory.
        expect(existsSync(path.join(environment['XDG_DATA_HOME'] ?? '', 'opencode'))).toBe(true);
      },
      runTimeoutMs,
    );
  });
});
