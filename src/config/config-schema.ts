/**
 * The server configuration: one zod schema for the JSON config file; environment variables and
 * command-line flags are folded into the same shape before validation (flags > env > file >
 * defaults).
 */
import { z } from 'zod';
import { permissionsSchema } from '../events/run-enums.js';
import { acpAgentsSchema } from '../providers/acp/acp-settings.js';
import { builtInProviderDefinitions } from '../providers/default-providers.js';
import { createProvidersSettingsSchema } from '../providers/provider-definition.js';

export const configSchema = z.strictObject({
  /** Provider used when a call names none. */
  defaultProvider: z.string().min(1).default('claude-code'),
  /** Absolute directories a run's cwd must lie in; the first is the default cwd. */
  allowedRoots: z
    .array(z.string().refine((path) => path.startsWith('/'), 'must be an absolute path'))
    .min(1)
    .optional(),
  /** Permissions used when a call names none. */
  defaultPermissions: permissionsSchema.default('workspace-write'),
  timeouts: z
    .strictObject({
      /** Wall-clock bound of a run that names no timeout_seconds. */
      defaultSeconds: z.number().positive().default(1800),
      /** Upper bound for any run's timeout_seconds. */
      maxSeconds: z.number().positive().default(7200),
      /** A run with no agent event for this long is ended as timed out. */
      idleSeconds: z.number().positive().default(600),
    })
    .prefault({}),
  /** Runs executing at once; further runs wait in a queue. */
  maxConcurrentRuns: z.number().int().positive().default(4),
  /** Deepest nesting allowed: a server at depth d refuses to start a run at depth d+1 > maxDepth. */
  maxDepth: z.number().int().nonnegative().default(2),
  /** Where sessions are recorded; default $XDG_STATE_HOME/subagent-mcp. */
  stateDir: z.string().min(1).optional(),
  /**
   * Run records: every run's events as JSON lines in <stateDir>/runs, served as MCP resources
   * (docs/run-records.md). A record past `maxRunBytes` keeps its beginning and its end; past
   * `maxTotalBytes` the oldest records are removed first.
   */
  records: z
    .strictObject({
      /** Bytes of events kept per run (its run-end, with the whole answer, always kept too). */
      maxRunBytes: z
        .number()
        .int()
        .min(64 * 1024)
        .default(4 * 1024 * 1024),
      /** Bytes of all records together. */
      maxTotalBytes: z
        .number()
        .int()
        .min(64 * 1024)
        .default(128 * 1024 * 1024),
    })
    .prefault({}),
  /**
   * Longest answer `text` a result carries, in characters; a longer one is cut in the middle and
   * says where the whole answer is (its run record). Chosen against Claude Code's 25,000-token
   * cap on MCP output (docs/run-records.md).
   */
  maxResultTextCharacters: z.number().int().min(1000).default(20_000),
  /** Seconds of silence before a heartbeat progress notification. */
  heartbeatSeconds: z.number().positive().max(15).default(15),
  /**
   * Warm processes (agent processes kept alive between runs, bounded by `providers.<id>.warm`);
   * false turns every one off: each run starts its own process.
   */
  warm: z.boolean().default(true),
  /** Per provider, `providers.<id>`: each provider's own settings (see its definition). */
  providers: createProvidersSettingsSchema(builtInProviderDefinitions),
  /**
   * Agent Client Protocol agents, each provider `acp:<name>`: a command line (`command`, `args`),
   * or a built-in preset's name (gemini, opencode, claude, codex) to change its settings.
   */
  acpAgents: acpAgentsSchema,
  /** The Streamable HTTP transport (used with `--http`); see docs/http.md. */
  http: z
    .strictObject({
      /** Address to bind; anything but loopback needs a configured token. */
      host: z.string().min(1).default('127.0.0.1'),
      /** TCP port; 0 picks a free one. */
      port: z.number().int().min(0).max(65535).default(0),
      /** Bearer token clients must send; default: generated into <stateDir>/http-token. */
      token: z.string().min(16, 'must be at least 16 characters').optional(),
      /** Browser origins (e.g. "http://localhost:3000") allowed to call; default none. */
      allowedOrigins: z
        .array(
          z
            .string()
            .refine(isOrigin, 'must be an origin such as "http://localhost:3000" (no path)'),
        )
        .default([]),
      /** A session with no request for this long is closed. */
      sessionIdleSeconds: z.number().positive().default(1800),
    })
    .prefault({}),
});

function isOrigin(value: string): boolean {
  try {
    return new URL(value).origin === value;
  } catch {
    return false;
  }
}

export type ConfigInput = z.input<typeof configSchema>;
export type ParsedConfig = z.output<typeof configSchema>;

/** The configuration with every default resolved. */
export interface ServerConfig extends Omit<ParsedConfig, 'allowedRoots' | 'stateDir'> {
  allowedRoots: string[];
  stateDir: string;
}
