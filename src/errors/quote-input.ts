/**
 * A caller's value quoted for an error message: JSON-quoted (so NUL, control characters and
 * lone surrogates show as escapes) and, when longer than `maxCharacters`, cut with an ellipsis
 * and the original length. An error never grows with its input: a 10 MB value must not come
 * back as a 10 MB error (three times over: text, structured text and error message).
 */
export const quotedInputCharacters = 120;

export function quoteInput(value: string, maxCharacters = quotedInputCharacters): string {
  if (value.length <= maxCharacters) return JSON.stringify(value);
  return `${JSON.stringify(shortenInput(value, maxCharacters))} (${value.length.toLocaleString('en-US')} characters)`;
}

/** `value` itself when short, else its first `maxCharacters` and an ellipsis (for a label). */
export function shortenInput(value: string, maxCharacters = quotedInputCharacters): string {
  if (value.length <= maxCharacters) return value;
  let end = maxCharacters;
  // Never split a surrogate pair: the cut would end in a lone high surrogate.
  if (isHighSurrogate(value.charCodeAt(end - 1)) && isLowSurrogate(value.charCodeAt(end))) end--;
  return `${value.slice(0, end)}…`;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}
