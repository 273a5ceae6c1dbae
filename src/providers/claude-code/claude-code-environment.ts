import type { Permissions } from '../../events/index.js';
import {
  buildChildEnvironment,
  type BaseEnvironment,
  type EnvironmentOverrides,
} from '../kit/child-environment.js';

/**
 * Variables a running Claude Code sets for the processes it starts (its Bash tool, hooks and
 * MCP servers — such as this server), found in the 2.1.330 binary. Inherited by a nested
 * `claude`, they would make it believe it is that session's child: shared session id,
 * "launched by" lineage, entrypoint, effort level, IDE port, and (2.1.332, also set by 2.1.330)
 * the parent's messaging socket and its token, which a nested `claude` reads and must not talk
 * to. Claude Code deletes most of them itself before it launches an independent session.
 */
export const claudeCodeSessionVariables = [
  'CLAUDECODE',
  'CLAUDE_CODE_ENTRYPOINT',
  'CLAUDE_CODE_SESSION_ID',
  'CLAUDE_CODE_CHILD_SESSION',
  'CLAUDE_CODE_SESSION_ATTENDED',
  'CLAUDE_CODE_LAUNCHED_BY_SESSION_IDS',
  'CLAUDE_CODE_CHILD_NOTES_DIR',
  'CLAUDE_CODE_CHROME_MCP_ORG_DENIED',
  'CLAUDE_CODE_STARTER_MAY_HOLD_CONNECTOR_FILE',
  'CLAUDE_CODE_SSE_PORT',
  'CLAUDE_CODE_EXECPATH',
  'CLAUDE_CODE_MESSAGING_SOCKET',
  'CLAUDE_CODE_MESSAGING_TOKEN',
  'CLAUDE_PROJECT_DIR',
  'CLAUDE_AGENT_SDK_VERSION',
  'CLAUDE_PID',
  'CLAUDE_EFFORT',
] as const;

/**
 * The child environment for one `claude` run: the base environment without the variables of
 * an enclosing Claude Code session, then the configured overrides, then `PWD` = cwd.
 *
 * `IS_SANDBOX` is removed too (a machine may carry `IS_SANDBOX=yes`, which Claude Code reads
 * as "sandboxed" in places), except for full access, where it is `1`: the only way Claude
 * Code accepts `bypassPermissions` as root.
 */
export function buildClaudeCodeEnvironment(
  base: BaseEnvironment,
  overrides: EnvironmentOverrides,
  permissions: Permissions,
  cwd: string,
): Record<string, string> {
  return buildChildEnvironment(base, {
    remove: [...claudeCodeSessionVariables, 'IS_SANDBOX'],
    defaults: permissions === 'full-access' ? { IS_SANDBOX: '1' } : {},
    overrides,
    cwd,
  });
}
