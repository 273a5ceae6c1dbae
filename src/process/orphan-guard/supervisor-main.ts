/**
 * The supervisor's Node half, run by `orphan-guard.ts`'s shell once the server's pipe closed
 * (`cleanup <record> <marker> <server pid> <server start time>`), and at its start when
 * earlier records exist (`sweep <record>`). Its stdout and stderr lead nowhere: it must never
 * write into the MCP transport.
 */
import { basename, dirname } from 'node:path';
import { cleanUpAfterServer } from './clean-up-after-server.js';
import { isOwnerMarker } from './ownership-record.js';
import { sweepLeftoverRecords } from './sweep-leftover-records.js';

const [mode, recordPath, marker, serverPid, serverStartTime] = process.argv.slice(2);

async function main(): Promise<void> {
  if (recordPath === undefined) return;
  if (mode === 'cleanup' && isOwnerMarker(marker) && serverStartTime !== undefined) {
    const server = { pid: Number(serverPid), startTime: serverStartTime };
    await cleanUpAfterServer(recordPath, { marker, server });
  }
  if (mode === 'sweep') await sweepLeftoverRecords(dirname(recordPath), basename(recordPath));
}

main().then(
  () => process.exit(0),
  () => process.exit(1),
);
