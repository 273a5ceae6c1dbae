import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AgentError } from '../../errors/index.js';
import { discoverBinary, requireBinary, type BinarySpec } from './binary-discovery.js';

const folder = mkdtempSync(join(tmpdir(), 'kit-binary-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

function writeFile(path: string, body: string, mode = 0o644): string {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, body);
  chmodSync(path, mode);
  return path;
}

const spec: BinarySpec = {
  providerId: 'fake',
  command: 'fake',
  npmPackage: 'fake-cli',
  nativePackages: (target) => [
    { name: `fake-cli-${target.platform}-${target.arch}`, executable: 'bin/fake' },
  ],
  looksBehindLauncher: true,
  installHint: 'Install fake: npm i -g fake-cli',
};

describe('discoverBinary', () => {
  it('takes the configured path, then the first variable set, and says where it looked', () => {
    const environment = { FAKE_BIN: '/opt/b/fake', SUBAGENT_MCP_FAKE_BIN: '' };
    expect(discoverBinary(spec, { configuredBinary: '/opt/a/fake', environment })).toEqual({
      path: '/opt/a/fake',
      searched: ['providers.fake.binary'],
    });
    expect(discoverBinary(spec, { environment })).toEqual({
      path: '/opt/b/fake',
      searched: ['providers.fake.binary', '$SUBAGENT_MCP_FAKE_BIN', '$FAKE_BIN'],
    });
  });

  it('runs the native binary behind the npm launcher on PATH', () => {
    const modules = join(folder, 'global/lib/node_modules');
    const launcher = writeFile(join(modules, 'fake-cli/bin/fake.js'), '', 0o755);
    writeFile(join(modules, 'fake-cli/package.json'), '{"name":"fake-cli"}');
    const native = writeFile(join(modules, 'fake-cli-linux-arm64/bin/fake'), '', 0o755);
    writeFile(
      join(modules, 'fake-cli-linux-arm64/package.json'),
      '{"name":"fake-cli-linux-arm64"}',
    );
    const bin = join(folder, 'global/bin');
    mkdirSync(bin, { recursive: true });
    symlinkSync(launcher, join(bin, 'fake'));
    const lookup = { environment: { PATH: bin }, platform: 'linux' as const, arch: 'arm64' };
    expect(discoverBinary(spec, lookup)).toEqual({
      path: native,
      searched: [
        'providers.fake.binary',
        '$SUBAGENT_MCP_FAKE_BIN',
        '$FAKE_BIN',
        'npm package fake-cli-linux-arm64',
        'fake on PATH',
        `the native binary behind ${join(bin, 'fake')}`,
      ],
    });
    expect(discoverBinary({ ...spec, looksBehindLauncher: false }, lookup).path).toBe(
      join(bin, 'fake'),
    );
  });

  it('skips a placeholder on PATH and reports none found', () => {
    const stub = writeFile(join(folder, 'stub/lib/fake.exe'), 'echo not installed', 0o755);
    const stubBin = join(folder, 'stub/bin');
    mkdirSync(stubBin, { recursive: true });
    symlinkSync(stub, join(stubBin, 'fake'));
    const withPlaceholder = { ...spec, placeholder: { fileName: 'fake.exe', maxBytes: 4096 } };
    const found = discoverBinary(withPlaceholder, { environment: { PATH: stubBin } });
    expect(found.path).toBeUndefined();
    expect(found.searched.at(-1)).toBe('fake on PATH');
    expect(() => requireBinary(withPlaceholder, { environment: { PATH: stubBin } })).toThrow(
      AgentError,
    );
  });
});
