export interface ReadLinesOptions {
  /**
   * Longest line kept, in characters (default 64 Mi). The rest of a longer line is dropped,
   * so a runaway line cannot exhaust memory; the truncated prefix is still yielded.
   */
  maxLineLength?: number;
}

const DEFAULT_MAX_LINE_LENGTH = 64 * 1024 * 1024;
const newline = 0x0a;
// A character (UTF-16 code unit) takes at most 3 bytes of UTF-8 (4 bytes make 2 code units).
const maxBytesPerCharacter = 3;

/**
 * The lines of a byte stream (such as a child's stdout), without their `\n` or `\r\n`. UTF-8
 * characters and lines split across chunks are reassembled; a last line without a newline
 * is yielded too; empty lines are yielded as `''`.
 *
 * Lines are cut from the bytes and each decoded alone: decoding a whole chunk first would make
 * every line a slice that keeps the chunk's string alive, and allocate twice what it reads.
 */
export async function* readLines(
  input: AsyncIterable<Buffer | string>,
  options: ReadLinesOptions = {},
): AsyncGenerator<string, void, undefined> {
  const maxLineLength = options.maxLineLength ?? DEFAULT_MAX_LINE_LENGTH;
  const maxLineBytes = maxLineLength * maxBytesPerCharacter;
  // Bytes of the current line from earlier chunks, joined once at its end.
  let pieces: Buffer[] = [];
  let pendingBytes = 0;

  const append = (bytes: Buffer): void => {
    const room = maxLineBytes - pendingBytes;
    if (room <= 0 || bytes.length === 0) return;
    // A copy: a view would keep the child's whole read buffer alive while the line goes on.
    const kept = Buffer.from(bytes.length > room ? bytes.subarray(0, room) : bytes);
    pieces.push(kept);
    pendingBytes += kept.length;
  };
  const takeLine = (last: Buffer): string => {
    let bytes = last;
    if (pieces.length > 0) {
      append(last);
      bytes = Buffer.concat(pieces, pendingBytes);
      pieces = [];
      pendingBytes = 0;
    } else if (bytes.length > maxLineBytes) {
      bytes = bytes.subarray(0, maxLineBytes);
    }
    let line = bytes.toString('utf8');
    if (line.length > maxLineLength) line = line.slice(0, maxLineLength);
    return line.endsWith('\r') ? line.slice(0, -1) : line;
  };

  for await (const chunk of input) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    let start = 0;
    for (;;) {
      const end = bytes.indexOf(newline, start);
      if (end === -1) break;
      yield takeLine(bytes.subarray(start, end));
      start = end + 1;
    }
    append(bytes.subarray(start));
  }
  if (pendingBytes > 0) yield takeLine(Buffer.alloc(0));
}
