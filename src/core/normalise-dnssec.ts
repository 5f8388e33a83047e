/**
 * DNSSEC-related fields dnspython accepts in spellings PowerDNS 4.7 refuses (measured, 4.7.3):
 * algorithm and certificate-type mnemonics (`RSASHA256`, `PKIX`: PowerDNS wants digits), RRSIG
 * times as seconds since the epoch and TTLs with units (PowerDNS wants `YYYYMMDDHHMMSS` and
 * seconds), and NSEC3 next-owner hashes in lower case or unpadded (PowerDNS writes base32hex in
 * upper case, padded to whole 8-character groups).
 */
import { canonicalBase64, joinedBase64 } from './normalise-base64.js';
import { contentName } from './normalise-name.js';
import { pdnsTypeName, typeBitmap, typeNumber } from './rrtypes.js';
import type { ZoneName } from './types.js';

/** DNSSEC algorithm mnemonics (dnspython's dns.dnssectypes.Algorithm; any case). */
const ALGORITHMS: Readonly<Record<string, number>> = {
  RSAMD5: 1, DH: 2, DSA: 3, ECC: 4, RSASHA1: 5, DSANSEC3SHA1: 6, RSASHA1NSEC3SHA1: 7, RSASHA256: 8,
  RSASHA512: 10, ECCGOST: 12, ECDSAP256SHA256: 13, ECDSAP384SHA384: 14, ED25519: 15, ED448: 16,
  INDIRECT: 252, PRIVATEDNS: 253, PRIVATEOID: 254,
};

/** CERT certificate types (RFC 4398; dnspython accepts them in upper case). */
const CERT_TYPES: Readonly<Record<string, number>> = {
  PKIX: 1, SPKI: 2, PGP: 3, IPKIX: 4, ISPKI: 5, IPGP: 6, ACPKIX: 7, IACPKIX: 8, URI: 253, OID: 254,
};

export function uint(text: string, max: number, what = 'value'): number {
  if (!/^\d+$/.test(text) || Number(text) > max) throw new Error(`${what} ${JSON.stringify(text)} is not a number from 0 to ${max}`);
  return Number(text);
}

/** A DNSSEC algorithm field: digits, or a mnemonic turned into its number. */
export function algorithm(text: string): string {
  const known = ALGORITHMS[text.toUpperCase()];
  return String(known ?? uint(text, 255, 'algorithm'));
}

/** A CERT type field: digits, or a mnemonic turned into its number. */
export function certType(text: string): string {
  return String(CERT_TYPES[text.toUpperCase()] ?? uint(text, 65535, 'certificate type'));
}

/** A TTL as dnspython reads it (`3600`, `1h`, `1w2d`), in seconds. */
export function ttlSeconds(text: string): number {
  if (/^\d+$/.test(text)) return uint(text, 0xffffffff, 'TTL');
  const units: Record<string, number> = { w: 604800, d: 86400, h: 3600, m: 60, s: 1 };
  if (!/^(\d+[wdhms])+$/i.test(text)) throw new Error(`TTL ${JSON.stringify(text)} is not a number or a BIND duration`);
  let total = 0;
  for (const [, n = '0', unit = 's'] of text.matchAll(/(\d+)([wdhms])/gi)) total += Number(n) * (units[unit.toLowerCase()] ?? 1);
  if (total > 0xffffffff) throw new Error(`TTL ${JSON.stringify(text)} is too large`);
  return total;
}

/** An RRSIG time: `YYYYMMDDHHMMSS` kept, seconds since the epoch (up to 10 digits) converted. */
export function signatureTime(text: string): string {
  if (/^\d{14}$/.test(text)) return text;
  if (!/^\d{1,10}$/.test(text)) throw new Error(`signature time ${JSON.stringify(text)} is neither YYYYMMDDHHMMSS nor epoch seconds`);
  const seconds = uint(text, 0xffffffff, 'signature time');
  return new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, '').replace(/\D/g, '');
}

