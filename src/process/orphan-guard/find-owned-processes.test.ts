import { describe, expect, it } from 'vitest';
import { findOwnedProcesses, isRunning, type ProcessTableEntry } from './find-owned-processes.js';

type Row = [
  pid: number,
  parentPid: number,
  processGroup: number,
  session: number,
  hasMarker: boolean,
];

function table(...rows: Row[]): ProcessTableEntry[] {
  return rows.map(([pid, parentPid, processGroup, session, hasMarker]) => ({
    pid,
    parentPid,
    processGroup,
    session,
    hasMarker,
    state: 'S',
    startTime: String(pid * 10),
  }));
}

const sorted = (pids: number[]) => [...pids].sort((a, b) => a - b);

describe('findOwnedProcesses', () => {
  it('owns the processes carrying the marker, and nothing else by itself', () => {
    const processes = table(
      [1, 0, 1, 1, false],
      [100, 1, 100, 100, true],
      [200, 1, 200, 200, false],
    );
    expect(findOwnedProcesses(processes, [])).toEqual([100]);
  });

  it('owns the descendants and the group and session members of an owned process', () => {
    const processes = table(
      [100, 1, 100, 100, true], // the agent, leader of its group and session
      [101, 100, 101, 101, false], // a tool in a session of its own, environment scrubbed
      [102, 101, 102, 101, false], // its child, in its own group of that session
      [103, 1, 100, 100, false], // reparented to init, still in the agent's group
      [104, 1, 104, 101, false], // reparented to init, still in the tool's session
      [300, 1, 300, 300, false], // unrelated
    );
    expect(sorted(findOwnedProcesses(processes, []))).toEqual([100, 101, 102, 103, 104]);
  });

  it('owns a recorded child by pid and start time, not by pid alone', () => {
    const processes = table([100, 1, 100, 100, false], [200, 1, 200, 200, false]);
    const owned = findOwnedProcesses(processes, [
      { pid: 100, startTime: '1000' },
      { pid: 200, startTime: '1999' }, // a later process that got a recorded pid
    ]);
    expect(owned).toEqual([100]);
  });

  it('never owns the caller, pid 1 or a zombie', () => {
    const processes = table(
      [1, 0, 1, 1, true],
      [100, 1, 100, 100, true],
      [101, 100, 100, 100, true],
    );
    processes[2]!.state = 'Z';
    expect(findOwnedProcesses(processes, [], [100])).toEqual([]);
  });
});

describe('isRunning', () => {
  it('is true only for the same pid with the same start time, not yet a zombie', () => {
    const processes = table([100, 1, 100, 100, false], [200, 1, 200, 200, false]);
    processes[1]!.state = 'Z';
    expect(isRunning({ pid: 100, startTime: '1000' }, processes)).toBe(true);
    expect(isRunning({ pid: 100, startTime: '1001' }, processes)).toBe(false);
    expect(isRunning({ pid: 200, startTime: '2000' }, processes)).toBe(false);
    expect(isRunning({ pid: 300, startTime: '3000' }, processes)).toBe(false);
  });
});
