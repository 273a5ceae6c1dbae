import type { AgentEventOf } from '../../events/index.js';

/**
 * The file a successful editing tool call changed (Gemini CLI 0.61.0 tools: `write_file`
 * creates or replaces a file, `replace` edits one; both take `file_path`). write_file does not
 * say whether the file existed, so its kind is `unknown`.
 */
export function fileChangeFor(
  toolName: string,
  input: unknown,
): AgentEventOf<'file-change'> | undefined {
  if (toolName !== 'write_file' && toolName !== 'replace') return undefined;
  const path = (input as { file_path?: unknown } | null)?.file_path;
  if (typeof path !== 'string') return undefined;
  return { type: 'file-change', path, kind: toolName === 'replace' ? 'update' : 'unknown' };
}
