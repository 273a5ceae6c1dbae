/**
 * Guards the stdio transport against a message longer than it reads: the SDK's stdio transport
 * closes the connection (and the server exits) on the first line over its buffer limit. This
 * passes complete lines within `maxLineBytes` on, one at a time, and drops a longer one as it
 * arrives (never holding more than the limit), telling `onOversized` its size and, when the
 * line's start or end shows it, the request id — so the request can still be answered.
 */
import { Transform } from 'node:stream';

export interface OversizedLine {
  bytes: number;
  /** The JSON-RPC id, when the line starts or ends with it at the top level. */
  id?: string | number;
}

/** Bytes kept of an oversized line's start and end to find its id. */
const edgeBytes = 256;
const newline = 0x0a;

export function boundLines(
  maxLineBytes: number,
  onOversized: (line: OversizedLine) => void,
): Transform {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let dropping: { head: Buffer; tail: Buffer; bytes: number } | undefined;

  const take = (piece: Buffer, isComplete: boolean, push: (line: Buffer) => void) => {
    if (!dropping && pendingBytes + piece.length > maxLineBytes + (isComplete ? 1 : 0)) {
      const head = Buffer.concat([...pending, piece.subarray(0, edgeBytes)]).subarray(0, edgeBytes);
      dropping = { head, tail: Buffer.alloc(0), bytes: pendingBytes };
      pending = [];
      pendingBytes = 0;
    }
    if (dropping) {
      dropping.tail = Buffer.concat([dropping.tail, piece.subarray(-edgeBytes)]).subarray(
        -edgeBytes,
      );
      dropping.bytes += piece.length;
      if (isComplete) {
        onOversized({ bytes: dropping.bytes, id: findRequestId(dropping.head, dropping.tail) });
        dropping = undefined;
      }
      return;
    }
    pending.push(piece);
    pendingBytes += piece.length;
    if (isComplete) {
      push(pending.length === 1 ? pending[0]! : Buffer.concat(pending));
      pending = [];
      pendingBytes = 0;
    }
  };

  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      let start = 0;
      while (start < chunk.length) {
        const end = chunk.indexOf(newline, start);
        const isComplete = end !== -1;
        take(chunk.subarray(start, isComplete ? end + 1 : chunk.length), isComplete, (line) =>
          this.push(line),
        );
        start = isComplete ? end + 1 : chunk.length;
      }
      done();
    },
  });
}

const idValue = String.raw`(-?\d+|"(?:[^"\\]|\\.)*")`;
/** `{"id":…` or `{"jsonrpc":"2.0","id":…` at the start of the message. */
const leadingId = new RegExp(
  String.raw`^\s*\{\s*(?:"jsonrpc"\s*:\s*"2\.0"\s*,\s*)?"id"\s*:\s*${idValue}`,
);
/** `…,"id":…}` closing the message (the SDK client writes the id last). */
const trailingId = new RegExp(String.raw`,\s*"id"\s*:\s*${idValue}\s*\}\s*$`);

function findRequestId(head: Buffer, tail: Buffer): string | number | undefined {
  const found = leadingId.exec(head.toString('utf8')) ?? trailingId.exec(tail.toString('utf8'));
  if (!found) return undefined;
  try {
    return JSON.parse(found[1]!) as string | number;
  } catch {
    return undefined;
  }
}
