/**
 * The HTTP transport's request checks, as pure functions: Host and Origin validation (DNS
 * rebinding), bearer-token authentication in constant time, and binding sessions to the token
 * that created them. See docs/http.md for the model.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';

/** SHA-256 of a token: what we keep and compare instead of the token itself. */
export function tokenFingerprint(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

/** Constant-time equality of two fingerprints (equal-length digests). */
export function fingerprintsEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The token of an `Authorization: Bearer <token>` header, or undefined. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header ?? '');
  return match?.[1];
}

/**
 * Whether a request presenting `header` is authenticated against `expected` (the fingerprint
 * of the configured token). The presented token is hashed first, so the comparison is
 * constant-time over equal-length digests whatever its length.
 */
export function isAuthorized(header: string | undefined, expected: Buffer): Buffer | undefined {
  const token = bearerToken(header);
  if (token === undefined) return undefined;
  const presented = tokenFingerprint(token);
  return fingerprintsEqual(presented, expected) ? presented : undefined;
}

/**
 * A session is usable only with the token that created it: a valid token that did not create
 * the session is treated as if the session did not exist.
 */
export function sessionBelongsTo(
  session: { tokenFingerprint: Buffer },
  presented: Buffer,
): boolean {
  return fingerprintsEqual(session.tokenFingerprint, presented);
}

const loopbackNames = ['localhost', '127.0.0.1', '[::1]'];

/** True for addresses that only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (bare === 'localhost' || bare === '::1') return true;
  return isIP(bare) === 4 && bare.startsWith('127.');
}

function isWildcardHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '');
  return bare === '0.0.0.0' || bare === '::';
}

/** `host` as it appears in a Host header or URL (IPv6 bracketed). */
export function hostForUrl(host: string): string {
  const bare = host.replace(/^\[|\]$/g, '');
  return isIP(bare) === 6 ? `[${bare}]` : bare;
}

/**
 * Validates the Host header against the bound address and port. Bound to loopback, any
 * loopback name with our port is accepted (localhost, 127.0.0.1, [::1]); bound to a specific
 * address, that address with our port; bound to a wildcard (0.0.0.0, ::), any name with our
 * port — such a bind always requires a configured token.
 */
export function isHostAllowed(
  header: string | undefined,
  bound: { host: string; port: number },
): boolean {
  if (!header) return false;
  const match = /^(\[[0-9a-f:.]+\]|[^:[\]]+):(\d+)$/i.exec(header.trim());
  if (!match) return false;
  const name = match[1]!.toLowerCase();
  if (Number(match[2]) !== bound.port) return false;
  if (isWildcardHost(bound.host)) return true;
  if (isLoopbackHost(bound.host)) return loopbackNames.includes(name);
  return name === hostForUrl(bound.host).toLowerCase();
}

/**
 * An absent Origin (non-browser clients) is fine; a present one must be listed exactly in
 * `allowedOrigins` (default: none, so any browser page is refused).
 */
export function isOriginAllowed(
  header: string | undefined,
  allowedOrigins: readonly string[],
): boolean {
  if (header === undefined) return true;
  return allowedOrigins.some((origin) => origin.toLowerCase() === header.trim().toLowerCase());
}
