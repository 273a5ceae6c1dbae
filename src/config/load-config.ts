import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { AgentError } from '../errors/index.js';
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

const flagOptions = {
  config: { type: 'string' },
  provider: { type: 'string' },
  'allowed-root': { type: 'string', multiple: true },
  permissions: { type: 'string' },
  timeout: { type: 'string' },
  'max-timeout': { type: 'string' },
  'idle-timeout': { type: 'string' },
  'max-concurrent': { type: 'string' },
  'max-depth': { type: 'string' },
  'state-dir': { type: 'string' },
  http: { type: 'boolean' },
  host: { type: 'string' },
  port: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const;

export const configHelp = `Usage: subagent-mcp [options]
       subagent-mcp doctor [--json] [options]

Runs the subagent-mcp MCP server on stdio, or with --http on Streamable HTTP (docs/http.md).
\`doctor\` checks instead what delegation needs (each provider found, version and login, state
directory, allowed roots, nesting depth) and says what to do; it exits 0 when the default
provider can run, 1 when not, 2 on a configuration error. --json prints the report as JSON.

Options (each also settable by environment variable or in the JSON config file):
  --config <file>          JSON config file                      SUBAGENT_MCP_CONFIG
  --provider <id>          default provider (claude-code)        SUBAGENT_MCP_DEFAULT_PROVIDER
  --allowed-root <dir>     allowed cwd root, repeatable           SUBAGENT_MCP_ALLOWED_ROOTS (":"-separated)
  --permissions <mode>     read-only | workspace-write | full-access   SUBAGENT_MCP_PERMISSIONS
  --timeout <s>            default run timeout (1800)             SUBAGENT_MCP_TIMEOUT_SECONDS
  --max-timeout <s>        cap for timeout_seconds (7200)         SUBAGENT_MCP_MAX_TIMEOUT_SECONDS
  --idle-timeout <s>       end a run silent this long (600)       SUBAGENT_MCP_IDLE_TIMEOUT_SECONDS
  --max-concurrent <n>     runs at once, others queue (4)         SUBAGENT_MCP_MAX_CONCURRENT
  --max-depth <n>          nesting limit (2)                      SUBAGENT_MCP_MAX_DEPTH
  --state-dir <dir>        session store ($XDG_STATE_HOME/subagent-mcp)   SUBAGENT_MCP_STATE_DIR
  --http                   serve Streamable HTTP on /mcp instead of stdio
  --host <addr>            HTTP bind address (127.0.0.1)          SUBAGENT_MCP_HTTP_HOST
  --port <n>               HTTP port, 0 = any free one (0)        SUBAGENT_MCP_HTTP_PORT
                           HTTP bearer token (default: generated into <state-dir>/http-token)
                                                                  SUBAGENT_MCP_HTTP_TOKEN
  -h, --help, -v, --version
`;

/**
 * Reads flags, environment and the optional config file into one validated configuration.
 * Throws AgentError('config_invalid') naming the offending key and where it came from.
 */
export function loadConfig(options: LoadConfigOptions): LoadedConfig {
  const { env, cwd } = options;
  let flags: ReturnType<typeof parseArgs<{ options: typeof flagOptions }>>['values'];
  try {
    flags = parseArgs({ args: [...options.argv], options: flagOptions, strict: true }).values;
  } catch (error) {
    throw new AgentError('config_invalid', `Invalid command line: ${(error as Error).message}`);
  }

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

function defaultStateDir(env: Record<string, string | undefined>): string {
  const base = env.XDG_STATE_HOME || join(env.HOME || homedir(), '.local', 'state');
  return join(base, 'subagent-mcp');
}
