/**
 * Credential checks shared by the HTTP endpoint, the webhook intake and the embedded broker: the API
 * key (POST /sync, POST /webhook without a secret), the status token (GET /status, GET /metrics), the
 * webhook signature and constant-time equality. Every comparison of a secret runs in
 * constant time, so response timing tells an attacker nothing about how much of a guess was right.
 * Nothing here logs or returns the values it compares.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** Header names that may carry the API key: ours, and the original connector's. */
export const API_KEY_HEADERS = ['x-api-key', 'x-netbox-pdns-api-key'] as const;

/** NetBox's webhook signature header (reference netbox-api.md §4.2). */
export const SIGNATURE_HEADER = 'x-hook-signature';

/** HMAC-SHA512 → 64 bytes → 128 hex digits. */
const SIGNATURE_HEX = /^[0-9a-fA-F]{128}$/;

export type ApiKeyCheck = 'ok' | 'missing' | 'wrong' | 'disabled';

/**
 * Constant-time string equality. Both sides are hashed first so the compared buffers always have
 * the same length: `timingSafeEqual` throws on unequal lengths, and an early length check would
 * leak the key's length.
 */
export function constantTimeEqual(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a, 'utf8').digest();
  const hb = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(ha, hb);
}

function single(value: string | string[] | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/**
 * The API key a request presents: `X-API-Key`, `x-netbox-pdns-api-key`, or `Authorization: Bearer`.
 * A header sent twice is not a key (Node joins such values with ", ").
 */
export function presentedApiKey(headers: IncomingHttpHeaders): string | undefined {
  for (const name of API_KEY_HEADERS) {
    const value = single(headers[name]);
    if (value !== undefined && value !== '') return value;
  }
  const auth = single(headers.authorization);
  const bearer = auth === undefined ? undefined : /^Bearer\s+(\S+)\s*$/i.exec(auth);
  return bearer?.[1];
}

/**
 * Checks the presented key against every configured one (unset ones are skipped); `disabled` when
 * none is configured. All are compared, so timing does not tell which one came close.
 */
export function checkKeys(headers: IncomingHttpHeaders, configured: ReadonlyArray<string | undefined>): ApiKeyCheck {
  const keys = configured.filter((k): k is string => k !== undefined && k !== '');
  if (keys.length === 0) return 'disabled';
  const presented = presentedApiKey(headers);
  if (presented === undefined) return 'missing';
  return keys.map((key) => constantTimeEqual(presented, key)).includes(true) ? 'ok' : 'wrong';
}

/** Checks the presented API key against the configured one; `disabled` when none is configured. */
export function checkApiKey(headers: IncomingHttpHeaders, configured: string | undefined): ApiKeyCheck {
  return checkKeys(headers, [configured]);
}

/** The credentials that open the read endpoints. */
export interface ReadKeys {
  statusToken?: string;
  apiKey?: string;
}

/**
 * Who may read GET /status and GET /metrics: anyone while no status token is set (`open`), else a
 * request presenting the status token or the API key. Asking about one zone (`zoneLookup`) always
 * needs one of them, open or not: its 200-or-404 answer would otherwise tell anyone which zones
 * exist. `disabled` there means neither is configured.
 */
export function checkReadAccess(headers: IncomingHttpHeaders, keys: ReadKeys, zoneLookup: boolean): ApiKeyCheck | 'open' {
  if (!zoneLookup && (keys.statusToken === undefined || keys.statusToken === '')) return 'open';
  return checkKeys(headers, [keys.statusToken, keys.apiKey]);
}

/** The password of an `Authorization: Basic` header (the user name is ignored), if it decodes. */
export function presentedBasicPassword(headers: IncomingHttpHeaders): string | undefined {
  const auth = single(headers.authorization);
  const basic = auth === undefined ? undefined : /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(auth);
  if (!basic?.[1]) return undefined;
  const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? undefined : decoded.slice(colon + 1);
}

/**
 * Who may read the status page: as GET /status, and also by HTTP Basic with the status token or the
 * API key as the password, because a browser can send that (it asks for it) but no Bearer header.
 */
export function checkPageAccess(headers: IncomingHttpHeaders, keys: ReadKeys): ApiKeyCheck | 'open' {
  const read = checkReadAccess(headers, keys, false);
  if (read === 'open' || read === 'ok') return read;
  const password = presentedBasicPassword(headers);
  if (password === undefined) return read;
  const configured = [keys.statusToken, keys.apiKey].filter((k): k is string => k !== undefined && k !== '');
  return configured.map((key) => constantTimeEqual(password, key)).includes(true) ? 'ok' : 'wrong';
}

/**
 * True when `X-Hook-Signature` is the lowercase-hex HMAC-SHA512 of the exact body bytes, keyed with
 * the secret as UTF-8. A missing, truncated or non-hex value fails before any comparison; its length
 * is public (always 128), so that early exit leaks nothing about the secret.
 */
export function verifyHookSignature(secret: string, rawBody: Buffer, headers: IncomingHttpHeaders): boolean {
  const header = single(headers[SIGNATURE_HEADER])?.trim();
  if (header === undefined || !SIGNATURE_HEX.test(header)) return false;
  const expected = createHmac('sha512', Buffer.from(secret, 'utf8')).update(rawBody).digest();
  const presented = Buffer.from(header, 'hex');
  return presented.length === expected.length && timingSafeEqual(presented, expected);
}

/** The signature NetBox would send for `rawBody` (for tests and for documenting the scheme). */
export function hookSignature(secret: string, rawBody: Buffer | string): string {
  return createHmac('sha512', Buffer.from(secret, 'utf8')).update(rawBody).digest('hex');
}
