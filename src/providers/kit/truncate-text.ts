/** Longest tool output kept in a `tool-result` event, in characters (unless a provider says otherwise). */
export const toolOutputLimit = 4000;

/** `text` cut to `limit` characters, saying how many more there were. */
export function truncate(text: string, limit: number): string {
  if (text.length <= limit) return text;
  return `${text.slice(0, limit)}… [${text.length - limit} more characters]`;
}
