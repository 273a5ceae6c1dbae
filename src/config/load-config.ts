import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { AgentError } from '../errors/index.js';
import { parseCommandLine } from './command-line.js';
import { configSchema, type ServerConfig } from './config-schema.js';

export interface LoadConfigOptions {
  argv: readonly string[];
  env: Record<string, string | undefined>;
  cwd: string;
}

export interface LoadedConfig {
  config: ServerConfig;
  /** `--http`: serve Streamable HTTP instead of stdio. */
  http: boolean;
  /** `--help` was asked for. */
  showHelp: boolean;
  showVersion: boolean;
  /** The config file read (absolute), when one was named. */
  configFile?: string;
}

/**
 * Reads flags, environment and the optional config file into one validated configuration.
 * Throws AgentError('config_invalid') naming the offending key and where it came from.
 */
export function loadConfig(options: LoadConfigOptions): LoadedConfig {
  const { env, cwd } = options;
  const flags = parseCommandLine(options.argv);

  const configPath = flags.config ?? env.SUBAGENT_MCP_CONFIG;
  const configFile = configPath ? resolve(cwd, configPath) : undefined;
  const fileInput = configFile ? readConfigFile(configFile) : {};
  const merged: Record<string, unknown> = { ...fileInput };
  const sources = new Map<string, string>();
  const set = (key: string | string[], value: unknown, source: string) => {
    const path = typeof key === 'string' ? [key] : key;
    if (value === undefined) return;
    let target = merged;
    for (const part of path.slice(0, -1)) {
      const child = target[part];
      target[part] = typeof child === 'object' && child !== null ? { ...child } : {};
      target = target[part] as Record<string, unknown>;
    }
    target[path.at(-1)!] = value;
    sources.set(path.join('.'), source);
  };

  const fromEnv = (name: string) => env[name] || undefined;
  const envSource = (name: string) => `environment variable ${name}`;
  set(
    'defaultProvider',
    fromEnv('SUBAGENT_MCP_DEFAULT_PROVIDER'),
    envSource('SUBAGENT_MCP_DEFAULT_PROVIDER'),
  );
  set(
    'allowedRoots',
    fromEnv('SUBAGENT_MCP_ALLOWED_ROOTS')
      ?.split(':')
      .filter(Boolean)
      .map((root) => resolve(cwd, root)),
    envSource('SUBAGENT_MCP_ALLOWED_ROOTS'),
  );
  set(
    'defaultPermissions',
    fromEnv('SUBAGENT_MCP_PERMISSIONS'),
    envSource('SUBAGENT_MCP_PERMISSIONS'),
  );
  set(
    ['timeouts', 'defaultSeconds'],
    toNumber(fromEnv('SUBAGENT_MCP_TIMEOUT_SECONDS')),
    envSource('SUBAGENT_MCP_TIMEOUT_SECONDS'),
  );
  set(
    ['timeouts', 'maxSeconds'],
    toNumber(fromEnv('SUBAGENT_MCP_MAX_TIMEOUT_SECONDS')),
    envSource('SUBAGENT_MCP_MAX_TIMEOUT_SECONDS'),
  );
  set(
    ['timeouts', 'idleSeconds'],
    toNumber(fromEnv('SUBAGENT_MCP_IDLE_TIMEOUT_SECONDS')),
    envSource('SUBAGENT_MCP_IDLE_TIMEOUT_SECONDS'),
  );
  set(
    'maxConcurrentRuns',
    toNumber(fromEnv('SUBAGENT_MCP_MAX_CONCURRENT')),
    envSource('SUBAGENT_MCP_MAX_CONCURRENT'),
  );
  set('maxDepth', toNumber(fromEnv('SUBAGENT_MCP_MAX_DEPTH')), envSource('SUBAGENT_MCP_MAX_DEPTH'));
  set('stateDir', fromEnv('SUBAGENT_MCP_STATE_DIR'), envSource('SUBAGENT_MCP_STATE_DIR'));
  set('warm', toBoolean(fromEnv('SUBAGENT_MCP_WARM')), envSource('SUBAGENT_MCP_WARM'));
  set(['http', 'host'], fromEnv('SUBAGENT_MCP_HTTP_HOST'), envSource('SUBAGENT_MCP_HTTP_HOST'));
  set(
    ['http', 'port'],
    toNumber(fromEnv('SUBAGENT_MCP_HTTP_PORT')),
    envSource('SUBAGENT_MCP_HTTP_PORT'),
  );
  set(['http', 'token'], fromEnv('SUBAGENT_MCP_HTTP_TOKEN'), envSource('SUBAGENT_MCP_HTTP_TOKEN'));
  set('defaultProvider', flags.provider, 'flag --provider');
  set(
    'allowedRoots',
    flags['allowed-root']?.map((root) => resolve(cwd, root)),
    'flag --allowed-root',
  );
  set('defaultPermissions', flags.permissions, 'flag --permissions');
  set(['timeouts', 'defaultSeconds'], toNumber(flags.timeout), 'flag --timeout');
  set(['timeouts', 'maxSeconds'], toNumber(flags['max-timeout']), 'flag --max-timeout');
  set(['timeouts', 'idleSeconds'], toNumber(flags['idle-timeout']), 'flag --idle-timeout');
  set('maxConcurrentRuns', toNumber(flags['max-concurrent']), 'flag --max-concurrent');
  set('maxDepth', toNumber(flags['max-depth']), 'flag --max-depth');
  set('stateDir', flags['state-dir'], 'flag --state-dir');
  set('warm', flags['no-warm'] ? false : undefined, 'flag --no-warm');
  set(['http', 'host'], flags.host, 'flag --host');
  set(['http', 'port'], toNumber(flags.port), 'flag --port');

  const parsed = configSchema.safeParse(merged);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const key = issue.path.map(String).join('.') || '(root)';
      const source = sources.get(key) ?? (configPath ? `config file ${configPath}` : 'defaults');
      return `${key}: ${issue.message} (from ${source})`;
    });
    throw new AgentError('config_invalid', `Invalid configuration — ${problems.join('; ')}`);
  }
  const config = parsed.data;
  if (config.timeouts.defaultSeconds > config.timeouts.maxSeconds) {
    throw new AgentError(
      'config_invalid',
      `Invalid configuration — timeouts.defaultSeconds (${config.timeouts.defaultSeconds}) exceeds timeouts.maxSeconds (${config.timeouts.maxSeconds})`,
    );
  }
  return {
    config: {
      ...config,
      allowedRoots: (config.allowedRoots ?? [cwd]).map((root) => resolve(root)),
      stateDir: resolve(cwd, config.stateDir ?? defaultStateDir(env)),
    },
    http: flags.http ?? false,
    showHelp: flags.help ?? false,
    showVersion: flags.version ?? false,
    ...(configFile ? { configFile } : {}),
  };
}

function readConfigFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new AgentError(
      'config_invalid',
      `Cannot read config file ${path}: ${(error as Error).message}`,
    );
  }
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new Error('the top level must be a JSON object');
    }
    return value as Record<string, unknown>;
  } catch (error) {
    throw new AgentError(
      'config_invalid',
      `Config file ${path} is not valid JSON: ${(error as Error).message}`,
    );
  }
}

// A non-number string is passed through so the schema reports it against the right key.
function toNumber(value: string | undefined): number | string | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const number = Number(value);
  return Number.isFinite(number) ? number : value;
}

// 0/false/off and 1/true/on; anything else is passed through for the schema to report.
function toBoolean(value: string | undefined): boolean | string | undefined {
  const word = value?.trim().toLowerCase();
  if (word === undefined || word === '') return undefined;
  if (['0', 'false', 'off', 'no'].includes(word)) return false;
  if (['1', 'true', 'on', 'yes'].includes(word)) return true;
  return value;
}

function defaultStateDir(env: Record<string, string | undefined>): string {
  const base = env.XDG_STATE_HOME || join(env.HOME || homedir(), '.local', 'state');
  return join(base, 'subagent-mcp');
}
