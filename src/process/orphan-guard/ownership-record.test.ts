import { describe, expect, it } from 'vitest';
import {
  formatOwnershipEntry,
  parseOwnershipRecord,
  type OwnershipEntry,
} from './ownership-record.js';

const marker = 'SUBAGENT_MCP_OWNER_0123456789ABCDEF01234567=4242';
const server: OwnershipEntry = {
  type: 'server',
  version: 1,
  bootId: 'b7c1e1a4-0000-4000-8000-000000000000',
  marker,
  process: { pid: 4242, startTime: '81234' },
};
const lines = (...entries: OwnershipEntry[]) => entries.map(formatOwnershipEntry).join('');

describe('the ownership record', () => {
  it('writes one JSON line per entry', () => {
    const line = formatOwnershipEntry({ type: 'child', process: { pid: 7, startTime: '99' } });
    expect(line).toBe('{"type":"child","process":{"pid":7,"startTime":"99"}}\n');
  });

  it('reads back the server, the last supervisor and every child in order', () => {
    const text = lines(
      server,
      { type: 'supervisor', process: { pid: 4250, startTime: '81240' } },
      { type: 'child', process: { pid: 4251, startTime: '81241' } },
      { type: 'supervisor', process: { pid: 4300, startTime: '90000' } },
      { type: 'child', process: { pid: 4301, startTime: '90001' } },
    );
    expect(parseOwnershipRecord(text)).toEqual({
      bootId: server.bootId,
      marker,
      server: { pid: 4242, startTime: '81234' },
      supervisor: { pid: 4300, startTime: '90000' },
      children: [
        { pid: 4251, startTime: '81241' },
        { pid: 4301, startTime: '90001' },
      ],
    });
  });

  it('skips a line torn by a kill mid-write, and lines it does not know', () => {
    const text =
      lines(server, { type: 'child', process: { pid: 10, startTime: '5' } }) +
      '{"type":"future-kind","process":{"pid":11,"startTime":"6"}}\n' +
      'not json\n' +
      '{"type":"child","process":{"pid":12,"sta';
    expect(parseOwnershipRecord(text)?.children).toEqual([{ pid: 10, startTime: '5' }]);
  });

  it('refuses identities that could name the wrong process', () => {
    const text =
      lines(server) +
      [
        '{"type":"child","process":{"pid":1,"startTime":"5"}}',
        '{"type":"child","process":{"pid":-4,"startTime":"5"}}',
        '{"type":"child","process":{"pid":"12","startTime":"5"}}',
        '{"type":"child","process":{"pid":12,"startTime":""}}',
        '{"type":"child","process":{"pid":12,"startTime":"5x"}}',
        '{"type":"child","process":{"pid":12}}',
      ].join('\n');
    expect(parseOwnershipRecord(text)?.children).toEqual([]);
  });

  it('trusts nothing without a server line first, or with a marker too weak to prove anything', () => {
    const child = lines({ type: 'child', process: { pid: 10, startTime: '5' } });
    expect(parseOwnershipRecord(child + lines(server))).toBeUndefined();
    expect(parseOwnershipRecord('')).toBeUndefined();
    for (const weak of ['', 'A=1', 'SUBAGENT_MCP_OWNER_=', 'lower_case_marker_name_x=1']) {
      expect(parseOwnershipRecord(lines({ ...server, marker: weak }))).toBeUndefined();
    }
    expect(parseOwnershipRecord(lines({ ...server, version: 2 as 1 }))).toBeUndefined();
  });
});
