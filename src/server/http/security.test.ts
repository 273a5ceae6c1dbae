import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveHttpToken } from './http-token.js';
import {
  bearerToken,
  isAuthorized,
  isHostAllowed,
  isLoopbackHost,
  isOriginAllowed,
  sessionBelongsTo,
  tokenFingerprint,
} from './security.js';

const directory = mkdtempSync(join(tmpdir(), 'subagent-mcp-http-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

describe('bearer authentication', () => {
  const expected = tokenFingerprint('the-right-token-value');

  it('accepts only the configured token, in a Bearer header', () => {
    expect(isAuthorized('Bearer the-right-token-value', expected)).toBeDefined();
    expect(isAuthorized('bearer the-right-token-value', expected)).toBeDefined();
    expect(isAuthorized('Bearer the-wrong-token-value', expected)).toBeUndefined();
    expect(isAuthorized('Bearer the-right-token-valu', expected)).toBeUndefined();
    expect(isAuthorized('Basic the-right-token-value', expected)).toBeUndefined();
    expect(isAuthorized(undefined, expected)).toBeUndefined();
    expect(bearerToken('Bearer a b')).toBeUndefined();
  });

  it('binds a session to the token that created it', () => {
    const session = { tokenFingerprint: tokenFingerprint('token-of-client-one') };
    expect(sessionBelongsTo(session, tokenFingerprint('token-of-client-one'))).toBe(true);
    expect(sessionBelongsTo(session, tokenFingerprint('token-of-client-two'))).toBe(false);
  });
});

describe('Host and Origin validation', () => {
  it('accepts loopback names with our port when bound to loopback', () => {
    const bound = { host: '127.0.0.1', port: 4100 };
    for (const host of ['127.0.0.1:4100', 'localhost:4100', '[::1]:4100', 'LOCALHOST:4100']) {
      expect(isHostAllowed(host, bound), host).toBe(true);
    }
    for (const host of ['evil.example:4100', '127.0.0.1:4101', '127.0.0.1', undefined, '']) {
      expect(isHostAllowed(host, bound), String(host)).toBe(false);
    }
  });

  it('accepts only the bound address on a specific bind, and any name on a wildcard bind', () => {
    expect(isHostAllowed('10.0.0.5:80', { host: '10.0.0.5', port: 80 })).toBe(true);
    expect(isHostAllowed('localhost:80', { host: '10.0.0.5', port: 80 })).toBe(false);
    expect(isHostAllowed('box.lan:80', { host: '0.0.0.0', port: 80 })).toBe(true);
    expect(isHostAllowed('box.lan:81', { host: '0.0.0.0', port: 80 })).toBe(false);
  });

  it('knows loopback addresses', () => {
    expect(['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]'].every(isLoopbackHost)).toBe(
      true,
    );
    expect(['0.0.0.0', '::', '10.0.0.1', 'example.com'].some(isLoopbackHost)).toBe(false);
  });

  it('refuses any present Origin unless listed', () => {
    expect(isOriginAllowed(undefined, [])).toBe(true);
    expect(isOriginAllowed('http://localhost:4100', [])).toBe(false);
    expect(isOriginAllowed('null', [])).toBe(false);
    expect(isOriginAllowed('http://localhost:3000', ['http://localhost:3000'])).toBe(true);
    expect(isOriginAllowed('http://localhost:3001', ['http://localhost:3000'])).toBe(false);
  });
});

describe('resolveHttpToken', () => {
  it('prefers the configured token and writes nothing', () => {
    const stateDir = join(directory, 'configured');
    expect(resolveHttpToken({ configured: 'configured-token-123', stateDir })).toEqual({
      token: 'configured-token-123',
      generated: false,
    });
  });

  it('generates a private token once and reuses it', () => {
    const stateDir = join(directory, 'generated', 'state');
    const first = resolveHttpToken({ stateDir });
    expect(first.generated).toBe(true);
    expect(first.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(statSync(first.path!).mode & 0o777).toBe(0o600);
    expect(statSync(stateDir).mode & 0o777).toBe(0o700);
    expect(readFileSync(first.path!, 'utf8').trim()).toBe(first.token);
    const second = resolveHttpToken({ stateDir });
    expect(second).toEqual({ token: first.token, path: first.path, generated: false });
  });

  it('refuses an unusable token file', () => {
    const stateDir = join(directory, 'broken');
    resolveHttpToken({ stateDir });
    writeFileSync(join(stateDir, 'http-token'), '\n');
    expect(() => resolveHttpToken({ stateDir })).toThrow(/no usable token/);
  });
});
