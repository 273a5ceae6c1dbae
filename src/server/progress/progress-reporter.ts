/**
 * Turns a run's events into MCP progress notifications: strictly increasing `progress`, a
 * readable `message`, the event itself under `_meta["subagent-mcp/event"]`; text and
 * reasoning deltas coalesced; a heartbeat during silence; nothing once closed.
 *
 * Backpressure: notifications go out one at a time (each `send` resolves once the transport
 * has taken it), and the run never waits for them: `push` only queues. While a send is
 * outstanding, deltas keep merging into one (bounded) notification, other events queue up to
 * a bound, and past it they are only counted, then reported as one summary notification once
 * the queue has drained. So a slow or stuck client costs bounded memory, never run time.
 */
import type { AgentEvent } from '../../events/index.js';
import { describeEvent } from './describe-event.js';
import {
  appendToPendingDelta,
  continuesDelta,
  finishesPendingDelta,
  isDeltaEvent,
  mergedDeltaEvent,
  startPendingDelta,
  type PendingDelta,
} from './pending-delta.js';

export const progressEventMetaKey = 'subagent-mcp/event';

export interface ProgressNotification {
  progress: number;
  message: string;
  _meta?: Record<string, unknown>;
}

export interface ProgressReporterOptions {
  provider: string;
  /** Resolves once the transport has taken the notification (or rejects); called serially. */
  send: (notification: ProgressNotification) => Promise<void>;
  /** Silence after which a heartbeat is sent (≤ 15 s). */
  heartbeatMs: number;
  /** Deltas are merged into at most one notification per interval. */
  coalesceMs?: number;
  /** Notifications waiting for the client, at most (default 100)… */
  maxQueued?: number;
  /** …and their events' size in JSON characters, at most (default 1,000,000). */
  maxQueuedCharacters?: number;
  /** Characters of merged delta text one notification carries, at most (default 8,000). */
  maxDeltaCharacters?: number;
}

export interface ProgressReporter {
  /** Queues the event's notification; never waits for the client. */
  push(event: AgentEvent): void;
  /** A status line without an event (queued, heartbeat). */
  status(message: string): void;
  /** Sends what is pending and stops; later pushes are ignored. */
  close(): Promise<void>;
}

interface QueuedNotification {
  message: string;
  event?: AgentEvent;
  /** Counted under this name when it has to be summarised. */
  kind: string;
  characters: number;
}

// Only the beginning of the answer is shown (describe-event previews 120 characters).
const answerPreviewCharacters = 1000;

