/** What the reconcile engine needs from NetBox. Implemented over HTTP by `createNetboxClient`. */
import type { SourceDnssecPolicy } from '../core/dnssec/types.js';
import type { NetboxRecord, NetboxZone } from './types.js';

export interface NetboxSource {
  /**
   * Every zone served by our nameserver (and view, when configured), active or not, following `next`
   * links. Throws on any failure: a partial list is never returned.
   */
  listZones(): Promise<NetboxZone[]>;
  /**
   * Zones with any of these names (no trailing dot, compared case-insensitively) served by our
   * nameserver (and view), in one request. Several of one name mean it exists in several views.
   */
  findZones(names: string[]): Promise<NetboxZone[]>;
  /**
   * Active records of the given zones, grouped by zone id, fetched in bulk (many zone ids per request,
   * pages of up to 1000). Every requested id has an entry, possibly empty, except the zones NetBox
   * deleted since they were listed: their records are unknown, so they have none.
   */
  listRecords(zoneIds: number[]): Promise<Map<number, NetboxRecord[]>>;
  /**
   * Active records of the zones with exactly these names (no trailing dot; several zones when a name
   * exists in several views), in one request, or null when NetBox rejects a name (no such zone: the
   * whole request fails). Lets zone tasks read records in parallel with `findZones`, not after it.
   */
  listRecordsByZoneName(names: string[]): Promise<NetboxRecord[] | null>;
  /**
   * Ids of the zones with a record (active or not) updated at or after `since`, NetBox's clock: the
   * quick reconcile's view of record changes in zones whose serial is not automatic.
   */
  zonesWithRecordsChangedSince(since: Date): Promise<Set<number>>;
  /** One DNSSEC policy with its key templates (`/dnssecpolicies/<id>/`). */
  getDnssecPolicy(id: number): Promise<SourceDnssecPolicy>;
  /** Every DNSSEC policy (the full reconcile reads them once). */
  listDnssecPolicies(): Promise<SourceDnssecPolicy[]>;
}
