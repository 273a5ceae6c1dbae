/**
 * The record a server keeps of the processes it started, one JSON line per fact, appended as
 * they happen (a line is written whole or, after a kill mid-write, ignored):
 *
 * ```
 * {"type":"server","version":1,"bootId":"…","marker":"SUBAGENT_MCP_OWNER_<hex>=<pid>","process":{"pid":4242,"startTime":"81234"}}
 * {"type":"supervisor","process":{"pid":4250,"startTime":"81240"}}
 * {"type":"child","process":{"pid":4251,"startTime":"81241"}}
 * ```
 *
 * The first line names the server and the marker every child carries in its environment; a
 * `supervisor` line each time one is started (the last counts); a `child` line per spawn.
 */
import { join } from 'node:path';

/** One process for the whole boot: pids are reused, (pid, start time) pairs are not. */
export interface ProcessIdentity {
  pid: number;
  /** Field 22 of `/proc/<pid>/stat`: clock ticks after boot. */
  startTime: string;
}

export type OwnershipEntry =
  | { type: 'server'; version: 1; bootId: string; marker: string; process: ProcessIdentity }
  | { type: 'supervisor'; process: ProcessIdentity }
  | { type: 'child'; process: ProcessIdentity };

export interface OwnershipRecord {
  /** `/proc/sys/kernel/random/boot_id` when written: identities of another boot mean nothing. */
  bootId: string;
  /** `NAME=value` as it appears in a child's environment. */
  marker: string;
  server: ProcessIdentity;
  supervisor?: ProcessIdentity;
  children: ProcessIdentity[];
}

/** Where records live: `<stateDir>/processes/<id>.jsonl`, the directory 0700. */
export function ownershipRecordsDirectory(stateDirectory: string): string {
  return join(stateDirectory, 'processes');
}

export const ownershipRecordExtension = '.jsonl';

export function formatOwnershipEntry(entry: OwnershipEntry): string {
  return `${JSON.stringify(entry)}\n`;
}

/**
 * Reads a record; `undefined` when its first line is not a server line (nothing in it can be
 * trusted then). Lines that are torn, unknown or malformed are skipped.
 */
export function parseOwnershipRecord(text: string): OwnershipRecord | undefined {
  const [first, ...rest] = text.split('\n');
  const header = parseEntry(first ?? '');
  if (header?.type !== 'server') return undefined;
  const record: OwnershipRecord = {
    bootId: header.bootId,
    marker: header.marker,
    server: header.process,
    children: [],
  };
  for (const line of rest) {
    const entry = parseEntry(line);
    if (entry?.type === 'supervisor') record.supervisor = entry.process;
    if (entry?.type === 'child') record.children.push(entry.process);
  }
  return record;
}

function parseEntry(line: string): OwnershipEntry | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (!isObject(value) || !isIdentity(value.process)) return undefined;
  const process = { pid: value.process.pid, startTime: value.process.startTime };
  switch (value.type) {
    case 'server':
      if (value.version !== 1 || !isText(value.bootId) || !isOwnerMarker(value.marker)) {
        return undefined;
      }
      return { type: 'server', version: 1, bootId: value.bootId, marker: value.marker, process };
    case 'supervisor':
    case 'child':
      return { type: value.type, process };
    default:
      return undefined;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function isText(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

function isIdentity(value: unknown): value is ProcessIdentity {
  return (
    isObject(value) &&
    Number.isSafeInteger(value.pid) &&
    (value.pid as number) > 1 &&
    isText(value.startTime) &&
    /^\d+$/.test(value.startTime)
  );
}

/** A usable marker: `NAME=value`, the name long enough not to match unrelated environments. */
export function isOwnerMarker(value: unknown): value is string {
  return typeof value === 'string' && /^[A-Z_][A-Z0-9_]{15,}=\S+$/.test(value);
}
