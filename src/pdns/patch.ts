/**
 * Plan → PowerDNS request bodies. Order matters inside a PATCH (powerdns-api.md §3 "Order inside a
 * PATCH", §8.7): every DELETE first, so an A → CNAME swap at one name does not hit 422
 * "Conflicts with pre-existing RRset"; then the REPLACEs; the apex SOA REPLACE last.
 */
import type { PdnsRRsetChange, PdnsZoneCreate } from './types.js';
import { compareRRsets } from '../core/rrset.js';
import type { DesiredZone, RRset, ZonePlan } from '../core/types.js';

const replace = (rrset: RRset): PdnsRRsetChange => ({
  name: rrset.name,
  type: rrset.type,
  changetype: 'REPLACE',
  ttl: rrset.ttl,
  records: rrset.records.map((content) => ({ content, disabled: false })),
});

/**
 * The PATCH rrsets of a plan: DELETEs, then REPLACEs of creates and updates, then the apex SOA.
 * An apex SOA delete is never emitted (PowerDNS allows it and the zone then answers REFUSED).
 */
export function planToChanges(plan: ZonePlan): PdnsRRsetChange[] {
  const isApexSoa = (r: RRset): boolean => r.type === 'SOA' && r.name === plan.zone;
  const deletes: PdnsRRsetChange[] = plan.deletes
    .filter((r) => !isApexSoa(r))
    .sort(compareRRsets)
    .map((r) => ({ name: r.name, type: r.type, changetype: 'DELETE' }));
  const replaced = [...plan.creates, ...plan.updates.map((u) => u.after)].sort(compareRRsets);
  return [...deletes, ...replaced.filter((r) => !isApexSoa(r)).map(replace), ...replaced.filter(isApexSoa).map(replace)];
}

/**
 * The `POST /zones` body for a zone PowerDNS does not have yet. `soa_edit_api: ""` lets the daemon
 * own the serial; `nameservers` stays empty because the apex NS travel in `rrsets` (mixing both is a 422).
 */
export function buildZoneCreate(desired: DesiredZone, opts: { kind: string; account: string }): PdnsZoneCreate {
  return {
    name: desired.name,
    kind: opts.kind,
    account: opts.account,
    soa_edit_api: '',
    nameservers: [],
    rrsets: [...desired.rrsets].sort(compareRRsets).map(replace),
  };
}
