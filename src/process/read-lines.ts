import { StringDecoder } from 'node:string_decoder';

export interface ReadLinesOptions {
  /**
   * Longest line kept, in characters (default 64 Mi). The rest of a longer line is dropped,
   * so a runaway line cannot exhaust memory; the truncated prefix is still yielded.
   */
  maxLineLength?: number;
}

const DEFAULT_MAX_LINE_LENGTH = 64 * 1024 * 1024;

/**
 * The lines of a byte stream (such as a child's stdout), without their `\n` or `\r\n`. UTF-8
 * characters and lines split across chunks are reassembled; a last line without a newline
 * is yielded too; empty lines are yielded as `''`.
 */
export async function* readLines(
  input: AsyncIterable<Buffer | string>,
  options: ReadLinesOptions = {},
): AsyncGenerator<string, void, undefined> {
  const maxLineLength = options.maxLineLength ?? DEFAULT_MAX_LINE_LENGTH;
  const decoder = new StringDecoder('utf8');
  // Pieces of the current line, joined once at its end (a long line arrives in many chunks).
  let pieces: string[] = [];
  let length = 0;
  let hasPending = false;

  const append = (text: string): void => {
    hasPending ||= text.length > 0;
    const room = maxLineLength - length;
    if (room <= 0) return;
    const kept = text.length > room ? text.slice(0, room) : text;
    pieces.push(kept);
    length += kept.length;
  };
  const takeLine = (): string => {
    const joined = pieces.join('');
    pieces = [];
    length = 0;
    hasPending = false;
    return joined.endsWith('\r') ? joined.slice(0, -1) : joined;
  };

  for await (const chunk of input) {
    const text = typeof chunk === 'string' ? chunk : decoder.write(chunk);
    let start = 0;
    for (;;) {
      const newline = text.indexOf('\n', start);
      if (newline === -1) break;
      append(text.slice(start, newline));
      yield takeLine();
      start = newline + 1;
    }
    append(text.slice(start));
  }
  append(decoder.end());
  if (hasPending) yield takeLine();
}
