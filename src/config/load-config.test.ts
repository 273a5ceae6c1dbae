import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from './load-config.js';

const cwd = '/work/project';
const load = (argv: string[] = [], env: Record<string, string> = {}) =>
  loadConfig({ argv, env, cwd }).config;
const configDirectory = mkdtempSync(join(tmpdir(), 'subagent-mcp-config-'));
afterAll(() => rmSync(configDirectory, { recursive: true, force: true }));
let configCount = 0;
const writeConfig = (value: unknown) => {
  const path = join(configDirectory, `config-${(configCount += 1)}.json`);
  writeFileSync(path, typeof value === 'string' ? value : JSON.stringify(value));
  return path;
};

describe('loadConfig', () => {
  it('defaults to the working directory as the only root and the XDG state dir', () => {
    const config = load([], { HOME: '/home/someone' });
    expect(config).toMatchObject({
      defaultProvider: 'claude-code',
      allowedRoots: [cwd],
      defaultPermissions: 'workspace-write',
      timeouts: { defaultSeconds: 1800, maxSeconds: 7200, idleSeconds: 600 },
      maxConcurrentRuns: 4,
      maxDepth: 2,
      stateDir: '/home/someone/.local/state/subagent-mcp',
      providers: {},
    });
    expect(load([], { XDG_STATE_HOME: '/state' }).stateDir).toBe('/state/subagent-mcp');
  });

  it('layers flags over environment over the config file', () => {
    const path = writeConfig({
      defaultPermissions: 'read-only',
      maxDepth: 1,
      timeouts: { idleSeconds: 30 },
    });
    const config = load(['--config', path, '--max-depth', '3'], {
      SUBAGENT_MCP_MAX_DEPTH: '5',
      SUBAGENT_MCP_PERMISSIONS: 'full-access',
      SUBAGENT_MCP_ALLOWED_ROOTS: '/a:relative',
    });
    expect(config.maxDepth).toBe(3);
    expect(config.defaultPermissions).toBe('full-access');
    expect(config.timeouts).toEqual({ defaultSeconds: 1800, maxSeconds: 7200, idleSeconds: 30 });
    expect(config.allowedRoots).toEqual(['/a', `${cwd}/relative`]);
  });

  it('reads per-provider binary, env and extra args from the file', () => {
    const path = writeConfig({
      providers: { 'claude-code': { binary: '/opt/claude', env: { A: 'b' }, extraArgs: ['--x'] } },
    });
    expect(load([], { SUBAGENT_MCP_CONFIG: path }).providers['claude-code']).toEqual({
      binary: '/opt/claude',
      env: { A: 'b' },
      extraArgs: ['--x'],
    });
  });

  it.each([
    [{ maxDepth: -1 }, [], {}, /maxDepth: .* \(from config file/],
    [{ timeouts: { maxSeconds: 'long' } }, [], {}, /timeouts\.maxSeconds: /],
    [
      { providers: { 'claude-code': { bin: 'x' } } },
      [],
      {},
      /providers\.claude-code: Unrecognized key: "bin"/,
    ],
    [{ unknownKey: 1 }, [], {}, /Unrecognized key: "unknownKey"/],
    [{}, ['--permissions', 'root'], {}, /defaultPermissions: .*\(from flag --permissions\)/],
    [
      {},
      [],
      { SUBAGENT_MCP_MAX_CONCURRENT: 'many' },
      /maxConcurrentRuns: .*SUBAGENT_MCP_MAX_CONCURRENT/,
    ],
    [{}, ['--bogus'], {}, /Invalid command line: .*--bogus/],
    [
      { timeouts: { defaultSeconds: 100, maxSeconds: 10 } },
      [],
      {},
      /defaultSeconds \(100\) exceeds timeouts\.maxSeconds \(10\)/,
    ],
  ])('rejects %j %j %j with one message naming the key', (file, argv, env, message) => {
    const path = writeConfig(file);
    expect(() => load(['--config', path, ...argv], env)).toThrow(message);
  });

  it('reads ACP agents by command line, and rejects a bad agent name or an unknown key', () => {
    const path = writeConfig({ acpAgents: { qwen: { command: 'qwen', args: ['--acp'] } } });
    expect(load([], { SUBAGENT_MCP_CONFIG: path }).acpAgents).toEqual({
      qwen: { command: 'qwen', args: ['--acp'] },
    });
    expect(load().acpAgents).toEqual({});
    const badName = writeConfig({ acpAgents: { 'Bad Name': { command: 'x' } } });
    expect(() => load([], { SUBAGENT_MCP_CONFIG: badName })).toThrow(/acpAgents\.Bad Name/);
    const badKey = writeConfig({ acpAgents: { qwen: { cmd: 'qwen' } } });
    expect(() => load([], { SUBAGENT_MCP_CONFIG: badKey })).toThrow(
      /acpAgents\.qwen: Unrecognized key: "cmd"/,
    );
  });

  it('reports a config file that is not JSON', () => {
    const path = writeConfig('{ nope');
    expect(() => load(['--config', path])).toThrow(/is not valid JSON/);
  });
  it('reads the HTTP settings from flags, environment and file, with safe defaults', () => {
    expect(load().http).toEqual({
      host: '127.0.0.1',
      port: 0,
      allowedOrigins: [],
      sessionIdleSeconds: 1800,
    });
    expect(loadConfig({ argv: ['--http'], env: {}, cwd }).http).toBe(true);
    expect(loadConfig({ argv: [], env: {}, cwd }).http).toBe(false);
    const path = writeConfig({
      http: { port: 9000, allowedOrigins: ['http://localhost:3000'], sessionIdleSeconds: 60 },
    });
    const config = load(['--config', path, '--host', '0.0.0.0'], {
      SUBAGENT_MCP_HTTP_PORT: '9100',
      SUBAGENT_MCP_HTTP_TOKEN: 'a-long-enough-test-token',
    });
    expect(config.http).toEqual({
      host: '0.0.0.0',
      port: 9100,
      token: 'a-long-enough-test-token',
      allowedOrigins: ['http://localhost:3000'],
      sessionIdleSeconds: 60,
    });
    expect(load(['--port', '8123']).http.port).toBe(8123);
  });

  it('rejects a short token, a bad port and an origin with a path without echoing the token', () => {
    expect(() => load([], { SUBAGENT_MCP_HTTP_TOKEN: 'short-secret' })).toThrow(
      /http\.token: must be at least 16 characters \(from environment variable SUBAGENT_MCP_HTTP_TOKEN\)/,
    );
    expect(() => load([], { SUBAGENT_MCP_HTTP_TOKEN: 'short-secret' })).not.toThrow(/short-secret/);
    expect(() => load(['--port', '70000'])).toThrow(/http\.port/);
    expect(() =>
      load(['--config', writeConfig({ http: { allowedOrigins: ['http://x/y'] } })]),
    ).toThrow(/http\.allowedOrigins\.0/);
  });
  it('reads the warm switch from file, environment and --no-warm, flags first', () => {
    expect(load().warm).toBe(true);
    const off = writeConfig({ warm: false });
    expect(load(['--config', off]).warm).toBe(false);
    expect(load([], { SUBAGENT_MCP_WARM: '0' }).warm).toBe(false);
    expect(load([], { SUBAGENT_MCP_WARM: 'off' }).warm).toBe(false);
    expect(load(['--config', off], { SUBAGENT_MCP_WARM: '1' }).warm).toBe(true);
    expect(load(['--no-warm'], { SUBAGENT_MCP_WARM: '1' }).warm).toBe(false);
    expect(() => load([], { SUBAGENT_MCP_WARM: 'maybe' })).toThrow(
      /warm: .*\(from environment variable SUBAGENT_MCP_WARM\)/,
    );
  });

  it('reads providers.<id>.warm over the provider defaults, and refuses it where none is kept', () => {
    const path = writeConfig({ providers: { codex: { warm: { idleSeconds: 20 } } } });
    expect(load(['--config', path]).providers.codex).toEqual({ warm: { idleSeconds: 20 } });
    const bad = writeConfig({ providers: { codex: { warm: { maxProcesses: -1, extra: 1 } } } });
    expect(() => load(['--config', bad])).toThrow(/providers\.codex\.warm\.maxProcesses/);
    expect(() => load(['--config', bad])).toThrow(/providers\.codex\.warm: Unrecognized key/);
    const gemini = writeConfig({ providers: { gemini: { warm: { maxProcesses: 1 } } } });
    expect(() => load(['--config', gemini])).toThrow(
      /providers\.gemini\.warm: this provider keeps no warm process/,
    );
  });
});
