import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { AuthState } from '../agent-provider.js';

export const claudeCodeLoginHint = 'Log in with `claude` (/login) or set ANTHROPIC_API_KEY';

const credentialVariables = [
  'ANTHROPIC_API_KEY',
  'ANTHROPIC_AUTH_TOKEN',
  'CLAUDE_CODE_OAUTH_TOKEN',
];
const cloudProviderVariables = [
  'CLAUDE_CODE_USE_BEDROCK',
  'CLAUDE_CODE_USE_VERTEX',
  'CLAUDE_CODE_USE_FOUNDRY',
];

/**
 * Whether `claude` will find credentials, judged without running it. Where Claude Code 2.1.330
 * keeps them: the environment; on Linux and Windows `<config dir>/.credentials.json` (config
 * dir = `CLAUDE_CONFIG_DIR` or `~/.claude`); an API key from `/login` as `primaryApiKey` in
 * the global config (`$CLAUDE_CONFIG_DIR/.claude.json` or `~/.claude.json`); `env` in
 * `settings.json`. The macOS keychain, an `apiKeyHelper` or a cloud provider cannot be checked
 * cheaply: `unknown`.
 */
export function detectClaudeCodeAuth(
  environment: Readonly<Record<string, string | undefined>>,
  platform: NodeJS.Platform = process.platform,
): { auth: AuthState; reason?: string } {
  const isSet = (name: string): boolean => Boolean(environment[name]);
  if (credentialVariables.some(isSet)) return { auth: 'ok' };
  if (cloudProviderVariables.some(isSet)) return { auth: 'unknown' };

  const home = environment.HOME || homedir();
  const configDirectory = environment.CLAUDE_CONFIG_DIR || join(home, '.claude');
  if (existsSync(join(configDirectory, '.credentials.json'))) return { auth: 'ok' };

  const globalConfig = readJson(
    environment.CLAUDE_CONFIG_DIR
      ? join(environment.CLAUDE_CONFIG_DIR, '.claude.json')
      : join(home, '.claude.json'),
  );
  if (typeof globalConfig.primaryApiKey === 'string') return { auth: 'ok' };

  const settings = readJson(join(configDirectory, 'settings.json'));
  const settingsEnvironment = (settings.env ?? {}) as Record<string, unknown>;
  if (credentialVariables.some((name) => Boolean(settingsEnvironment[name]))) return { auth: 'ok' };
  if (typeof settings.apiKeyHelper === 'string') return { auth: 'unknown' };
  if (platform === 'darwin' || globalConfig.oauthAccount !== undefined) return { auth: 'unknown' };
  return { auth: 'missing', reason: claudeCodeLoginHint };
}

function readJson(path: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(readFileSync(path, 'utf8'));
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