export function createProgressReporter(options: ProgressReporterOptions): ProgressReporter {
  const coalesceMs = options.coalesceMs ?? 250;
  const maxQueued = options.maxQueued ?? 100;
  const maxQueuedCharacters = options.maxQueuedCharacters ?? 1_000_000;
  const maxDeltaCharacters = options.maxDeltaCharacters ?? 8_000;
  const startedAt = Date.now();
  const queue: QueuedNotification[] = [];
  let queuedCharacters = 0;
  const skipped = new Map<string, number>();
  let skippedCount = 0;
  let pending: PendingDelta | undefined;
  let isPendingDue = false;
  let deltaTimer: NodeJS.Timeout | undefined;
  let heartbeatTimer: NodeJS.Timeout | undefined;
  let progress = 0;
  let closed = false;
  let isSending = false;
  let sending = Promise.resolve();
  let cwd: string | undefined;
  let answerPreview = '';
  let answerBlockId: string | undefined;

  const line = (text: string) => `${options.provider} · ${text}`;
  const describe = (event: AgentEvent) =>
    describeEvent(options.provider, event, { cwd, answerSoFar: answerPreview });

  const enqueue = (item: QueuedNotification) => {
    if (item.kind === 'run-end') {
      // The end is never summarised: the summary of what was skipped goes just before it.
      const items = skippedCount > 0 ? [takeSummary(), item] : [item];
      for (const queued of items) {
        queue.push(queued);
        queuedCharacters += queued.characters;
      }
      return pump();
    }
    const isFull =
      queue.length >= maxQueued || queuedCharacters + item.characters > maxQueuedCharacters;
    // Once summarising, keep counting until the queue has drained, so the order stays true.
    if (skippedCount > 0 || (queue.length > 0 && isFull)) {
      skipped.set(item.kind, (skipped.get(item.kind) ?? 0) + 1);
      skippedCount += 1;
      return;
    }
    queue.push(item);
    queuedCharacters += item.characters;
    pump();
  };

  const takePending = (): QueuedNotification | undefined => {
    const taken = pending;
    if (!taken) return undefined;
    pending = undefined;
    isPendingDue = false;
    clearTimeout(deltaTimer);
    const event = mergedDeltaEvent(taken);
    const omitted = taken.omittedCharacters;
    const note = omitted > 0 ? ` (${formatCount(omitted)} more characters not shown)` : '';
    return {
      message: `${describe(event)}${note}`,
      event,
      kind: event.type,
      characters: event.delta.length,
    };
  };

  const flushPending = () => {
    const item = takePending();
    if (item) enqueue(item);
  };

  const takeSummary = (): QueuedNotification => {
    const counts = [...skipped].map(([kind, count]) => `${formatCount(count)} ${kind}`);
    const message = line(
      `${formatCount(skippedCount)} progress updates not shown: the client reads them more slowly than the agent works (${counts.join(', ')}); the run record keeps every event`,
    );
    skipped.clear();
    skippedCount = 0;
    return { message, kind: 'summary', characters: message.length };
  };

  const next = (): QueuedNotification | undefined => {
    const item = queue.shift();
    if (item) {
      queuedCharacters -= item.characters;
      return item;
    }
    if (skippedCount > 0) return takeSummary();
    if (pending && (isPendingDue || closed)) return takePending();
    return undefined;
  };

  const sendOne = async (item: QueuedNotification) => {
    progress += 1;
    const notification: ProgressNotification = { progress, message: item.message };
    if (item.event) notification._meta = { [progressEventMetaKey]: item.event };
    // A failed send (client gone) never breaks the run.
    await options.send(notification).catch(() => undefined);
  };

  const pump = () => {
    if (isSending) return;
    isSending = true;
    sending = (async () => {
      for (let item = next(); item; item = next()) await sendOne(item);
      // Cleared in the same turn as the last `next()`, so a later enqueue starts a new pump.
      isSending = false;
      scheduleHeartbeat();
    })();
  };

  const scheduleHeartbeat = () => {
    clearTimeout(heartbeatTimer);
    if (closed) return;
    heartbeatTimer = setTimeout(() => {
      // A client that has not taken the last notification gains nothing from another one.
      if (isSending) return scheduleHeartbeat();
      const seconds = Math.round((Date.now() - startedAt) / 1000);
      const message = line(`working (${seconds} s)`);
      enqueue({ message, kind: 'heartbeat', characters: message.length });
    }, options.heartbeatMs);
  };

  const pushDelta = (event: Extract<AgentEvent, { type: 'text-delta' | 'reasoning-delta' }>) => {
    if (event.type === 'text-delta') {
      if (event.blockId !== answerBlockId) answerPreview = '';
      answerBlockId = event.blockId;
      if (answerPreview.length < answerPreviewCharacters) {
        answerPreview += event.delta.slice(0, answerPreviewCharacters - answerPreview.length);
      }
    }
    if (pending && continuesDelta(pending, event)) {
      appendToPendingDelta(pending, event, maxDeltaCharacters);
      return;
    }
    flushPending();
    pending = startPendingDelta(event, maxDeltaCharacters);
    deltaTimer = setTimeout(() => {
      isPendingDue = true;
      pump();
    }, coalesceMs);
  };

  scheduleHeartbeat();

  return {
    push(event) {
      if (closed) return;
      if (event.type === 'run-start') cwd = event.cwd;
      if (isDeltaEvent(event)) return pushDelta(event);
      // A finished block supersedes its unsent deltas: one notification instead of two.
      if (pending && finishesPendingDelta(event, pending)) takePending();
      flushPending();
      if (event.type === 'text') answerPreview = event.text.slice(0, answerPreviewCharacters);
      enqueue({
        message: describe(event),
        event,
        kind: event.type,
        characters: JSON.stringify(event).length,
      });
    },
    status(message) {
      if (closed) return;
      flushPending();
      const text = line(message);
      enqueue({ message: text, kind: 'status', characters: text.length });
    },
    async close() {
      if (!closed) {
        closed = true;
        clearTimeout(heartbeatTimer);
        clearTimeout(deltaTimer);
        pump();
      }
      await sending;
    },
  };
}

function formatCount(count: number): string {
  return count.toLocaleString('en-US');
}
