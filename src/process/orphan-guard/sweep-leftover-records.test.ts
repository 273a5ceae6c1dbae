import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  createOwnerMarker,
  identityOf,
  startMarkedProcess,
} from '../../../test/support/marked-processes.js';
import { findProcessesWithMarker, isRunning } from '../../../test/support/process-probe.js';
import {
  formatOwnershipEntry,
  type OwnershipEntry,
  type ProcessIdentity,
} from './ownership-record.js';
import { readBootId, sweepLeftoverRecords } from './sweep-leftover-records.js';

const directory = mkdtempSync(join(tmpdir(), 'sweep-leftover-records-'));
// Every process a test starts carries this, so none can be left behind.
const testMarker = `SWEEP_TEST_MARKER=${randomBytes(8).toString('hex')}`;
afterEach(() => {
  for (const { pid } of findProcessesWithMarker(testMarker)) process.kill(pid, 'SIGKILL');
});
afterAll(() => rmSync(directory, { recursive: true, force: true }));

const start = (script: string, marker?: string) => startMarkedProcess(script, [testMarker, marker]);

const goneServer: ProcessIdentity = { pid: process.pid, startTime: '1' };

function writeRecord(name: string, entries: OwnershipEntry[]): string {
  const path = join(directory, name);
  writeFileSync(path, entries.map(formatOwnershipEntry).join(''));
  return path;
}

function header(marker: string, server = goneServer, bootId = readBootId()): OwnershipEntry {
  return { type: 'server', version: 1, bootId, marker, process: server };
}

describe('sweepLeftoverRecords', () => {
  it('ends what a gone server left, SIGTERM-deaf ones too, but not a reused pid', async () => {
    const marker = createOwnerMarker();
    const deaf = start('trap "" TERM; sleep 300 & wait', marker);
    const stranger = start('exec sleep 300');
    await expect.poll(() => findProcessesWithMarker(marker)).toHaveLength(2);
    const path = writeRecord('gone.jsonl', [
      header(marker),
      { type: 'supervisor', process: { pid: process.pid, startTime: '2' } },
      { type: 'child', process: identityOf(deaf) },
      {
        type: 'child',
        process: { pid: stranger, startTime: `${identityOf(stranger).startTime}0` },
      },
    ]);
    await sweepLeftoverRecords(directory);
    expect(findProcessesWithMarker(marker)).toEqual([]);
    expect(isRunning(stranger)).toBe(true);
    expect(existsSync(path)).toBe(false);
  });

  it('leaves the records of a live server or a live supervisor, and its own record, to them', async () => {
    const marker = createOwnerMarker();
    start('exec sleep 300', marker);
    await expect.poll(() => findProcessesWithMarker(marker)).toHaveLength(1);
    const liveServer = writeRecord('live-server.jsonl', [header(marker, identityOf(process.pid))]);
    const liveSupervisor = writeRecord('live-supervisor.jsonl', [
      header(marker),
      { type: 'supervisor', process: identityOf(process.pid) },
    ]);
    const own = writeRecord('own.jsonl', [header(marker)]);
    await sweepLeftoverRecords(directory, 'own.jsonl');
    expect(findProcessesWithMarker(marker)).toHaveLength(1);
    expect([liveServer, liveSupervisor, own].filter(existsSync)).toHaveLength(3);
    for (const path of [liveServer, liveSupervisor, own]) rmSync(path);
  });

  it('removes a record of another boot without touching anything, and an old unreadable one', async () => {
    const marker = createOwnerMarker();
    start('exec sleep 300', marker);
    await expect.poll(() => findProcessesWithMarker(marker)).toHaveLength(1);
    const otherBoot = writeRecord('other-boot.jsonl', [header(marker, goneServer, 'other-boot')]);
    const fresh = writeRecord('being-written.jsonl', []);
    const old = writeRecord('torn.jsonl', []);
    utimesSync(old, new Date(0), new Date(0));
    await sweepLeftoverRecords(directory);
    expect(findProcessesWithMarker(marker)).toHaveLength(1);
    expect([otherBoot, fresh, old].map(existsSync)).toEqual([false, true, false]);
    rmSync(fresh);
  });
});
