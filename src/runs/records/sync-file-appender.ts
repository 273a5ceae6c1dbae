import { closeSync, openSync, unlinkSync, writeSync } from 'node:fs';

/**
 * Appends text to files through one reused buffer of `bufferBytes`, written out with
 * synchronous writes to the file kept open. Synchronous on purpose: a write of a few KiB to a
 * local file is a page-cache copy of microseconds, and measured with 32 runs streaming at
 * once, appending through the thread pool (fs/promises) cost the server about 20 MiB more
 * peak memory (docs/run-records.md). After a failure every later call does nothing and
 * `failed` is true.
 */
export interface SyncFileAppender {
  /** Buffers `text` (of `bytes` UTF-8 bytes) for the end of `path`. */
  append(path: string, text: string, bytes: number): void;
  /** Writes what is buffered. */
  flush(): void;
  remove(path: string): void;
  /** Writes what is buffered and closes the file; appending again reopens one. */
  close(): void;
  readonly failed: boolean;
}

export function createSyncFileAppender(bufferBytes: number): SyncFileAppender {
  const buffer = Buffer.allocUnsafe(bufferBytes);
  let used = 0;
  let bufferedPath: string | undefined;
  let open: { path: string; descriptor: number } | undefined;
  let failed = false;

  const writeAll = (path: string, bytes: Buffer, length: number) => {
    if (open?.path !== path) {
      closeFile();
      open = { path, descriptor: openSync(path, 'a', 0o600) };
    }
    for (let written = 0; written < length;) {
      written += writeSync(open.descriptor, bytes, written, length - written);
    }
  };
  const flush = () => {
    if (used > 0 && bufferedPath !== undefined) writeAll(bufferedPath, buffer, used);
    used = 0;
  };
  const closeFile = () => {
    const closing = open;
    open = undefined;
    if (closing) closeSync(closing.descriptor);
  };
  const guarded = (work: () => void) => {
    if (failed) return;
    try {
      work();
    } catch {
      failed = true;
      used = 0;
      try {
        closeFile();
      } catch {
        // Already failed; nothing more to do.
      }
    }
  };

  return {
    append(path, text, bytes) {
      guarded(() => {
        if (path !== bufferedPath || used + bytes > buffer.length) flush();
        bufferedPath = path;
        if (bytes > buffer.length) return writeAll(path, Buffer.from(text), bytes);
        buffer.write(text, used);
        used += bytes;
      });
    },
    flush: () => guarded(flush),
    remove(path) {
      guarded(() => {
        if (bufferedPath === path) used = 0;
        if (open?.path === path) closeFile();
        unlinkSync(path);
      });
    },
    close: () =>
      guarded(() => {
        flush();
        closeFile();
      }),
    get failed() {
      return failed;
    },
  };
}
