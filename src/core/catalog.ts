/**
 * The plan of a target's catalog zone (RFC 9432). PowerDNS 4.7 synthesises the catalog's content
 * from its members at transfer time, so the plan covers only the zone itself: created as kind
 * Producer with SOA-EDIT-API EPOCH (the serial PowerDNS's own catalog bump uses, so the serial a
 * consumer sees never goes backwards: replication-dnssec.md pitfall 2), our account, and the same
 * transfer settings as every member. Pure.
 */
import type { AdoptionMode, SettingChange, ZonePlan } from './plan.js';
import { transferChanges, type TransferPolicy } from './transfer.js';
import type { ActualZone, RRset, ZoneName } from './types.js';

export interface CatalogPolicy {
  name: ZoneName;
  ownerId: string;
  adoption: AdoptionMode;
  transfer?: TransferPolicy;
}

/** The SOA and NS a new catalog is created with; serial 1 is rewritten to now by EPOCH. */
export function catalogApex(name: ZoneName): RRset[] {
  return [
    { name, type: 'NS', ttl: 0, records: ['invalid.'] },
    { name, type: 'SOA', ttl: 0, records: ['invalid. invalid. 1 60 10 1209600 0'] },
  ];
}

const empty = (zone: ZoneName) => ({ zone, creates: [], updates: [], deletes: [], existingCount: 0, kept: [] });

/** Plans the catalog zone; `tsigChange` is the TSIG key setting to show (the key itself lives beside the zones). */
export function planCatalog(actual: ActualZone | null, policy: CatalogPolicy, tsigChange?: SettingChange): ZonePlan {
  const zone = policy.name;
  const tsig = tsigChange ? [tsigChange] : [];
  if (actual === null) {
    return {
      ...empty(zone), action: 'create', creates: catalogApex(zone),
      settings: [
        { field: 'kind', from: null, to: 'Producer' }, { field: 'account', from: null, to: policy.ownerId }, { field: 'soa_edit_api', from: null, to: 'EPOCH' },
        ...(policy.transfer ? transferChanges(policy.transfer, null) : []), ...tsig,
      ],
    };
  }
  const ours = actual.account === policy.ownerId;
  if (!ours && (policy.adoption === 'never' || actual.kind.toLowerCase() !== 'producer')) {
    return {
      ...empty(zone), existingCount: actual.rrsets.length, action: 'skip', settings: tsig,
      reason: `the catalog zone exists in PowerDNS as kind ${actual.kind} with account "${actual.account}", not ours: left alone (members still name it)`,
    };
  }
  const settings: SettingChange[] = [];
  if (!ours) settings.push({ field: 'account', from: actual.account, to: policy.ownerId });
  if (actual.kind.toLowerCase() !== 'producer') settings.push({ field: 'kind', from: actual.kind, to: 'Producer' });
  if (actual.soaEditApi !== 'EPOCH') settings.push({ field: 'soa_edit_api', from: actual.soaEditApi, to: 'EPOCH' });
  if (policy.transfer) settings.push(...transferChanges(policy.transfer, actual.transfer ?? null));
  settings.push(...tsig);
  return { ...empty(zone), existingCount: actual.rrsets.length, action: ours ? 'update' : 'adopt', settings };
}
