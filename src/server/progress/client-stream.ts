/**
 * How far the client is behind. Over stdio the SDK's `send` already resolves only once stdout
 * has drained; over Streamable HTTP it resolves as soon as the message is queued in the
 * request's SSE stream, which is unbounded, so the transport lends us the request's HTTP
 * response and a sender waits for it to drain before the next notification.
 */
import type { Writable } from 'node:stream';
import type { RequestId } from '@modelcontextprotocol/server';

export type ClientStream = Pick<Writable, 'writableNeedDrain' | 'destroyed' | 'once' | 'off'>;

/** The stream that carries the messages of the request with this id, when the transport knows it. */
export type ClientStreamLookup = (requestId: RequestId) => ClientStream | undefined;

/** Resolves once `stream` takes more without buffering (at once when it does already or is gone). */
export function whenDrained(stream: ClientStream): Promise<void> {
  if (!stream.writableNeedDrain || stream.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      stream.off('drain', done);
      stream.off('close', done);
      resolve();
    };
    stream.once('drain', done);
    stream.once('close', done);
  });
}
