import { readdir, rmdir, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';

interface RecordFile {
  path: string;
  bytes: number;
  modifiedAt: number;
}

/**
 * Removes the oldest record files (by modification time) under `runsDirectory`
 * (`<session>/<n>.jsonl`) until all of them together take at most `maxTotalBytes`. Files
 * `isActive` says are being written count toward the total but are never removed. A
 * session's directory goes once it is empty.
 */
export async function pruneRunRecords(
  runsDirectory: string,
  maxTotalBytes: number,
  isActive: (path: string) => boolean,
): Promise<void> {
  const files = await listRecordFiles(runsDirectory);
  let total = files.reduce((sum, file) => sum + file.bytes, 0);
  if (total <= maxTotalBytes) return;
  const removable = files
    .filter((file) => !isActive(file.path))
    .sort((a, b) => a.modifiedAt - b.modifiedAt);
  const emptied = new Set<string>();
  for (const file of removable) {
    if (total <= maxTotalBytes) break;
    await unlink(file.path).catch(() => undefined);
    total -= file.bytes;
    emptied.add(join(file.path, '..'));
  }
  // Fails, harmlessly, for a directory that still holds records.
  await Promise.all([...emptied].map((directory) => rmdir(directory).catch(() => undefined)));
}

async function listRecordFiles(runsDirectory: string): Promise<RecordFile[]> {
  const sessions = await readdir(runsDirectory).catch(() => []);
  const files: RecordFile[] = [];
  for (const session of sessions) {
    const directory = join(runsDirectory, session);
    const names = await readdir(directory).catch(() => []);
    for (const name of names) {
      if (!name.endsWith('.jsonl')) continue;
      const path = join(directory, name);
      const info = await stat(path).catch(() => undefined);
      if (info?.isFile()) files.push({ path, bytes: info.size, modifiedAt: info.mtimeMs });
    }
  }
  return files;
}
