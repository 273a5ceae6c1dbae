import type { Permissions } from '../../events/index.js';
import { AgentError } from '../../errors/index.js';

export interface GeminiArgsOptions {
  prompt: string;
  model?: string;
  instructions?: string;
  permissions: Permissions;
  /** Continue this session (`--resume`). */
  resumeSessionId?: string;
  /** The id to give a new session (`--session-id`), so it is known before the first line. */
  newSessionId?: string;
  extraArgs?: readonly string[];
}

/**
 * What each `permissions` level becomes (`--approval-mode`). In headless mode Gemini CLI 0.61.0
 * does not offer the model the tools that would need an approval, so a level is the set of
 * tools offered (see docs/providers/gemini.md for what was observed):
 * - `default`: reading and searching only (no shell, no file writes, no web fetch);
 * - `auto_edit`: plus `write_file` and `replace` inside the workspace, and `web_fetch`;
 * - `yolo`: every tool, the shell included.
 */
export const geminiApprovalModes = {
  'read-only': 'default',
  'workspace-write': 'auto_edit',
  'full-access': 'yolo',
} as const satisfies Record<Permissions, string>;

/**
 * argv for one `gemini` headless turn. The prompt is given as `--prompt=<text>`, so a prompt
 * starting with `-` cannot be read as a flag. Gemini CLI has no flag that adds to its system
 * prompt (`GEMINI_SYSTEM_MD` replaces all of it, tool guidance included), so `instructions` are
 * refused rather than dropped.
 */
export function buildGeminiArgs(options: GeminiArgsOptions): string[] {
  if (options.instructions !== undefined) {
    throw new AgentError(
      'invalid_input',
      'The gemini provider cannot take instructions: Gemini CLI has no way to add to its system prompt. Put them in the prompt instead.',
    );
  }
  return [
    `--prompt=${options.prompt}`,
    '--output-format',
    'stream-json',
    ...(options.model === undefined ? [] : ['--model', options.model]),
    '--approval-mode',
    geminiApprovalModes[options.permissions],
    ...(options.resumeSessionId !== undefined
      ? ['--resume', options.resumeSessionId]
      : options.newSessionId !== undefined
        ? ['--session-id', options.newSessionId]
        : []),
    ...(options.extraArgs ?? []),
  ];
}
