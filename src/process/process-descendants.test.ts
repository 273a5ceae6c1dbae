import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { findProcessesWithMarker } from '../../test/support/process-probe.js';
import { listMarkedProcesses, signalDescendantGroups } from './process-descendants.js';

describe('listMarkedProcesses', () => {
  it('finds a process that left the tree (own session, reparented) by its marker, and ends it', async () => {
    const value = randomUUID();
    const marker = `PROCESS_MARKER_TEST=${value}`;
    // The shell starts sleep in a session of its own and exits: sleep is reparented to init.
    const shell = spawn('/bin/sh', ['-c', 'setsid sleep 300 >/dev/null 2>&1 &'], {
      env: { PATH: '/usr/bin:/bin', PROCESS_MARKER_TEST: value },
      stdio: 'ignore',
    });
    await new Promise((resolve) => shell.once('exit', resolve));
    await expect.poll(() => listMarkedProcesses(marker)).toHaveLength(1);
    expect(listMarkedProcesses(`PROCESS_MARKER_TEST=${randomUUID()}`)).toEqual([]);

    signalDescendantGroups(listMarkedProcesses(marker), 'SIGKILL');
    await expect.poll(() => findProcessesWithMarker(marker)).toEqual([]);
  });
});
