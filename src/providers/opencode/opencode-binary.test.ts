import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  findOpencodeBinary,
  opencodePlatformPackages,
  readOpencodeVersion,
} from './opencode-binary.js';

const folder = mkdtempSync(join(tmpdir(), 'opencode-binary-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

function writeExecutable(path: string, body: string): string {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

describe('opencodePlatformPackages', () => {
  it('orders the builds as the opencode-ai postinstall does', () => {
    const linux = { platform: 'linux' as const, arch: 'x64', hasAvx2: true, isMusl: false };
    expect(opencodePlatformPackages(linux)).toEqual([
      'opencode-linux-x64',
      'opencode-linux-x64-baseline',
      'opencode-linux-x64-musl',
      'opencode-linux-x64-baseline-musl',
    ]);
    expect(opencodePlatformPackages({ ...linux, hasAvx2: false })[0]).toBe(
      'opencode-linux-x64-baseline',
    );
    expect(opencodePlatformPackages({ ...linux, isMusl: true })[0]).toBe('opencode-linux-x64-musl');
    expect(opencodePlatformPackages({ ...linux, arch: 'arm64' })).toEqual([
      'opencode-linux-arm64',
      'opencode-linux-arm64-musl',
    ]);
    expect(opencodePlatformPackages({ ...linux, platform: 'win32' })).toEqual([
      'opencode-windows-x64',
      'opencode-windows-x64-baseline',
    ]);
    expect(opencodePlatformPackages({ ...linux, platform: 'darwin', arch: 'arm64' })).toEqual([
      'opencode-darwin-arm64',
    ]);
    expect(opencodePlatformPackages({ ...linux, arch: 'ia32' })).toEqual([]);
  });
});

describe('findOpencodeBinary', () => {
  it('prefers the configured binary, then SUBAGENT_MCP_OPENCODE_BIN, then OPENCODE_BIN', () => {
    const environment = { SUBAGENT_MCP_OPENCODE_BIN: '/opt/a/opencode', OPENCODE_BIN: '/opt/b/x' };
    expect(findOpencodeBinary({ configuredBinary: '/opt/c/opencode', environment })).toBe(
      '/opt/c/opencode',
    );
    expect(findOpencodeBinary({ environment })).toBe('/opt/a/opencode');
    expect(
      findOpencodeBinary({
        environment: { OPENCODE_BIN: '/opt/b/x', SUBAGENT_MCP_OPENCODE_BIN: '' },
      }),
    ).toBe('/opt/b/x');
  });

  it('finds the native binary of the installed platform package, not the launcher', () => {
    expect(findOpencodeBinary({ environment: { PATH: '' } })).toMatch(
      /node_modules\/opencode-[a-z]+-[a-z0-9]+(-baseline)?(-musl)?\/bin\/opencode(\.exe)?$/,
    );
  });

  it('falls back to opencode on PATH where no platform package exists', () => {
    const binDirectory = join(folder, 'bin');
    const onPath = writeExecutable(join(binDirectory, 'opencode'), 'echo 0.0.1');
    expect(
      findOpencodeBinary({ environment: { PATH: `${folder}:${binDirectory}` }, arch: 'ia32' }),
    ).toBe(onPath);
    expect(findOpencodeBinary({ environment: { PATH: '' }, arch: 'ia32' })).toBeUndefined();
  });

  it('records where it looked, in order, with what it found there', () => {
    const searched: string[] = [];
    findOpencodeBinary({ environment: { PATH: '' }, arch: 'ia32', searched });
    expect(searched).toEqual([
      'providers.opencode.binary: unset',
      '$SUBAGENT_MCP_OPENCODE_BIN: unset',
      '$OPENCODE_BIN: unset',
      'platform packages (none for this platform): not installed',
      'opencode on PATH: not found',
    ]);
  });

  it('looks behind the opencode-ai launcher on PATH for the native binary beside it', () => {
    // A layout whose platform package (linux arm64) is not installed beside us.
    const modules = join(folder, 'global', 'node_modules');
    const launcher = writeExecutable(join(modules, 'opencode-ai', 'bin', 'opencode.exe'), 'exit 1');
    writeFileSync(join(modules, 'opencode-ai', 'package.json'), '{"name":"opencode-ai"}');
    const native = writeExecutable(join(modules, 'opencode-linux-arm64', 'bin', 'opencode'), '');
    writeFileSync(join(modules, 'opencode-linux-arm64', 'package.json'), '{"name":"x"}');
    const linkDirectory = join(folder, 'link-bin');
    mkdirSync(linkDirectory);
    symlinkSync(launcher, join(linkDirectory, 'opencode'));
    const lookup = { platform: 'linux' as const, arch: 'arm64', hasAvx2: true, isMusl: false };
    expect(findOpencodeBinary({ environment: { PATH: linkDirectory }, ...lookup })).toBe(native);
  });
});

describe('readOpencodeVersion', () => {
  it('reads the version, or says why it could not', async () => {
    const good = writeExecutable(join(folder, 'good-opencode'), 'echo 1.18.33');
    expect(await readOpencodeVersion(good, { PATH: '/usr/bin:/bin' })).toEqual({
      version: '1.18.33',
    });
    const stub = writeExecutable(
      join(folder, 'stub-opencode'),
      'echo "Error: opencode-ai\'s postinstall script was not run." >&2; exit 1',
    );
    const { failure } = await readOpencodeVersion(stub, { PATH: '/usr/bin:/bin' });
    expect(failure).toContain('stub-opencode --version failed');
  });
});
