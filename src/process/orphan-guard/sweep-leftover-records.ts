import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { readAllStats } from '../process-descendants.js';
import { endOwnedProcesses } from './end-owned-processes.js';
import { isRunning } from './find-owned-processes.js';
import { ownershipRecordExtension, parseOwnershipRecord } from './ownership-record.js';

// A record without its first line may be one a server is writing right now.
const unreadableRecordAgeMs = 60_000;

/**
 * Ends what earlier servers, killed together with their supervisors, left running: for every
 * record in `directory` (but `ownRecordName`) whose server and supervisor are both gone, the
 * processes it can prove are its own (marker, or recorded pid with its start time), then the
 * record. Records of another boot are removed without touching anything: nothing of theirs
 * runs. Records of live servers are left to them.
 */
export async function sweepLeftoverRecords(
  directory: string,
  ownRecordName?: string,
): Promise<void> {
  const bootId = readBootId();
  const names = readdirSync(directory).filter(
    (name) => name.endsWith(ownershipRecordExtension) && name !== ownRecordName,
  );
  for (const name of names) {
    const path = join(directory, name);
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      continue;
    }
    const record = parseOwnershipRecord(text);
    if (record === undefined) {
      if (ageMs(path) > unreadableRecordAgeMs) rmSync(path, { force: true });
      continue;
    }
    if (record.bootId !== bootId) {
      rmSync(path, { force: true });
      continue;
    }
    const table = readAllStats();
    if (isRunning(record.server, table)) continue;
    if (record.supervisor !== undefined && isRunning(record.supervisor, table)) continue;
    if ((await endOwnedProcesses(record)) === 0) rmSync(path, { force: true });
  }
}

/** This boot's id; identities recorded under another one name nothing that runs. */
export function readBootId(): string {
  return readFileSync('/proc/sys/kernel/random/boot_id', 'latin1').trim();
}

function ageMs(path: string): number {
  try {
    return Date.now() - statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}
