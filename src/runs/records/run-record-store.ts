/**
 * The run records of a state directory: `<stateDir>/runs/<session id>/<n>.jsonl`, the events of
 * the session's n-th run (numbered from 1), readable by whoever names the session id (ids are
 * random and never listed across sessions). Each record is bounded by `maxRunBytes` (see
 * run-record-writer.ts); after each run the oldest records go until all take at most
 * `maxTotalBytes`.
 */
import { mkdir, open, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AgentEvent, RunEndEvent } from '../../events/index.js';
import { isSessionId } from '../session-store.js';
import { pruneRunRecords } from './prune-run-records.js';
import { createRunRecordWriter, type RunRecordWriter } from './run-record-writer.js';

/** Where a run's record is: the session and the run's number in it. */
export interface RunRecordReference {
  sessionId: string;
  runNumber: number;
}

export interface ActiveRunRecord extends RunRecordReference {
  /** Records an event (a buffered, synchronous append: the run never waits for a promise). */
  write(event: AgentEvent): void;
  /**
   * Closes the record; resolves to whether it was kept whole (see RunRecordWriter.finish), once
   * the oldest records past `maxTotalBytes` are removed — or at once with `isPruneAwaited:
   * false` (a run's result does not wait for a walk of the whole state directory).
   */
  finish(fallbackEnd: RunEndEvent, options?: { isPruneAwaited?: boolean }): Promise<boolean>;
}

export interface RunRecordStore {
  /**
   * Starts the record of the session's next run, numbered after `previousRuns` and any record
   * already on disk. Resolves to undefined when the state directory cannot take it (the run
   * goes on unrecorded).
   */
  begin(sessionId: string, previousRuns: number): Promise<ActiveRunRecord | undefined>;
  /** The record's JSON lines, so far for a run still going; undefined when there is none. */
  read(reference: RunRecordReference): Promise<string | undefined>;
}

export interface RunRecordStoreOptions {
  stateDir: string;
  maxRunBytes: number;
  maxTotalBytes: number;
}

const recordNamePattern = /^(\d+)\.jsonl$/;

export function createRunRecordStore(options: RunRecordStoreOptions): RunRecordStore {
  const runsDirectory = join(options.stateDir, 'runs');
  const active = new Map<string, RunRecordWriter>();
  const pathOf = ({ sessionId, runNumber }: RunRecordReference) =>
    join(runsDirectory, sessionId, `${runNumber}.jsonl`);
  // One pruning at a time; a run ending meanwhile asks for one more pass.
  let pruning: Promise<void> | undefined;
  let isPruneWanted = false;
  const prune = (): Promise<void> => {
    isPruneWanted = true;
    pruning ??= (async () => {
      while (isPruneWanted) {
        isPruneWanted = false;
        await pruneRunRecords(runsDirectory, options.maxTotalBytes, (path) =>
          active.has(path.replace(/(\.tail-\d+)?\.jsonl$/, '.jsonl')),
        ).catch(() => undefined);
      }
      pruning = undefined;
    })();
    return pruning;
  };

  const createRecordFile = async (sessionId: string, previousRuns: number) => {
    const directory = join(runsDirectory, sessionId);
    await mkdir(directory, { recursive: true, mode: 0o700 });
    const numbers = (await readdir(directory)).map((name) =>
      Number(recordNamePattern.exec(name)?.[1] ?? 0),
    );
    let runNumber = Math.max(previousRuns, ...numbers) + 1;
    // Exclusive creation settles the number even against another server on the same state.
    for (;;) {
      const reference = { sessionId, runNumber };
      try {
        await (await open(pathOf(reference), 'wx', 0o600)).close();
        return reference;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        runNumber += 1;
      }
    }
  };

  return {
    async begin(sessionId, previousRuns) {
      if (!isSessionId(sessionId)) return undefined;
      let reference: RunRecordReference;
      try {
        reference = await createRecordFile(sessionId, previousRuns);
      } catch {
        return undefined;
      }
      const path = pathOf(reference);
      const writer = createRunRecordWriter({ path, maxBytes: options.maxRunBytes });
      active.set(path, writer);
      return {
        ...reference,
        write: (event) => writer.write(event),
        async finish(fallbackEnd, finishOptions = {}) {
          const isWhole = writer.finish(fallbackEnd);
          active.delete(path);
          const pruned = prune();
          if (finishOptions.isPruneAwaited ?? true) await pruned;
          return isWhole;
        },
      };
    },

    async read(reference) {
      const { sessionId, runNumber } = reference;
      if (!isSessionId(sessionId) || !Number.isSafeInteger(runNumber) || runNumber < 1) {
        return undefined;
      }
      const path = pathOf(reference);
      const writer = active.get(path);
      if (writer) return writer.snapshot();
      return readFile(path, 'utf8').catch(() => undefined);
    },
  };
}
