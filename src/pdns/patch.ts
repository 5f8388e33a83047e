/**
 * Plan → PowerDNS request bodies. Order matters inside a PATCH (powerdns-api.md §3 "Order inside a
 * PATCH", §8.7): every DELETE first, so an A → CNAME swap at one name does not hit 422
 * "Conflicts with pre-existing RRset"; then the REPLACEs; the apex SOA REPLACE last.
 */
import type { PdnsComment, PdnsRRsetChange, PdnsZoneCreate } from './types.js';
import { compareRRsets } from '../core/rrset.js';
import type { DesiredZone, RRset, RRsetDiff } from '../core/types.js';

/** The ownership comment of record-ownership mode; PowerDNS keeps it across later REPLACEs. */
export function ownershipComment(ownerId: string): PdnsComment {
  return { content: `managed by netbox-pdns (${ownerId})`, account: ownerId };
}

const replace = (rrset: RRset, marker?: PdnsComment): PdnsRRsetChange => ({
  name: rrset.name,
  type: rrset.type,
  changetype: 'REPLACE',
  ttl: rrset.ttl,
  records: rrset.records.map((content) => ({ content, disabled: false })),
  ...(marker ? { comments: [marker] } : {}),
});

/**
 * The PATCH rrsets of a plan: DELETEs, then REPLACEs of creates and updates, then the apex SOA.
 * An apex SOA delete is never emitted (PowerDNS allows it and the zone then answers REFUSED).
 */
export function planToChanges(plan: RRsetDiff, marker?: PdnsComment): PdnsRRsetChange[] {
  const isApexSoa = (r: RRset): boolean => r.type === 'SOA' && r.name === plan.zone;
  const deletes: PdnsRRsetChange[] = plan.deletes
    .filter((r) => !isApexSoa(r))
    .sort(compareRRsets)
    .map((r) => ({ name: r.name, type: r.type, changetype: 'DELETE' }));
  const replaced = [...plan.creates, ...plan.updates.map((u) => u.after)].sort(compareRRsets);
  const write = (r: RRset): PdnsRRsetChange => replace(r, marker);
  return [...deletes, ...replaced.filter((r) => !isApexSoa(r)).map(write), ...replaced.filter(isApexSoa).map(write)];
}

/**
 * The `POST /zones` body for a zone PowerDNS does not have yet. `soa_edit_api: ""` lets the daemon
 * own the serial; `nameservers` stays empty because the apex NS travel in `rrsets` (mixing both is a 422).
 */
export function buildZoneCreate(desired: Pick<DesiredZone, 'name' | 'rrsets'>, opts: { kind: string; account: string; marker?: PdnsComment }): PdnsZoneCreate {
  return {
    name: desired.name,
    kind: opts.kind,
    account: opts.account,
    soa_edit_api: '',
    nameservers: [],
    rrsets: [...desired.rrsets].sort(compareRRsets).map((r) => replace(r, opts.marker)),
  };
}
