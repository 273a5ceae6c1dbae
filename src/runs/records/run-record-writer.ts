/**
 * Writes one run's events to its record, `<n>.jsonl`: one normalized event per line, deltas of
 * one block merged into one line. Within `maxBytes` everything is kept. Past half of it the
 * record keeps its beginning in the file and its most recent events in tail segments beside
 * it (`<n>.tail-<k>.jsonl`, the oldest removed first); at the end the kept tail is appended
 * after a `warning` line that says how much was dropped, and the `run-end` (with the whole
 * answer) always goes last. Memory: one write buffer and one merged delta, both bounded.
 */
import { appendFileSync, readFileSync, unlinkSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { AgentEvent, RunEndEvent } from '../../events/index.js';
import { createSyncFileAppender } from './sync-file-appender.js';

export interface RunRecordWriter {
  write(event: AgentEvent): void;
  /**
   * Closes the record with the run's `run-end`, or with `fallbackEnd` when the run produced
   * none. Returns whether the record was written whole (no I/O failure).
   */
  finish(fallbackEnd: RunEndEvent): boolean;
  /** The record so far, as it will read once finished (for a read while the run goes on). */
  snapshot(): Promise<string>;
}

export interface RunRecordWriterOptions {
  /** The record's file, already created (exclusively, so its number is ours). */
  path: string;
  maxBytes: number;
}

// Small on purpose: many runs may stream at once.
const bufferBytes = 32 * 1024;
const maxMergedDeltaCharacters = 16 * 1024;
const keptTailSegments = 4;

type Delta = Extract<AgentEvent, { type: 'text-delta' | 'reasoning-delta' }>;

interface Segment {
  path: string;
  bytes: number;
  events: number;
}

export function createRunRecordWriter(options: RunRecordWriterOptions): RunRecordWriter {
  const headLimit = Math.floor(options.maxBytes / 2);
  const segmentLimit = Math.floor(options.maxBytes / (2 * keptTailSegments));
  const segmentPrefix = options.path.replace(/\.jsonl$/, '');
  const files = createSyncFileAppender(bufferBytes);
  let headBytes = 0;
  let segmentCount = 0;
  const segments: Segment[] = [];
  const dropped = { events: 0, bytes: 0 };
  let target = options.path;
  let delta: { event: Delta; parts: string[]; length: number } | undefined;
  let hasEnded = false;

  const startSegment = (): Segment => {
    segmentCount += 1;
    const segment = { path: `${segmentPrefix}.tail-${segmentCount}.jsonl`, bytes: 0, events: 0 };
    segments.push(segment);
    target = segment.path;
    while (segments.length > keptTailSegments) {
      const oldest = segments.shift()!;
      dropped.events += oldest.events;
      dropped.bytes += oldest.bytes;
      files.remove(oldest.path);
    }
    return segment;
  };

  /** Buffers a line where it belongs; a `forced` line (the run-end) ignores the bounds. */
  const append = (event: AgentEvent, forced = false) => {
    if (files.failed) return;
    const line = `${JSON.stringify(event)}\n`;
    const bytes = Buffer.byteLength(line);
    if (segments.length === 0 && (forced || headBytes + bytes <= headLimit)) {
      headBytes += bytes;
    } else {
      let segment = segments.at(-1);
      if (!segment || (!forced && segment.bytes > 0 && segment.bytes + bytes > segmentLimit)) {
        segment = startSegment();
      }
      segment.bytes += bytes;
      segment.events += 1;
    }
    files.append(target, line, bytes);
  };

  const appendMergedDelta = () => {
    if (!delta) return;
    const merged = { ...delta.event, delta: delta.parts.join('') };
    delta = undefined;
    append(merged);
  };

  const droppedWarning = (): string => {
    const message = `Run record cut: ${dropped.events} events (${dropped.bytes} bytes) from the middle of the run were dropped to keep it within records.maxRunBytes (${options.maxBytes} bytes).`;
    return `${JSON.stringify({ type: 'warning', message } satisfies AgentEvent)}\n`;
  };

  /** Appends the kept tail (after the warning) to the record, leaving one file. */
  const joinSegments = () => {
    files.close();
    if (segments.length === 0 || files.failed) return;
    try {
      if (dropped.events > 0) appendFileSync(options.path, droppedWarning());
      // Each segment is at most maxBytes / 8, plus the run-end in the last one.
      for (const segment of segments) {
        appendFileSync(options.path, readFileSync(segment.path));
        unlinkSync(segment.path);
      }
    } catch {
      return;
    }
    segments.length = 0;
    dropped.events = 0;
  };

  return {
    write(event) {
      if (hasEnded) return;
      if (event.type === 'text-delta' || event.type === 'reasoning-delta') {
        if (
          delta &&
          delta.event.type === event.type &&
          delta.event.blockId === event.blockId &&
          delta.length + event.delta.length <= maxMergedDeltaCharacters
        ) {
          delta.parts.push(event.delta);
          delta.length += event.delta.length;
          return;
        }
        appendMergedDelta();
        delta = { event, parts: [event.delta], length: event.delta.length };
        return;
      }
      appendMergedDelta();
      if (event.type === 'run-end') hasEnded = true;
      append(event, event.type === 'run-end');
    },

    finish(fallbackEnd) {
      if (!hasEnded) {
        appendMergedDelta();
        hasEnded = true;
        append(fallbackEnd, true);
      }
      joinSegments();
      return !files.failed && segments.length === 0;
    },

    async snapshot() {
      files.flush();
      const parts = [await readFile(options.path, 'utf8')];
      if (dropped.events > 0) parts.push(droppedWarning());
      for (const segment of [...segments]) {
        parts.push(await readFile(segment.path, 'utf8').catch(() => ''));
      }
      return parts.join('');
    },
  };
}
