/**
 * The fault matrix for `claude-code` (docs/fault-matrix.md): the real `claude` against the
 * scripted model server, a fake binary only for garbage on stdout.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { describeFaultMatrix } from '../support/fault-matrix.js';

/**
 * Claude Code 2.1.332 writes its transcript (`<config>/projects/<cwd>/<session>.jsonl`) through a
 * buffered writer: a SIGKILL in the first milliseconds after the model got the request can land
 * before the prompt is on disk, and then there is no session to resume (seen once in CI).
 */
const transcriptHolds = (configDirectory: string, tag: string): boolean => {
  const projects = join(configDirectory, 'projects');
  if (!existsSync(projects)) return false;
  return readdirSync(projects).some((project) =>
    readdirSync(join(projects, project))
      .filter((name) => name.endsWith('.jsonl'))
      .some((name) => readFileSync(join(projects, project, name), 'utf8').includes(tag)),
  );
};

describeFaultMatrix({
  provider: 'claude-code',
  args: { model: 'mock-model' },
  binaryConfig: (path) => ({ providers: { 'claude-code': { binary: path } } }),
  // The run's session id is the server's, not Claude Code's: the tag finds the transcript.
  sessionWritten: async ({ stateDir, tag }) => {
    const configDirectory = join(stateDir, '..', 'claude-config');
    await expect.poll(() => transcriptHolds(configDirectory, tag), { timeout: 10_000 }).toBe(true);
  },
  faults: [
    'agent-crash',
    'agent-hang',
    'garbage-stdout',
    'missing-binary',
    'http-401',
    'http-529',
    'client-disconnect',
    'server-sigterm',
    'server-sigkill',
  ],
  provedElsewhere: {
    'client-disconnect': 'claude-code-lifecycle.test.ts › shutdown',
    'server-sigterm': 'stdio-process.test.ts › ends a running sub-agent … on SIGTERM',
    'server-sigkill': 'server-sigkill.test.ts',
  },
  expectations: {
    // Claude Code keeps the failed prompt and sends it again, joined to the next one.
    'http-401': { resume: { code: 'upstream_error', message: /401/ } },
    'http-529': { resume: { code: 'upstream_error', message: /529/ } },
  },
});
