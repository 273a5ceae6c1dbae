import type { AgentEvent } from '../../events/index.js';
import type { ActiveRunRecord } from './run-record-store.js';

/**
 * A run's record while its file is still being made (`RunRecordStore.begin`): events written
 * meanwhile wait in memory, in order, and go to the record once it exists, so neither the
 * agent's start nor its first events wait for the file system.
 */
export interface PendingRunRecord {
  write(event: AgentEvent): void;
  /** The record once made; undefined when the state directory could not take it. */
  readonly begun: Promise<ActiveRunRecord | undefined>;
}

export function createPendingRunRecord(
  begin: Promise<ActiveRunRecord | undefined>,
): PendingRunRecord {
  let waiting: AgentEvent[] | undefined = [];
  let record: ActiveRunRecord | undefined;
  const begun = begin.then((made) => {
    record = made;
    const events = waiting ?? [];
    waiting = undefined;
    for (const event of events) made?.write(event);
    return made;
  });
  return {
    write(event) {
      if (waiting) waiting.push(event);
      else record?.write(event);
    },
    begun,
  };
}
