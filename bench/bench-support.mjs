// What the provider benches share: the built server behind an SDK client, medians, and the
// resident memory of processes read from /proc.
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';

const repository = join(dirname(fileURLToPath(import.meta.url)), '..');

export const median = (numbers) =>
  [...numbers].sort((a, b) => a - b)[Math.floor(numbers.length / 2)];

/** The built server (dist/cli.js) over stdio, its stderr dropped, with a connected client. */
export async function startBenchServer({ workspace, stateDir, environment, extraArgs = [] }) {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [
      join(repository, 'dist/cli.js'),
      '--allowed-root',
      workspace,
      '--state-dir',
      stateDir,
      ...extraArgs,
    ],
    cwd: workspace,
    env: environment,
    stderr: 'ignore',
  });
  const client = new Client({ name: 'bench', version: '1.0.0' });
  await client.connect(transport);
  return { client, transport };
}

export async function residentMegabytes(pid) {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

/** Resident memory of each direct child of `parentPid` whose command line `matches`. */
export async function childrenResidentMegabytes(parentPid, matches) {
  const found = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = await readFile(`/proc/${entry}/stat`, 'latin1');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (parent !== parentPid) continue;
      if (!matches(await readFile(`/proc/${entry}/cmdline`, 'latin1'))) continue;
      found.push(await residentMegabytes(Number(entry)));
    } catch {
      // Gone while we looked.
    }
  }
  return found;
}
