import { describe, expect, it } from 'vitest';
import type { AgentEvent } from '../../events/index.js';
import { createPendingRunRecord } from './pending-run-record.js';
import type { ActiveRunRecord } from './run-record-store.js';

const warning = (message: string): AgentEvent => ({ type: 'warning', message });

describe('createPendingRunRecord', () => {
  it('keeps the events written before the record exists, and writes them first, in order', async () => {
    const written: AgentEvent[] = [];
    let make: (record: ActiveRunRecord | undefined) => void = () => undefined;
    const pending = createPendingRunRecord(new Promise((resolve) => (make = resolve)));
    pending.write(warning('one'));
    pending.write(warning('two'));
    expect(written).toEqual([]);
    make({
      sessionId: 'sa_0000000000000000000001',
      runNumber: 1,
      write: (event) => written.push(event),
      finish: () => Promise.resolve(true),
    });
    expect((await pending.begun)?.runNumber).toBe(1);
    pending.write(warning('three'));
    expect(written).toEqual([warning('one'), warning('two'), warning('three')]);
  });

  it('drops the events when the state directory could not take the record', async () => {
    const pending = createPendingRunRecord(Promise.resolve(undefined));
    pending.write(warning('lost'));
    expect(await pending.begun).toBeUndefined();
    pending.write(warning('lost too'));
  });
});
