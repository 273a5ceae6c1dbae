import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { codexPlatformTarget, findCodexBinary, readCodexVersion } from './codex-binary.js';

const folder = mkdtempSync(join(tmpdir(), 'codex-binary-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

function writeExecutable(path: string, body: string): string {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

describe('codexPlatformTarget', () => {
  it('names the native package and target triple the npm wrapper would use', () => {
    expect(codexPlatformTarget('linux', 'x64')).toEqual({
      packageName: '@openai/codex-linux-x64',
      targetTriple: 'x86_64-unknown-linux-musl',
    });
    expect(codexPlatformTarget('linux', 'arm64')?.targetTriple).toBe('aarch64-unknown-linux-musl');
    expect(codexPlatformTarget('darwin', 'arm64')).toEqual({
      packageName: '@openai/codex-darwin-arm64',
      targetTriple: 'aarch64-apple-darwin',
    });
    expect(codexPlatformTarget('darwin', 'x64')?.targetTriple).toBe('x86_64-apple-darwin');
    expect(codexPlatformTarget('win32', 'x64')).toEqual({
      packageName: '@openai/codex-win32-x64',
      targetTriple: 'x86_64-pc-windows-msvc',
    });
    expect(codexPlatformTarget('win32', 'arm64')?.targetTriple).toBe('aarch64-pc-windows-msvc');
    expect(codexPlatformTarget('linux', 'ia32')).toBeUndefined();
    expect(codexPlatformTarget('aix', 'x64')).toBeUndefined();
  });
});

describe('findCodexBinary', () => {
  it('prefers the configured binary, then SUBAGENT_MCP_CODEX_BIN, then CODEX_BIN', () => {
    const environment = { SUBAGENT_MCP_CODEX_BIN: '/opt/a/codex', CODEX_BIN: '/opt/b/codex' };
    expect(findCodexBinary({ configuredBinary: '/opt/c/codex', environment })).toBe('/opt/c/codex');
    expect(findCodexBinary({ environment })).toBe('/opt/a/codex');
    expect(
      findCodexBinary({ environment: { CODEX_BIN: '/opt/b/codex', SUBAGENT_MCP_CODEX_BIN: '' } }),
    ).toBe('/opt/b/codex');
  });

  it('finds the native binary of the installed platform package without the wrapper', () => {
    expect(findCodexBinary({ environment: { PATH: '' } })).toMatch(
      /@openai\/codex-[a-z0-9]+-[a-z0-9]+\/vendor\/[a-z0-9_-]+\/bin\/codex(\.exe)?$/,
    );
  });

  it('falls back to codex on PATH where no platform package exists', () => {
    const binDirectory = join(folder, 'bin');
    const onPath = writeExecutable(join(binDirectory, 'codex'), 'echo codex-cli 0.0.1');
    writeFileSync(join(folder, 'codex-not-executable'), '');
    expect(
      findCodexBinary({ environment: { PATH: `${folder}:${binDirectory}` }, arch: 'ia32' }),
    ).toBe(onPath);
    expect(findCodexBinary({ environment: { PATH: folder }, arch: 'ia32' })).toBeUndefined();
  });

  it('records where it looked, in order, with what it found there', () => {
    const searched: string[] = [];
    const found = findCodexBinary({ environment: { PATH: '' }, searched });
    expect(searched).toEqual([
      'providers.codex.binary: unset',
      '$SUBAGENT_MCP_CODEX_BIN: unset',
      '$CODEX_BIN: unset',
      `platform package @openai/codex-${process.platform}-${process.arch}: found ${found}`,
    ]);
    const configured: string[] = [];
    findCodexBinary({ configuredBinary: '/opt/codex', environment: {}, searched: configured });
    expect(configured).toEqual(['providers.codex.binary: /opt/codex']);
  });

  it('looks through the npm wrapper on PATH for the native binary beside it', () => {
    const prefix = join(folder, 'global');
    const packageDirectory = join(prefix, 'lib/node_modules/@openai/codex');
    const native = writeExecutable(
      join(
        prefix,
        'lib/node_modules/@openai/codex-darwin-arm64/vendor/aarch64-apple-darwin/bin/codex',
      ),
      'echo native',
    );
    writeFileSync(
      join(prefix, 'lib/node_modules/@openai/codex-darwin-arm64/package.json'),
      JSON.stringify({ name: '@openai/codex-darwin-arm64', version: '0.0.1' }),
    );
    writeExecutable(join(packageDirectory, 'bin/codex.js'), '');
    writeFileSync(
      join(packageDirectory, 'package.json'),
      JSON.stringify({ name: '@openai/codex', version: '0.0.1' }),
    );
    mkdirSync(join(prefix, 'bin'), { recursive: true });
    symlinkSync(join(packageDirectory, 'bin/codex.js'), join(prefix, 'bin/codex'));
    // A platform with no package beside us, so only the one behind the wrapper can be found.
    const found = findCodexBinary({
      environment: { PATH: join(prefix, 'bin') },
      platform: 'darwin',
      arch: 'arm64',
    });
    expect(found).toBe(native);
  });
});

describe('readCodexVersion', () => {
  it('reads the version from `codex --version`', async () => {
    const fake = writeExecutable(join(folder, 'fake-codex'), 'echo "codex-cli 0.169.0"');
    expect(await readCodexVersion(fake, { PATH: '/usr/bin:/bin' })).toEqual({
      version: '0.169.0',
    });
  });

  it('says why when the binary fails or prints no version', async () => {
    const broken = writeExecutable(join(folder, 'broken-codex'), 'echo nope; exit 3');
    expect((await readCodexVersion(broken, { PATH: '/usr/bin:/bin' })).failure).toContain(
      'broken-codex --version failed',
    );
    const silent = writeExecutable(join(folder, 'silent-codex'), 'echo hello');
    expect((await readCodexVersion(silent, { PATH: '/usr/bin:/bin' })).failure).toContain(
      'unexpected output hello',
    );
  });
});
