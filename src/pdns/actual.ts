/**
 * PowerDNS zone → the actual rrsets of one zone, in the same shape and order as the desired ones so
 * the diff can compare plain strings.
 */
import type { PdnsZone } from './types.js';
import { compareRRsets, rrsetKey, sortedUnique } from '../core/rrset.js';
import type { ActualZone, RRset } from '../core/types.js';

/**
 * Converts `GET /zones/{id}` output. Names are lower-cased (PowerDNS does so already; this guards
 * against other backends), records sorted and de-duplicated, rrsets without records (comments
 * only) dropped. `hasDisabled` marks rrsets holding a disabled record: the daemon never writes
 * disabled records, so such an rrset always needs rewriting. `marked` rrsets carry a comment whose
 * account is `ownerId` (record-ownership mode).
 */
export function actualFromPdns(zone: PdnsZone, ownerId?: string): ActualZone {
  const merged = new Map<string, RRset>();
  for (const rrset of zone.rrsets) {
    if (rrset.records.length === 0) continue;
    const name = rrset.name.toLowerCase();
    const type = rrset.type.toUpperCase();
    const key = rrsetKey({ name, type });
    const previous = merged.get(key);
    const hasDisabled = rrset.records.some((r) => r.disabled) || previous?.hasDisabled === true;
    const records = sortedUnique([...(previous?.records ?? []), ...rrset.records.map((r) => r.content)]);
    const ttl = previous === undefined ? rrset.ttl : Math.min(previous.ttl, rrset.ttl);
    const marked = previous?.marked === true || (ownerId !== undefined && (rrset.comments ?? []).some((c) => c.account === ownerId));
    merged.set(key, { name, type, ttl, records, ...(hasDisabled ? { hasDisabled } : {}), ...(marked ? { marked } : {}) });
  }
  return {
    name: zone.name.toLowerCase(),
    id: zone.id,
    kind: zone.kind,
    account: zone.account,
    soaEditApi: zone.soa_edit_api ?? '',
    serial: zone.serial,
    ...(zone.catalog !== undefined ? { catalog: zone.catalog } : {}),
    rrsets: [...merged.values()].sort(compareRRsets),
  };
}
