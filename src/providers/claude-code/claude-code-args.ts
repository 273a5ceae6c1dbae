import type { Permissions } from '../../events/index.js';

export interface ClaudeCodeArgsOptions {
  prompt: string;
  model?: string;
  instructions?: string;
  permissions: Permissions;
  resumeSessionId?: string;
  extraArgs?: readonly string[];
}

/**
 * The tools that edit files. Read-only runs remove them outright (`--disallowedTools`), so
 * even an `allow` rule in the user's own settings cannot bring them back. MultiEdit is gone
 * in 2.1.330 but listed for older versions; an unknown name is ignored.
 */
export const claudeCodeEditingTools = ['Edit', 'MultiEdit', 'NotebookEdit', 'Write'] as const;

/**
 * argv for one `claude -p` turn. The prompt goes last, after `--`: variadic flags such as
 * `--disallowedTools` would otherwise swallow it (and a prompt starting with `-` would be
 * read as a flag).
 */
export function buildClaudeCodeArgs(options: ClaudeCodeArgsOptions): string[] {
  return [
    '-p',
    '--output-format',
    'stream-json',
    '--verbose',
    '--include-partial-messages',
    ...(options.model === undefined ? [] : ['--model', options.model]),
    ...(options.instructions === undefined ? [] : ['--append-system-prompt', options.instructions]),
    ...(options.resumeSessionId === undefined ? [] : ['--resume', options.resumeSessionId]),
    ...buildPermissionArgs(options.permissions),
    ...(options.extraArgs ?? []),
    '--',
    options.prompt,
  ];
}

function buildPermissionArgs(permissions: Permissions): string[] {
  switch (permissions) {
    case 'read-only':
      // Default mode in -p denies whatever would need approval (mutating shell commands);
      // read-only commands such as `echo` or `cat` still run.
      return ['--permission-mode', 'default', '--disallowedTools', ...claudeCodeEditingTools];
    case 'workspace-write':
      // Edits (and, since 2.1.330, mkdir/touch/rm) inside the working directory are accepted;
      // other mutating shell commands are still denied.
      return ['--permission-mode', 'acceptEdits'];
    case 'full-access':
      // Needs IS_SANDBOX=1 when running as root (see buildClaudeCodeEnvironment).
      return ['--permission-mode', 'bypassPermissions'];
  }
}
