/**
 * Several real `opencode serve` started at the same moment on one fresh data directory, as when
 * several subagent-mcp servers (one per parent session) share an environment: opencode 1.18.33
 * runs its SQLite migrations at first start, and the processes that lose the race exit with
 * code 1 (`Failed query: CREATE TABLE ...` or `database is locked`) before listening — about one
 * start in eight with five at once. Every start must still end with a listening server.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createOpencodeEnvironment } from '../support/opencode-environment.js';
import { buildOpencodeServeArgs } from '../../src/providers/opencode/opencode-args.js';
import { findOpencodeBinary } from '../../src/providers/opencode/opencode-binary.js';
import {
  startOpencodeServer,
  type OpencodeServerProcess,
} from '../../src/providers/opencode/opencode-server-process.js';

const folder = mkdtempSync(join(tmpdir(), 'opencode-concurrent-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const serversAtOnce = 5;
const freshEnvironments = 3;
// Fifteen starts of a 180 MB binary on a loaded 2-core machine take longer than a unit test may.
const testTimeoutMs = 120_000;

async function startAtOnce(round: number, log: (line: string) => void) {
  const root = join(folder, `round-${round}`);
  const home = join(root, 'home');
  mkdirSync(home, { recursive: true });
  // No model server is needed to listen; nothing is ever sent to this URL.
  const state = await createOpencodeEnvironment({
    directory: join(root, 'state'),
    modelServerUrl: 'http://127.0.0.1:9',
  });
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, TMPDIR: home };
  const binary = findOpencodeBinary({ environment: process.env });
  if (binary === undefined) throw new Error('The opencode devDependency is not installed.');
  return Promise.allSettled(
    Array.from({ length: serversAtOnce }, () =>
      startOpencodeServer({
        binary,
        args: buildOpencodeServeArgs(),
        cwd: root,
        env: { ...env, ...state.environment },
        log,
      }),
    ),
  );
}

describe('startOpencodeServer with concurrent first starts', () => {
  it(
    'brings every server up on a fresh data directory, retrying the starts that lost',
    async () => {
      const logged: string[] = [];
      const outcomes: PromiseSettledResult<OpencodeServerProcess>[] = [];
      for (let round = 0; round < freshEnvironments; round += 1) {
        const settled = await startAtOnce(round, (line) => logged.push(line));
        outcomes.push(...settled);
        const started = settled.flatMap((outcome) =>
          outcome.status === 'fulfilled' ? [outcome.value] : [],
        );
        await Promise.all(started.map((server) => server.stop()));
      }
      const failures = outcomes.flatMap((outcome) =>
        outcome.status === 'rejected' ? [String(outcome.reason)] : [],
      );
      expect(failures).toEqual([]);
      const urls = outcomes.map((outcome) =>
        outcome.status === 'fulfilled' ? outcome.value.url : '',
      );
      expect(urls.every((url) => /^http:\/\/127\.0\.0\.1:\d+$/.test(url))).toBe(true);
      for (const line of logged) expect(line).toMatch(/exited \(exit code 1\).*starting it again/);
    },
    testTimeoutMs,
  );
});
