import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { BinarySpec } from './binary-discovery.js';
import { probeCli } from './probe-cli.js';

const folder = mkdtempSync(join(tmpdir(), 'kit-probe-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

function writeExecutable(name: string, body: string): string {
  const path = join(folder, name);
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

const binary: BinarySpec = {
  providerId: 'fake',
  command: 'fake',
  environmentVariables: ['FAKE_BIN'],
  installHint: 'Install fake',
};
const environment = { PATH: '/usr/bin:/bin' };

describe('probeCli', () => {
  it('reports where it looked and the offline auth when the CLI is missing', async () => {
    const probe = await probeCli({
      agentName: 'Fake',
      binary,
      environment: { PATH: folder },
      readAuth: () => ({ auth: 'ok' }),
    });
    expect(probe).toEqual({
      available: false,
      auth: 'ok',
      reason: 'Install fake',
      searched: ['providers.fake.binary: unset', '$FAKE_BIN: unset', 'fake on PATH: not found'],
    });
  });

  it('says why when the CLI does not answer --version', async () => {
    const broken = writeExecutable('broken', 'exit 3');
    const probe = await probeCli({
      agentName: 'Fake',
      binary,
      configuredBinary: broken,
      environment,
    });
    expect(probe).toMatchObject({ available: false, auth: 'unknown', binaryPath: broken });
    expect(probe.reason).toMatch(/broken --version failed: .*\. Install fake$/);
  });

  it('adds what the provider asked the installed CLI, without empty fields', async () => {
    const good = writeExecutable('good', 'echo fake 1.2.3');
    const probe = await probeCli({
      agentName: 'Fake',
      binary,
      configuredBinary: good,
      environment,
      inspect: ({ version }) =>
        Promise.resolve({ auth: 'missing', reason: `log in to ${version}`, models: [] }),
    });
    expect(probe).toEqual({
      available: true,
      version: '1.2.3',
      binaryPath: good,
      searched: [`providers.fake.binary: ${good}`],
      auth: 'missing',
      reason: 'log in to 1.2.3',
    });
  });

  it('turns a failure of the provider’s questions into an unavailable provider', async () => {
    const good = writeExecutable('good-again', 'echo 1.0.0');
    const probe = await probeCli({
      agentName: 'Fake',
      binary,
      configuredBinary: good,
      environment,
      inspect: () => Promise.reject(new Error('no answer')),
    });
    expect(probe).toEqual({
      available: false,
      auth: 'unknown',
      reason: 'Probing Fake failed: no answer',
    });
  });
});
