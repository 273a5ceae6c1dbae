import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { claudeCodeLoginHint, detectClaudeCodeAuth } from './claude-code-auth.js';

const folder = mkdtempSync(join(tmpdir(), 'claude-code-auth-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

let homes = 0;
function freshHome(files: Record<string, unknown> = {}): string {
  const home = join(folder, `home-${(homes += 1)}`);
  mkdirSync(join(home, '.claude'), { recursive: true });
  for (const [path, content] of Object.entries(files)) {
    writeFileSync(join(home, path), JSON.stringify(content));
  }
  return home;
}

describe('detectClaudeCodeAuth', () => {
  it('is ok with a key or token in the environment', () => {
    for (const name of ['ANTHROPIC_API_KEY', 'ANTHROPIC_AUTH_TOKEN', 'CLAUDE_CODE_OAUTH_TOKEN']) {
      expect(detectClaudeCodeAuth({ HOME: freshHome(), [name]: 'secret' }, 'linux')).toEqual({
        auth: 'ok',
      });
    }
  });

  it('is ok with stored credentials in the config directory', () => {
    const home = freshHome({ '.claude/.credentials.json': { claudeAiOauth: {} } });
    expect(detectClaudeCodeAuth({ HOME: home }, 'linux').auth).toBe('ok');
    const configDirectory = join(freshHome(), 'custom-config');
    mkdirSync(configDirectory);
    writeFileSync(join(configDirectory, '.credentials.json'), '{}');
    expect(
      detectClaudeCodeAuth({ HOME: freshHome(), CLAUDE_CONFIG_DIR: configDirectory }, 'linux').auth,
    ).toBe('ok');
  });

  it('is ok with an API key saved by /login or set in settings.json', () => {
    expect(
      detectClaudeCodeAuth({ HOME: freshHome({ '.claude.json': { primaryApiKey: 'k' } }) }).auth,
    ).toBe('ok');
    const home = freshHome({ '.claude/settings.json': { env: { ANTHROPIC_API_KEY: 'k' } } });
    expect(detectClaudeCodeAuth({ HOME: home }, 'linux').auth).toBe('ok');
  });

  it('is unknown where it cannot look: keychain, key helper, cloud providers, account without file', () => {
    expect(detectClaudeCodeAuth({ HOME: freshHome() }, 'darwin').auth).toBe('unknown');
    const helper = freshHome({ '.claude/settings.json': { apiKeyHelper: '/bin/get-key' } });
    expect(detectClaudeCodeAuth({ HOME: helper }, 'linux').auth).toBe('unknown');
    expect(
      detectClaudeCodeAuth({ HOME: freshHome(), CLAUDE_CODE_USE_BEDROCK: '1' }, 'linux').auth,
    ).toBe('unknown');
    const account = freshHome({ '.claude.json': { oauthAccount: { emailAddress: 'a@b.c' } } });
    expect(detectClaudeCodeAuth({ HOME: account }, 'linux').auth).toBe('unknown');
  });

  it('is missing, with what to do, when nothing is found on Linux', () => {
    expect(detectClaudeCodeAuth({ HOME: freshHome() }, 'linux')).toEqual({
      auth: 'missing',
      reason: claudeCodeLoginHint,
    });
  });
});