/** `covered alg labels ttl expiration inception tag signer signature...` */
export function normaliseRrsig(tokens: string[], origin: ZoneName): string {
  if (tokens.length < 9) throw new Error(`expected at least 9 fields, got ${tokens.length}`);
  const [covered = '', alg = '', labels = '', ttl = '', expiration = '', inception = '', tag = '', signer = '', ...signature] = tokens;
  return [
    pdnsTypeName(typeNumber(covered)),
    algorithm(alg),
    String(uint(labels, 255, 'labels')),
    String(ttlSeconds(ttl)),
    signatureTime(expiration),
    signatureTime(inception),
    String(uint(tag, 65535, 'key tag')),
    contentName(signer, origin),
    canonicalBase64(joinedBase64(signature)),
  ].join(' ');
}

/** `next types...` */
export function normaliseNsec(tokens: string[], origin: ZoneName): string {
  const [next, ...types] = tokens;
  if (next === undefined) throw new Error('expected the next owner name');
  return [contentName(next, origin), typeBitmap(types)].filter((s) => s.length > 0).join(' ');
}

/** `serial flags types...` */
export function normaliseCsync(tokens: string[]): string {
  const [serial = '', flags = '', ...types] = tokens;
  if (tokens.length < 2) throw new Error('expected a serial and flags');
  return [String(uint(serial, 0xffffffff, 'serial')), String(uint(flags, 65535, 'flags')), typeBitmap(types)].filter((s) => s.length > 0).join(' ');
}

/** The salt of NSEC3/NSEC3PARAM: `-` or hex, lower-cased. */
export function salt(text: string): string {
  if (text === '-') return text;
  if (!/^([0-9a-f]{2})+$/i.test(text)) throw new Error(`salt ${JSON.stringify(text)} is not "-" or hexadecimal`);
  return text.toLowerCase();
}

/** `alg flags iterations salt next types...` */
export function normaliseNsec3(tokens: string[]): string {
  if (tokens.length < 5) throw new Error(`expected at least 5 fields, got ${tokens.length}`);
  const [alg = '', flags = '', iterations = '', saltText = '', next = '', ...types] = tokens;
  return [
    String(uint(alg, 255, 'algorithm')),
    String(uint(flags, 255, 'flags')),
    String(uint(iterations, 65535, 'iterations')),
    salt(saltText),
    base32hex(next),
    typeBitmap(types),
  ].filter((s) => s.length > 0).join(' ');
}

const BASE32HEX = '0123456789ABCDEFGHIJKLMNOPQRSTUV';

/** Decodes base32hex (any case, unpadded as dnspython allows) and re-encodes it as PowerDNS does. */
export function base32hex(text: string): string {
  const digits = text.toUpperCase();
  if (!/^[0-9A-V]+$/.test(digits)) throw new Error(`${JSON.stringify(text)} is not unpadded base32hex`);
  const bytes: number[] = [];
  let bits = 0;
  let acc = 0;
  for (const d of digits) {
    acc = (acc << 5) | BASE32HEX.indexOf(d);
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      bytes.push((acc >> bits) & 0xff);
    }
  }
  if (bytes.length === 0) throw new Error(`${JSON.stringify(text)} holds no complete byte`);
  let out = '';
  for (let i = 0; i < bytes.length; i += 5) {
    const chunk = bytes.slice(i, i + 5);
    let value = 0n;
    for (let j = 0; j < 5; j += 1) value = (value << 8n) | BigInt(chunk[j] ?? 0);
    const chars = Math.ceil((chunk.length * 8) / 5);
    let group = '';
    for (let j = 7; j >= 0; j -= 1) group += BASE32HEX.charAt(Number((value >> BigInt(j * 5)) & 31n));
    out += group.slice(0, chars).padEnd(8, '=');
  }
  return out;
}
