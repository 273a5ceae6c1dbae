/**
 * The command line alone, without the configuration schema: `--help` and `--version` are
 * answered from here before anything else loads (and whatever the config file or environment
 * says).
 */
import { parseArgs } from 'node:util';
import { AgentError } from '../errors/agent-error.js';

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
  'no-warm': { type: 'boolean' },
  http: { type: 'boolean' },
  host: { type: 'string' },
  port: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const;

export type CommandLineFlags = ReturnType<
  typeof parseArgs<{ options: typeof flagOptions }>
>['values'];

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
  --no-warm                no warm agent process: each run starts its own
                                                                  SUBAGENT_MCP_WARM=0
  --http                   serve Streamable HTTP on /mcp instead of stdio
  --host <addr>            HTTP bind address (127.0.0.1)          SUBAGENT_MCP_HTTP_HOST
  --port <n>               HTTP port, 0 = any free one (0)        SUBAGENT_MCP_HTTP_PORT
                           HTTP bearer token (default: generated into <state-dir>/http-token)
                                                                  SUBAGENT_MCP_HTTP_TOKEN
  -h, --help, -v, --version
`;

/** The flags as given; throws AgentError('config_invalid') for an unknown or malformed one. */
export function parseCommandLine(argv: readonly string[]): CommandLineFlags {
  try {
    return parseArgs({ args: [...argv], options: flagOptions, strict: true }).values;
  } catch (error) {
    throw new AgentError('config_invalid', `Invalid command line: ${(error as Error).message}`);
  }
}
