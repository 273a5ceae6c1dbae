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
      searched: ['providers.fake.binary: /opt/a/fake'],
    });
    expect(discoverBinary(spec, { environment })).toEqual({
      path: '/opt/b/fake',
      searched: [
        'providers.fake.binary: unset',
        '$SUBAGENT_MCP_FAKE_BIN: unset',
        '$FAKE_BIN: /opt/b/fake',
      ],
    });
  });

  it('also appends where it looked to the lookup’s own list', () => {
    const searched = ['before'];
    discoverBinary(spec, { configuredBinary: '/opt/a/fake', environment: {}, searched });
    expect(searched).toEqual(['before', 'providers.fake.binary: /opt/a/fake']);
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
        'providers.fake.binary: unset',
        '$SUBAGENT_MCP_FAKE_BIN: unset',
        '$FAKE_BIN: unset',
        'platform package fake-cli-linux-arm64: not installed',
        `fake on PATH: found ${join(bin, 'fake')} (the npm launcher of ${native})`,
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
    expect(found.searched.at(-1)).toBe('fake on PATH: not found');
    expect(() => requireBinary(withPlaceholder, { environment: { PATH: stubBin } })).toThrow(
      AgentError,
    );
  });

  it('names the builds of a platform together when there are several, or none', () => {
    const several: BinarySpec = {
      ...spec,
      nativePackages: (target) =>
        target.arch === 'x64'
          ? [
              { name: 'fake-cli-linux-x64', executable: 'bin/fake' },
              { name: 'fake-cli-linux-x64-baseline', executable: 'bin/fake' },
            ]
          : [],
      buildsPerPlatform: 'several',
    };
    const lookup = { environment: { PATH: '' }, platform: 'linux' as const };
    expect(discoverBinary(several, { ...lookup, arch: 'x64' }).searched.slice(3)).toEqual([
      'platform packages fake-cli-linux-x64, fake-cli-linux-x64-baseline: not installed',
      'fake on PATH: not found',
    ]);
    expect(discoverBinary(several, { ...lookup, arch: 'ia32' }).searched[3]).toBe(
      'platform packages (none for this platform): not installed',
    );
    const one = { ...spec, nativePackages: () => [] };
    expect(discoverBinary(one, { ...lookup, platform: 'aix', arch: 'ia32' }).searched[3]).toBe(
      'platform package: none for aix-ia32',
    );
  });

  it('runs the script of a JavaScript CLI’s npm package before PATH, except on Windows', () => {
    const script: BinarySpec = {
      providerId: 'gemini',
      command: 'gemini',
      npmPackage: '@google/gemini-cli',
      packageScript: 'bundle/gemini.js',
      installHint: 'Install Gemini CLI',
    };
    const found = discoverBinary(script, { environment: { PATH: '' } });
    expect(found.path).toMatch(/node_modules\/@google\/gemini-cli\/bundle\/gemini\.js$/);
    expect(found.searched.at(-1)).toBe(`npm package @google/gemini-cli: found ${found.path}`);
    const onWindows = discoverBinary(script, { environment: { PATH: '' }, platform: 'win32' });
    expect(onWindows.searched.slice(-2)).toEqual([
      'npm package @google/gemini-cli: not run directly on Windows',
      'gemini on PATH: not found',
    ]);
    const missing = { ...script, npmPackage: 'no-such-package-here' };
    expect(discoverBinary(missing, { environment: { PATH: '' } }).searched.slice(-2)).toEqual([
      'npm package no-such-package-here: not installed',
      'gemini on PATH: not found',
    ]);
  });
});
