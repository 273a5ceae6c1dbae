import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { detectGeminiAuth, probeGemini } from './gemini-probe.js';

const folder = mkdtempSync(join(tmpdir(), 'gemini-probe-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** A GEMINI_CLI_HOME with these settings and, optionally, a stored Google login. */
function home(name: string, settings?: unknown, storedLogin = false): string {
  const directory = join(folder, name);
  mkdirSync(join(directory, '.gemini'), { recursive: true });
  if (settings !== undefined) {
    writeFileSync(join(directory, '.gemini', 'settings.json'), JSON.stringify(settings));
  }
  if (storedLogin) writeFileSync(join(directory, '.gemini', 'oauth_creds.json'), '{}');
  return directory;
}
const selected = (type: string) => ({ security: { auth: { selectedType: type } } });

describe('detectGeminiAuth', () => {
  it('reports an API key chosen by the settings or by the environment', () => {
    const configured = home('api-key', selected('gemini-api-key'));
    expect(detectGeminiAuth({ GEMINI_CLI_HOME: configured, GEMINI_API_KEY: 'k' })).toEqual({
      auth: 'ok',
      reason: 'API key (GEMINI_API_KEY), chosen by security.auth.selectedType "gemini-api-key"',
    });
    expect(detectGeminiAuth({ GEMINI_CLI_HOME: configured })).toMatchObject({ auth: 'missing' });
    expect(detectGeminiAuth({ HOME: home('bare'), GEMINI_API_KEY: 'k' })).toEqual({
      auth: 'ok',
      reason: 'API key (GEMINI_API_KEY), chosen by the environment',
    });
  });

  it('reports Vertex AI as ok only when its project and location or API key are set', () => {
    const vertex = home('vertex', selected('vertex-ai'));
    expect(
      detectGeminiAuth({
        GEMINI_CLI_HOME: vertex,
        GOOGLE_CLOUD_PROJECT: 'p',
        GOOGLE_CLOUD_LOCATION: 'us-central1',
      }),
    ).toMatchObject({ auth: 'ok', reason: expect.stringMatching(/^Vertex AI/) as unknown });
    expect(detectGeminiAuth({ GEMINI_CLI_HOME: vertex })).toMatchObject({ auth: 'unknown' });
    expect(
      detectGeminiAuth({
        HOME: home('bare-vertex'),
        GOOGLE_GENAI_USE_VERTEXAI: 'true',
        GOOGLE_API_KEY: 'k',
      }),
    ).toMatchObject({ auth: 'ok' });
  });

  it('reports stored OAuth credentials for a Google login', () => {
    const login = home('login', selected('oauth-personal'), true);
    expect(detectGeminiAuth({ GEMINI_CLI_HOME: login })).toEqual({
      auth: 'ok',
      reason:
        'Google login (stored OAuth credentials), chosen by security.auth.selectedType "oauth-personal"',
    });
    const keychain = home('keychain', selected('oauth-personal'));
    expect(detectGeminiAuth({ GEMINI_CLI_HOME: keychain })).toMatchObject({ auth: 'unknown' });
  });

  it('explains that a base URL without a selected type picks the gateway, which headless rejects', () => {
    const result = detectGeminiAuth({
      HOME: home('gateway'),
      GOOGLE_GEMINI_BASE_URL: 'http://127.0.0.1:1',
      GEMINI_API_KEY: 'k',
    });
    expect(result.auth).toBe('missing');
    expect(result.reason).toMatch(/gateway/);
  });

  it('says how to authenticate when nothing is configured, and names other selected types', () => {
    expect(detectGeminiAuth({ HOME: home('nothing') })).toMatchObject({
      auth: 'missing',
      reason: expect.stringMatching(/^Set GEMINI_API_KEY/) as unknown,
    });
    expect(
      detectGeminiAuth({ HOME: home('adc', selected('compute-default-credentials')) }),
    ).toEqual({
      auth: 'unknown',
      reason:
        'compute-default-credentials, chosen by security.auth.selectedType "compute-default-credentials"',
    });
  });
});

describe('probeGemini', () => {
  it('finds the installed gemini and its version', async () => {
    const probe = await probeGemini({}, undefined);
    expect(probe).toMatchObject({ available: true, version: '0.61.0' });
    expect(probe.binaryPath).toMatch(/gemini/);
  });

  it('reports a configured binary that is missing as unavailable with the install hint', async () => {
    const probe = await probeGemini({ binary: join(folder, 'no-such-gemini') }, undefined);
    expect(probe.available).toBe(false);
    expect(probe.reason).toMatch(/npm i -g @google\/gemini-cli/);
  });
});
