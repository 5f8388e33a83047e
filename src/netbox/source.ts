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
   * Zones with this name (no trailing dot) served by our nameserver (and view). More than one means
   * the name exists in several views.
   */
  findZones(name: string): Promise<NetboxZone[]>;
  /**
   * Active records of the given zones, grouped by zone id, fetched in bulk (many zone ids per request,
   * pages of up to 1000). Every requested id has an entry, possibly empty.
   */
  listRecords(zoneIds: number[]): Promise<Map<number, NetboxRecord[]>>;
  /**
   * Active records of the zones with exactly this name (no trailing dot; several when the name exists
   * in several views), or null when NetBox rejects the name (no such zone). Lets a zone task read
   * records in parallel with `findZones` instead of after it.
   */
  listRecordsByZoneName(name: string): Promise<NetboxRecord[] | null>;
  /** One DNSSEC policy with its key templates (`/dnssecpolicies/<id>/`). */
  getDnssecPolicy(id: number): Promise<SourceDnssecPolicy>;
  /** Every DNSSEC policy (the full reconcile reads them once). */
  listDnssecPolicies(): Promise<SourceDnssecPolicy[]>;
}
