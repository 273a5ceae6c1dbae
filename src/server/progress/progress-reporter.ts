/**
 * Turns a run's events into MCP progress notifications: strictly increasing `progress`, a
 * readable `message`, the event itself under `_meta["subagent-mcp/event"]`; text and
 * reasoning deltas coalesced; a heartbeat during silence; nothing once closed.
 */
import type { AgentEvent } from '../../events/index.js';
import { describeEvent } from './describe-event.js';

export const progressEventMetaKey = 'subagent-mcp/event';

export interface ProgressNotification {
  progress: number;
  message: string;
  _meta?: Record<string, unknown>;
}

export interface ProgressReporterOptions {
  provider: string;
  send: (notification: ProgressNotification) => Promise<void>;
  /** Silence after which a heartbeat is sent (≤ 15 s). */
  heartbeatMs: number;
  /** Deltas are merged into at most one notification per interval. */
  coalesceMs?: number;
}

export interface ProgressReporter {
  push(event: AgentEvent): void;
  /** A status line without an event (queued, heartbeat). */
  status(message: string): void;
  /** Sends what is pending and stops; later pushes are ignored. */
  close(): Promise<void>;
}

type DeltaEvent = Extract<AgentEvent, { type: 'text-delta' | 'reasoning-delta' }>;

export function createProgressReporter(options: ProgressReporterOptions): ProgressReporter {
  const coalesceMs = options.coalesceMs ?? 250;
  const startedAt = Date.now();
  let progress = 0;
  let closed = false;
  let chain = Promise.resolve();
  let pendingDelta: DeltaEvent | undefined;
  let deltaTimer: NodeJS.Timeout | undefined;
  let heartbeatTimer: NodeJS.Timeout | undefined;
  let cwd: string | undefined;
  // The text of the answer block being streamed, for the `answer: …` preview.
  let answerSoFar = '';
  let answerBlockId: string | undefined;

  const enqueue = (message: string, event?: AgentEvent) => {
    progress += 1;
    const notification: ProgressNotification = { progress, message };
    if (event) notification._meta = { [progressEventMetaKey]: event };
    // Sent one after another so the client sees them in order; a failed send never breaks the run.
    chain = chain.then(() => options.send(notification)).catch(() => undefined);
    scheduleHeartbeat();
  };

  const scheduleHeartbeat = () => {
    clearTimeout(heartbeatTimer);
    if (closed) return;
    heartbeatTimer = setTimeout(() => {
      const seconds = Math.round((Date.now() - startedAt) / 1000);
      enqueue(`${options.provider} · working (${seconds} s)`);
    }, options.heartbeatMs);
  };

  const flushDelta = () => {
    clearTimeout(deltaTimer);
    deltaTimer = undefined;
    const event = pendingDelta;
    pendingDelta = undefined;
    if (event) enqueue(describeEvent(options.provider, event, { cwd, answerSoFar }), event);
  };

  scheduleHeartbeat();

  return {
    push(event) {
      if (closed) return;
      if (event.type === 'run-start') cwd = event.cwd;
      if (event.type === 'text-delta' || event.type === 'reasoning-delta') {
        if (event.type === 'text-delta') {
          if (event.blockId !== answerBlockId) answerSoFar = '';
          answerBlockId = event.blockId;
          answerSoFar += event.delta;
        }
        if (
          pendingDelta &&
          pendingDelta.type === event.type &&
          pendingDelta.blockId === event.blockId
        ) {
          pendingDelta = { ...pendingDelta, delta: pendingDelta.delta + event.delta };
        } else {
          flushDelta();
          pendingDelta = { ...event };
        }
        deltaTimer ??= setTimeout(flushDelta, coalesceMs);
        return;
      }
      if (isFinishedBlockOf(event, pendingDelta)) {
        // The finished block supersedes its unsent deltas: one notification instead of two.
        clearTimeout(deltaTimer);
        deltaTimer = undefined;
        pendingDelta = undefined;
      }
      flushDelta();
      if (event.type === 'text') answerSoFar = event.text;
      enqueue(describeEvent(options.provider, event, { cwd, answerSoFar }), event);
    },
    status(message) {
      if (closed) return;
      flushDelta();
      enqueue(`${options.provider} · ${message}`);
    },
    async close() {
      if (closed) return chain;
      flushDelta();
      closed = true;
      clearTimeout(heartbeatTimer);
      await chain;
    },
  };
}

function isFinishedBlockOf(event: AgentEvent, pending: DeltaEvent | undefined): boolean {
  if (!pending || !('blockId' in event) || event.blockId !== pending.blockId) return false;
  return (
    (event.type === 'text' && pending.type === 'text-delta') ||
    (event.type === 'reasoning' && pending.type === 'reasoning-delta')
  );
}
