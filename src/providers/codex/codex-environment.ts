import {
  buildChildEnvironment,
  type BaseEnvironment,
  type EnvironmentOverrides,
} from '../kit/child-environment.js';

/**
 * Variables a running Codex 0.169.0 sets for the commands it runs (seen in the environment of
 * its shell tool, and read back by the binary), or that its npm wrapper sets for the binary.
 * Inherited by a nested `codex` (this server started from a Codex shell command), they would
 * make it a part of that session: Codex reads an inherited session id as its parent agent
 * session, `CODEX_SANDBOX*` tell it that it already runs inside a sandbox, and the wrapper's
 * provenance points at another installation. What each one does is in docs/providers/codex.md.
 */
export const codexSessionVariables = [
  'CODEX_SESSION_ID',
  'CODEX_THREAD_ID',
  'CODEX_TOOL_CALL_ID',
  'CODEX_SANDBOX',
  'CODEX_SANDBOX_NETWORK_DISABLED',
  'CODEX_CI',
  'CODEX_VERSION',
  'CODEX_PERMISSION_PROFILE',
  'CODEX_APPLY_PATCH_PRESERVE_LINE_ENDINGS',
  'CODEX_INTERNAL_ORIGINATOR_OVERRIDE',
  'CODEX_MANAGED_BY_NPM',
  'CODEX_MANAGED_BY_BUN',
  'CODEX_MANAGED_BY_PNPM',
  'CODEX_MANAGED_BY_VITE_PLUS',
  'CODEX_MANAGED_PACKAGE_ROOT',
] as const;

/**
 * The child environment for one `codex app-server`: the base environment without the
 * variables of an enclosing Codex session, then the configured overrides, then `PWD` = cwd.
 */
export function buildCodexEnvironment(
  base: BaseEnvironment,
  overrides: EnvironmentOverrides,
  cwd: string,
): Record<string, string> {
  return buildChildEnvironment(base, { remove: codexSessionVariables, overrides, cwd });
}
