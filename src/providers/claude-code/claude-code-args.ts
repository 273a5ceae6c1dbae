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
  return [...buildSessionFlags(options), '--', options.prompt];
}

/**
 * argv for a live `claude` session: the same flags as {@link buildClaudeCodeArgs}, no prompt,
 * and `--input-format stream-json`, so each user message is a line on stdin and the process
 * stays for the next one (claude-code-stream-input.ts).
 */
export function buildClaudeCodeSessionArgs(
  options: Omit<ClaudeCodeArgsOptions, 'prompt'>,
): string[] {
  const [print, ...flags] = buildSessionFlags(options);
  return [print!, '--input-format', 'stream-json', ...flags];
}

function buildSessionFlags(options: Omit<ClaudeCodeArgsOptions, 'prompt'>): string[] {
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
