import {
  buildChildEnvironment,
  type BaseEnvironment,
  type EnvironmentOverrides,
} from '../kit/child-environment.js';

/**
 * Variables a running opencode 1.18.33 sets for every process it starts (its bash tool, PTYs,
 * MCP servers — such as this server — and workspace children), found in the binary and in the
 * environment its bash tool sees. Inherited by a nested `opencode serve`, they would describe
 * the enclosing opencode instead: its pid, its client kind (`acp`), its terminal, its
 * workspace (which changes how the server routes requests), and its server's Basic-auth
 * credentials (ours are set explicitly). A new opencode sets AGENT, OPENCODE and OPENCODE_PID
 * again for its own children. What each does is in docs/providers/opencode.md.
 */
export const opencodeSessionVariables = [
  'AGENT',
  'OPENCODE',
  'OPENCODE_PID',
  'OPENCODE_CLIENT',
  'OPENCODE_TERMINAL',
  'OPENCODE_WORKSPACE_ID',
  'OPENCODE_EXPERIMENTAL_WORKSPACES',
  'OPENCODE_SERVER_USERNAME',
  'OPENCODE_SERVER_PASSWORD',
] as const;

/** The Basic-auth user name opencode expects when OPENCODE_SERVER_USERNAME is not set. */
export const opencodeServerUsername = 'opencode';

/**
 * The environment of an `opencode serve` we start, without its password: the base environment
 * (the server's own plus the nesting depth counter: API keys, XDG dirs, OPENCODE_CONFIG*,
 * proxies and PATH stay) without the variables of an enclosing opencode, then the configured
 * overrides. {@link withServerCredentials} adds the credentials; `PWD` is set at spawn.
 */
export function buildOpencodeEnvironment(
  base: BaseEnvironment,
  overrides: EnvironmentOverrides,
): Record<string, string> {
  return buildChildEnvironment(base, { remove: opencodeSessionVariables, overrides });
}

/** The environment with our server's Basic-auth credentials, which nothing may override. */
export function withServerCredentials(
  environment: Readonly<Record<string, string>>,
  password: string,
): Record<string, string> {
  return {
    ...environment,
    OPENCODE_SERVER_USERNAME: opencodeServerUsername,
    OPENCODE_SERVER_PASSWORD: password,
  };
}
