/**
 * Orphan-proof children (docs/process-lifetime.md). Once enabled, the first spawn starts one
 * small supervisor per server: a shell in a session of its own holding a pipe from us. When we
 * die — SIGKILL included — the kernel closes the pipe, and the supervisor ends every process
 * carrying our marker or recorded in our ownership record, with their groups, sessions and
 * descendants. Linux only; elsewhere spawning is unchanged. Turned on by `enableOrphanGuard`
 * (orphan-guard-setting.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readStat } from '../process-descendants.js';
import {
  formatOwnershipEntry,
  ownershipRecordExtension,
  ownershipRecordsDirectory,
  type OwnershipEntry,
  type ProcessIdentity,
} from './ownership-record.js';
import { orphanGuardStateDirectory } from './orphan-guard-setting.js';
import { readBootId } from './sweep-leftover-records.js';

/** What a spawn adds to its child: the marker, and the record of the child's identity. */
export interface GuardedSpawn {
  /** Merged into the child's environment (`SUBAGENT_MCP_OWNER_<id>`). */
  readonly environment: Readonly<Record<string, string>>;
  /** Records the spawned child; call right after the spawn. */
  recordChild(pid: number): void;
}

interface Guard {
  readonly environment: Record<string, string>;
  /** The record's first line: the marker and the server. */
  readonly header: Extract<OwnershipEntry, { type: 'server' }>;
  readonly recordPath: string;
  readonly supervisorMain: string;
  supervisor: ChildProcess | undefined;
}

export const ownerMarkerPrefix = 'SUBAGENT_MCP_OWNER_';

// $1 node, $2 supervisor-main.js, $3 the record, $4 sweep | none, then the marker and the
// server's pid and start time. `read` waits on the pipe for as long as we live (we never
// write) at the cost of one idle shell.
const supervisorScript = [
  'if [ "$4" = sweep ]; then "$1" "$2" sweep "$3" & fi',
  'while read -r _; do :; done',
  'exec "$1" "$2" cleanup "$3" "$5" "$6" "$7"',
].join('\n');

let guard: Guard | undefined;
let isUnavailable = false;

/**
 * The guard's part in a spawn, or `undefined` when it is not enabled, not on Linux, or could
 * not start (said once on stderr; spawning goes on unguarded).
 */
export function prepareGuardedSpawn(): GuardedSpawn | undefined {
  const stateDirectory = orphanGuardStateDirectory();
  if (stateDirectory === undefined || isUnavailable || process.platform !== 'linux') {
    return undefined;
  }
  try {
    const current = (guard ??= createGuard(stateDirectory));
    current.supervisor ??= startSupervisor(current, false);
    return {
      environment: current.environment,
      recordChild(pid) {
        const identity = readIdentity(String(pid));
        // Gone already: whatever it started carries the marker.
        if (identity !== undefined) append(current, { type: 'child', process: identity });
      },
    };
  } catch (error) {
    isUnavailable = true;
    process.stderr.write(
      `subagent-mcp: children are not guarded against our death: ${(error as Error).message}\n`,
    );
    return undefined;
  }
}

function createGuard(directory: string): Guard {
  const supervisorMain = fileURLToPath(new URL('./supervisor-main.js', import.meta.url));
  if (!existsSync(supervisorMain)) throw new Error(`${supervisorMain} is missing`);
  const server = readIdentity('self');
  if (server === undefined) throw new Error('/proc/self/stat is unreadable');
  // The global Web Crypto: importing node:crypto would cost every server start.
  const id = Buffer.from(crypto.getRandomValues(new Uint8Array(12)))
    .toString('hex')
    .toUpperCase();
  const markerName = `${ownerMarkerPrefix}${id}`;
  const markerValue = String(process.pid);
  const recordsDirectory = ownershipRecordsDirectory(directory);
  mkdirSync(recordsDirectory, { recursive: true, mode: 0o700 });
  const recordName = `${id}${ownershipRecordExtension}`;
  const recordPath = join(recordsDirectory, recordName);
  const header: Guard['header'] = {
    type: 'server',
    version: 1,
    bootId: readBootId(),
    marker: `${markerName}=${markerValue}`,
    process: server,
  };
  writeFileSync(recordPath, formatOwnershipEntry(header), { mode: 0o600, flag: 'wx' });
  const created: Guard = {
    environment: { [markerName]: markerValue },
    header,
    recordPath,
    supervisorMain,
    supervisor: undefined,
  };
  const hasLeftovers = readdirSync(recordsDirectory).some(
    (entry) => entry !== recordName && entry.endsWith(ownershipRecordExtension),
  );
  created.supervisor = startSupervisor(created, hasLeftovers);
  return created;
}

function startSupervisor(current: Guard, sweep: boolean): ChildProcess {
  const { recordPath, supervisorMain, header } = current;
  const args = [
    ...[process.execPath, supervisorMain, recordPath, sweep ? 'sweep' : 'none'],
    ...[header.marker, String(header.process.pid), header.process.startTime],
  ];
  const supervisor = spawn(
    '/bin/sh',
    ['-c', supervisorScript, 'subagent-mcp-supervisor', ...args],
    {
      // Never our stdout (the MCP transport) nor our stderr (a client waits for it to close).
      stdio: ['pipe', 'ignore', 'ignore'],
      // A session of its own: a signal to our process group must not reach it. No environment:
      // it needs none, it is none of the marked processes it ends, and NODE_OPTIONS and the
      // like must not shape the Node it runs.
      detached: true,
      env: {},
    },
  );
  supervisor.on('error', () => undefined);
  supervisor.stdin?.on('error', () => undefined);
  // It must not keep us alive; and if it dies, the next spawn starts another.
  supervisor.unref();
  (supervisor.stdin as Socket | null)?.unref();
  supervisor.once('exit', () => {
    if (current.supervisor === supervisor) current.supervisor = undefined;
  });
  const identity = supervisor.pid === undefined ? undefined : readIdentity(String(supervisor.pid));
  if (identity === undefined) throw new Error('the supervisor did not start');
  append(current, { type: 'supervisor', process: identity });
  return supervisor;
}

function append(current: Guard, entry: OwnershipEntry): void {
  appendFileSync(current.recordPath, formatOwnershipEntry(entry));
}

function readIdentity(pid: string): ProcessIdentity | undefined {
  const stat = readStat(pid);
  return stat === undefined ? undefined : { pid: stat.pid, startTime: stat.startTime };
}
