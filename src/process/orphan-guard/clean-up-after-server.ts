import { readFileSync, rmSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { readAllStats } from '../process-descendants.js';
import { endOwnedProcesses } from './end-owned-processes.js';
import { isRunning } from './find-owned-processes.js';
import { parseOwnershipRecord, type OwnershipRecord } from './ownership-record.js';

// The pipe closes while the kernel is still tearing the server down; it is a zombie or gone
// a moment later.
const serverExitWaitMs = 1000;

/**
 * What the supervisor does once the server's pipe closed: ends every process of its record,
 * then removes the record. The supervisor was told the marker and the server at its start, so
 * a record that is gone or unreadable (its directory removed) still leaves it the marker to
 * go by. When the server still runs after all (the pipe closed for some other reason),
 * nothing is touched: its own shutdown ends its children.
 */
export async function cleanUpAfterServer(
  recordPath: string,
  known: Pick<OwnershipRecord, 'marker' | 'server'>,
): Promise<void> {
  const record = readRecord(recordPath, known);
  const waitUntil = Date.now() + serverExitWaitMs;
  while (isRunning(record.server, readAllStats())) {
    if (Date.now() > waitUntil) return;
    await delay(20);
  }
  const remaining = await endOwnedProcesses(record);
  // Kept when something outlived SIGKILL, for the next server's sweep.
  if (remaining === 0) rmSync(recordPath, { force: true });
}

function readRecord(
  path: string,
  known: Pick<OwnershipRecord, 'marker' | 'server'>,
): Pick<OwnershipRecord, 'marker' | 'server' | 'children'> {
  let record: OwnershipRecord | undefined;
  try {
    record = parseOwnershipRecord(readFileSync(path, 'utf8'));
  } catch {
    // Removed with the state directory: the marker alone still finds them.
  }
  return record?.marker === known.marker ? record : { ...known, children: [] };
}
