import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  createOwnerMarker,
  identityOf,
  startMarkedProcess,
} from '../../../test/support/marked-processes.js';
import { findProcessesWithMarker, isRunning } from '../../../test/support/process-probe.js';
import { cleanUpAfterServer } from './clean-up-after-server.js';
import { formatOwnershipEntry, type OwnershipEntry } from './ownership-record.js';
import { readBootId } from './sweep-leftover-records.js';

const directory = mkdtempSync(join(tmpdir(), 'clean-up-after-server-'));
const testMarker = `CLEAN_UP_TEST_MARKER=${randomBytes(8).toString('hex')}`;
afterEach(() => {
  for (const { pid } of findProcessesWithMarker(testMarker)) process.kill(pid, 'SIGKILL');
});
afterAll(() => rmSync(directory, { recursive: true, force: true }));

const goneServer = { pid: process.pid, startTime: '1' };

function writeRecord(marker: string, children: number[], server = goneServer): string {
  const entries: OwnershipEntry[] = [
    { type: 'server', version: 1, bootId: readBootId(), marker, process: server },
    ...children.map((pid): OwnershipEntry => ({ type: 'child', process: identityOf(pid) })),
  ];
  const path = join(directory, `${randomBytes(4).toString('hex')}.jsonl`);
  writeFileSync(path, entries.map(formatOwnershipEntry).join(''));
  return path;
}

describe('cleanUpAfterServer', () => {
  it('ends the marked processes and the recorded children of a gone server, then removes the record', async () => {
    const marker = createOwnerMarker();
    start('exec sleep 300', marker);
    const unmarkedChild = start('exec sleep 300');
    await expect.poll(() => findProcessesWithMarker(testMarker)).toHaveLength(2);
    const path = writeRecord(marker, [unmarkedChild]);
    await cleanUpAfterServer(path, { marker, server: goneServer });
    expect(findProcessesWithMarker(testMarker)).toEqual([]);
    expect(existsSync(path)).toBe(false);
  });

  it('still ends the marked processes when the record was removed with the state directory', async () => {
    const marker = createOwnerMarker();
    start('sleep 300 & exec sleep 301', marker);
    await expect.poll(() => findProcessesWithMarker(marker)).toHaveLength(2);
    await cleanUpAfterServer(join(directory, 'removed.jsonl'), { marker, server: goneServer });
    expect(findProcessesWithMarker(marker)).toEqual([]);
  });

  it('touches nothing while the server still runs', async () => {
    const marker = createOwnerMarker();
    const child = start('exec sleep 300', marker);
    await expect.poll(() => isRunning(child)).toBe(true);
    const server = identityOf(process.pid);
    const path = writeRecord(marker, [child], server);
    await cleanUpAfterServer(path, { marker, server });
    expect(isRunning(child)).toBe(true);
    expect(existsSync(path)).toBe(true);
  });
});

function start(script: string, marker?: string): number {
  return startMarkedProcess(script, [testMarker, marker]);
}
