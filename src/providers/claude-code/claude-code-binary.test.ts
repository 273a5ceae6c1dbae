import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  claudeCodePlatformPackage,
  findClaudeCodeBinary,
  readClaudeCodeVersion,
} from './claude-code-binary.js';

const folder = mkdtempSync(join(tmpdir(), 'claude-code-binary-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

function writeExecutable(path: string, body: string): string {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

describe('claudeCodePlatformPackage', () => {
  it('names the native package the wrapper would use', () => {
    expect(claudeCodePlatformPackage('linux', 'x64', false)).toBe(
      '@anthropic-ai/claude-code-linux-x64',
    );
    expect(claudeCodePlatformPackage('linux', 'arm64', true)).toBe(
      '@anthropic-ai/claude-code-linux-arm64-musl',
    );
    expect(claudeCodePlatformPackage('darwin', 'arm64', false)).toBe(
      '@anthropic-ai/claude-code-darwin-arm64',
    );
    expect(claudeCodePlatformPackage('win32', 'x64', false)).toBe(
      '@anthropic-ai/claude-code-win32-x64',
    );
    expect(claudeCodePlatformPackage('linux', 'ia32', false)).toBeUndefined();
    expect(claudeCodePlatformPackage('aix', 'x64', false)).toBeUndefined();
  });
});

describe('findClaudeCodeBinary', () => {
  it('prefers the configured binary, then SUBAGENT_MCP_CLAUDE_BIN, then CLAUDE_BIN', () => {
    const environment = { SUBAGENT_MCP_CLAUDE_BIN: '/opt/a/claude', CLAUDE_BIN: '/opt/b/claude' };
    expect(findClaudeCodeBinary({ configuredBinary: '/opt/c/claude', environment })).toBe(
      '/opt/c/claude',
    );
    expect(findClaudeCodeBinary({ environment })).toBe('/opt/a/claude');
    expect(findClaudeCodeBinary({ environment: { CLAUDE_BIN: '/opt/b/claude' } })).toBe(
      '/opt/b/claude',
    );
  });

  it('finds the native binary of the installed platform package without the wrapper', () => {
    const found = findClaudeCodeBinary({ environment: { PATH: '' } });
    expect(found).toMatch(/@anthropic-ai\/claude-code-[a-z0-9-]+\/claude(\.exe)?$/);
  });

  it('falls back to claude on PATH, skipping the npm wrapper stub', () => {
    const stubPackage = join(folder, 'lib/node_modules/@anthropic-ai/claude-code/bin');
    const stub = writeExecutable(
      join(stubPackage, 'claude.exe'),
      'echo "native binary not installed"',
    );
    const stubBin = join(folder, 'stub-bin');
    mkdirSync(stubBin);
    symlinkSync(stub, join(stubBin, 'claude'));
    const real = writeExecutable(join(folder, 'real-bin/claude'), 'echo 2.1.330');
    const lookup = (PATH: string) =>
      findClaudeCodeBinary({ environment: { PATH }, platform: 'aix' });

    expect(lookup(`${stubBin}:${join(folder, 'real-bin')}`)).toBe(real);
    expect(lookup(stubBin)).toBeUndefined();
    expect(lookup('')).toBeUndefined();
  });

  it('records where it looked, in order, stopping at the first place that names a binary', () => {
    const searched: string[] = [];
    findClaudeCodeBinary({ environment: { PATH: '' }, platform: 'aix', searched });
    expect(searched).toEqual([
      'providers.claude-code.binary: unset',
      '$SUBAGENT_MCP_CLAUDE_BIN: unset',
      '$CLAUDE_BIN: unset',
      `platform package: none for aix-${process.arch}`,
      'claude on PATH: not found',
    ]);
    const fromVariable: string[] = [];
    findClaudeCodeBinary({ environment: { CLAUDE_BIN: '/opt/claude' }, searched: fromVariable });
    expect(fromVariable.at(-1)).toBe('$CLAUDE_BIN: /opt/claude');
  });
});

describe('readClaudeCodeVersion', () => {
  it('reads the version from `claude --version`', async () => {
    const binary = writeExecutable(join(folder, 'version/claude'), 'echo "2.1.330 (Claude Code)"');
    expect(await readClaudeCodeVersion(binary, { PATH: '/usr/bin:/bin' })).toEqual({
      version: '2.1.330',
    });
  });

  it('says why when the binary fails', async () => {
    const binary = writeExecutable(join(folder, 'broken/claude'), 'echo "boom" >&2; exit 3');
    const { version, failure } = await readClaudeCodeVersion(binary, { PATH: '/usr/bin:/bin' });
    expect(version).toBeUndefined();
    expect(failure).toContain(`${binary} --version failed`);
  });
});
