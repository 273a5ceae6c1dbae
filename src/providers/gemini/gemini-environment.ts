import {
  buildChildEnvironment,
  type BaseEnvironment,
  type EnvironmentOverrides,
} from '../kit/child-environment.js';

/**
 * Variables a running Gemini CLI (0.61.0) sets for the processes it starts: its shell tool
 * (`GEMINI_CLI=1`) and its hooks (project, plans and working directories, session id, and
 * Claude Code's project variable for compatibility). Inherited by a nested `gemini`, they would
 * describe the enclosing session, not the new one.
 */
export const geminiSessionVariables = [
  'GEMINI_CLI',
  'GEMINI_PROJECT_DIR',
  'GEMINI_PLANS_DIR',
  'GEMINI_CWD',
  'GEMINI_SESSION_ID',
  'CLAUDE_PROJECT_DIR',
] as const;

/**
 * Defaults the child gets unless the configured overrides set them:
 * - `GEMINI_CLI_NO_RELAUNCH=true`: without it the CLI re-spawns itself with a bigger heap, which
 *   costs ~1.3 s per run, and the parent ignores SIGINT/SIGTERM, so an interrupt would not reach
 *   the real process;
 * - `GEMINI_CLI_TRUST_WORKSPACE=true`: headless runs in an untrusted folder exit 55, and the run's
 *   cwd has already been checked against the server's allowed roots.
 */
export const geminiDefaultVariables = {
  GEMINI_CLI_NO_RELAUNCH: 'true',
  GEMINI_CLI_TRUST_WORKSPACE: 'true',
} as const;

/**
 * The child environment for one `gemini` run: the base environment (the server's own plus the
 * nesting depth counter: API keys, GEMINI_CLI_HOME, proxies and PATH stay) without the
 * variables of an enclosing Gemini CLI session, then our defaults, then the configured
 * overrides, then `extra`, then `PWD` = cwd.
 */
export function buildGeminiEnvironment(
  base: BaseEnvironment,
  overrides: EnvironmentOverrides,
  cwd: string,
  extra: Readonly<Record<string, string>> = {},
): Record<string, string> {
  return buildChildEnvironment(base, {
    remove: geminiSessionVariables,
    defaults: geminiDefaultVariables,
    overrides: { ...overrides, ...extra },
    cwd,
  });
}
