/**
 * Zone ids as PowerDNS builds them for URLs (pdns `apiZoneNameToId` in ws-api.cc): the absolute zone
 * name with every byte outside `[A-Za-z0-9.-]` written as `=XX` (upper-case hex). So the RFC 2317
 * zone `0/26.2.0.192.in-addr.arpa.` is `0=2F26.2.0.192.in-addr.arpa.` and `_msdcs.example.` is
 * `=5Fmsdcs.example.`; percent-encoding the slash instead would not reach the zone.
 * The root zone is `=2E`, because a lone "." does not survive URL handling.
 */
import type { ZoneName } from '../core/types.js';

const PLAIN = /^[A-Za-z0-9.-]$/;

/** The id PowerDNS uses for `zone` in `/zones/{id}` (case-insensitive on the server side). */
export function pdnsZoneId(zone: ZoneName): string {
  const absolute = zone.endsWith('.') ? zone : `${zone}.`;
  if (absolute === '.') return '=2E';
  let id = '';
  for (const byte of Buffer.from(absolute, 'utf8')) {
    const char = String.fromCharCode(byte);
    id += byte < 0x80 && PLAIN.test(char) ? char : `=${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return id;
}
