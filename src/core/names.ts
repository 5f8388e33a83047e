/**
 * DNS name helpers for the pure core: zone-name validation (strict, because names also come from
 * events), absolute names and zone membership. PowerDNS wants absolute names with a trailing dot and
 * lower-cases owner and zone names (powerdns-api.md §3 rows 19, 23–25 and §8.1).
 */
import type { ZoneName } from './types.js';

/** Longest name in presentation form, without the trailing dot (255 wire bytes). */
const MAX_NAME_LENGTH = 253;
const MAX_LABEL_LENGTH = 63;
/** Letters, digits, `-`, `_` (service labels) and `/` (checked separately, see RFC2317_LABEL). */
const ZONE_LABEL = /^[A-Za-z0-9_/-]+$/;
/** `/` only in the first label and only as `<digits>/<digits>` (RFC 2317 zones such as `0/26.2.0.192.in-addr.arpa`). */
const RFC2317_LABEL = /^\d+\/\d+$/;
/** Owner names may also hold a wildcard label (`*`) in the leftmost position. */
const WILDCARD_LABEL = '*';

/**
 * The one canonical form of a zone (or owner) name, used as the key everywhere: lower case with one
 * trailing dot, from any spelling (`Example.COM`, `example.com.`). It does not validate: call
 * `zoneNameProblem` first for untrusted input.
 */
export function toZoneName(name: string): ZoneName {
  const bare = name.trim().replace(/\.$/, '');
  return `${bare.toLowerCase()}.`;
}

/** The name as NetBox stores and filters zones: without the trailing dot. */
export function netboxZoneName(zone: ZoneName): string {
  return zone.endsWith('.') ? zone.slice(0, -1) : zone;
}

/** True when `name` (with or without its trailing dot) is a zone name the daemon will work with. */
export function isValidZoneName(name: string): boolean {
  return zoneNameProblem(name) === null;
}

/**
 * Why `name` is not an acceptable zone name, or null when it is. Strict on purpose: zone names are
 * also taken from MQTT topics and event payloads, and end up in PowerDNS URLs.
 */
export function zoneNameProblem(name: string): string | null {
  return nameProblem(name, 'zone');
}

/**
 * Why `fqdn` is not an acceptable rrset owner name, or null. Like zone names, plus a leading `*`
 * label, and the RFC 2317 label may sit below the first (`5.0/26.2.0.192.in-addr.arpa.`).
 */
export function ownerNameProblem(fqdn: string): string | null {
  return nameProblem(fqdn, 'owner');
}

function nameProblem(name: string, kind: 'zone' | 'owner'): string | null {
  const bare = name.endsWith('.') ? name.slice(0, -1) : name;
  if (bare.length === 0) return 'name is empty';
  if (bare.length > MAX_NAME_LENGTH) return `name is longer than ${MAX_NAME_LENGTH} characters`;
  const labels = bare.split('.');
  for (const [index, label] of labels.entries()) {
    if (label.length === 0) return `empty label in ${JSON.stringify(name)}`;
    if (label.length > MAX_LABEL_LENGTH) return `label ${JSON.stringify(label)} is longer than ${MAX_LABEL_LENGTH} characters`;
    if (kind === 'owner' && index === 0 && label === WILDCARD_LABEL) continue;
    if (!ZONE_LABEL.test(label)) return `label ${JSON.stringify(label)} ${badCharacterReason(label)}`;
    if (label.includes('/') && (!RFC2317_LABEL.test(label) || (kind === 'zone' && index !== 0))) {
      return `label ${JSON.stringify(label)}: "/" is only allowed in the RFC 2317 label of a zone, as in "0/26"`;
    }
  }
  return null;
}

function badCharacterReason(label: string): string {
  // eslint-disable-next-line no-control-regex
  if (/[^\x00-\x7f]/.test(label)) return 'is not ASCII (internationalised names must be punycode, xn--...)';
  const bad = [...label].find((c) => !/[A-Za-z0-9_/-]/.test(c)) ?? '?';
  return `contains the character ${JSON.stringify(bad)}; only letters, digits, "-", "_" and "/" are allowed`;
}

/**
 * Makes a name from record content absolute the way a zone file does: `@` is the origin, a name
 * with a trailing dot is kept, anything else is relative to the origin. Case is kept (PowerDNS
 * keeps the case of names inside content).
 */
export function absoluteName(name: string, origin: ZoneName): string {
  if (name === '@') return origin;
  if (name.length === 0) throw new Error('empty name');
  if (name.endsWith('.')) return name;
  return origin === '.' ? `${name}.` : `${name}.${origin}`;
}

/** True when the absolute name `fqdn` is `zone` itself or below it (case-insensitive). */
export function isInZone(fqdn: string, zone: ZoneName): boolean {
  const name = fqdn.toLowerCase();
  const origin = zone.toLowerCase();
  if (origin === '.') return name.endsWith('.');
  return name === origin || name.endsWith(`.${origin}`);
}
