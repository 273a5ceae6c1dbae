import type { AgentEvent } from '../../events/index.js';

export type DeltaEvent = Extract<AgentEvent, { type: 'text-delta' | 'reasoning-delta' }>;

/**
 * Consecutive deltas of one block merged into one, holding at most `maxCharacters` of their
 * text: what streams in beyond that (a fast agent, a slow client) is counted, not kept.
 */
export interface PendingDelta {
  /** The first delta of the run of deltas; its text is in `parts`. */
  event: DeltaEvent;
  parts: string[];
  keptCharacters: number;
  omittedCharacters: number;
}

export function isDeltaEvent(event: AgentEvent): event is DeltaEvent {
  return event.type === 'text-delta' || event.type === 'reasoning-delta';
}

/** Whether `event` continues the block of `pending` (same kind, same block). */
export function continuesDelta(pending: PendingDelta, event: DeltaEvent): boolean {
  return pending.event.type === event.type && pending.event.blockId === event.blockId;
}

export function startPendingDelta(event: DeltaEvent, maxCharacters: number): PendingDelta {
  const pending = { event, parts: [], keptCharacters: 0, omittedCharacters: 0 };
  appendToPendingDelta(pending, event, maxCharacters);
  return pending;
}

export function appendToPendingDelta(
  pending: PendingDelta,
  event: DeltaEvent,
  maxCharacters: number,
): void {
  const room = maxCharacters - pending.keptCharacters;
  const kept = event.delta.length <= room ? event.delta : event.delta.slice(0, Math.max(room, 0));
  if (kept !== '') pending.parts.push(kept);
  pending.keptCharacters += kept.length;
  pending.omittedCharacters += event.delta.length - kept.length;
}

/** The merged delta event. */
export function mergedDeltaEvent(pending: PendingDelta): DeltaEvent {
  return { ...pending.event, delta: pending.parts.join('') };
}

/** A finished `text` / `reasoning` block supersedes the deltas of the same block. */
export function finishesPendingDelta(event: AgentEvent, pending: PendingDelta): boolean {
  if (!('blockId' in event) || event.blockId !== pending.event.blockId) return false;
  return (
    (event.type === 'text' && pending.event.type === 'text-delta') ||
    (event.type === 'reasoning' && pending.event.type === 'reasoning-delta')
  );
}
