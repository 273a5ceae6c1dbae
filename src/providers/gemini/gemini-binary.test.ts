import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findGeminiBinary, readGeminiVersion } from './gemini-binary.js';

const folder = mkdtempSync(join(tmpdir(), 'gemini-binary-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

function writeExecutable(path: string, body: string): string {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

describe('findGeminiBinary', () => {
  it('prefers the configured binary, then SUBAGENT_MCP_GEMINI_BIN, then GEMINI_BIN', () => {
    const environment = { SUBAGENT_MCP_GEMINI_BIN: '/opt/a/gemini', GEMINI_BIN: '/opt/b/gemini' };
    expect(findGeminiBinary({ configuredBinary: '/opt/c/gemini', environment })).toBe(
      '/opt/c/gemini',
    );
    expect(findGeminiBinary({ environment })).toBe('/opt/a/gemini');
    expect(findGeminiBinary({ environment: { GEMINI_BIN: '/opt/b/gemini' } })).toBe(
      '/opt/b/gemini',
    );
  });

  it('finds the bundle of the installed @google/gemini-cli package before PATH', () => {
    const onPath = writeExecutable(join(folder, 'path', 'gemini'), 'echo 9.9.9');
    const found = findGeminiBinary({ environment: { PATH: join(onPath, '..') } });
    expect(found).toMatch(/node_modules\/@google\/gemini-cli\/bundle\/gemini\.js$/);
  });

  it('on Windows skips the bundle (a Node script without a launcher) for gemini on PATH', () => {
    const onPath = writeExecutable(join(folder, 'windows-path', 'gemini'), 'echo 9.9.9');
    expect(findGeminiBinary({ environment: { PATH: join(onPath, '..') }, platform: 'win32' })).toBe(
      onPath,
    );
  });
});

describe('readGeminiVersion', () => {
  it('reads the package manifest behind the bundle, also through a symlink, without running it', async () => {
    const bundle = findGeminiBinary({ environment: {} })!;
    expect(await readGeminiVersion(bundle, {})).toEqual({ version: '0.61.0' });
    const link = join(folder, 'gemini-link');
    symlinkSync(bundle, link);
    expect(await readGeminiVersion(link, {})).toEqual({ version: '0.61.0' });
  });

  it('asks any other executable for --version', async () => {
    const other = writeExecutable(join(folder, 'other', 'gemini'), 'echo 0.70.1');
    expect(await readGeminiVersion(other, { PATH: '/usr/bin:/bin' })).toEqual({
      version: '0.70.1',
    });
  });
});
