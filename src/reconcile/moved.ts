/**
 * The quick reconcile's choice: which zones moved since the last complete run, judged from the two
 * zone listings alone (and one NetBox query for records changed since then), so a run where nothing
 * changed costs three listings instead of a read of every zone on both sides.
 *
 * A zone moved when, for some target that serves it:
 * - PowerDNS lacks it (create), or holds it and NetBox no longer serves it active (delete: our own
 *   zones only, under the usual deletion safety rules);
 * - NetBox's SOA serial is newer than PowerDNS's: with the plugin's automatic serial (the default)
 *   every record or zone change bumps it, and we write NetBox's serial whenever it is the newer one,
 *   so a newer NetBox serial means a change we have not written;
 * - the NetBox zone, or one of its records, was updated at or after `since` (zones with a manual
 *   serial). Times are NetBox's, compared with ours minus a skew margin chosen by the caller.
 * What it cannot see, and the deep reconcile repairs: edits made in PowerDNS behind our back (drift),
 * and a record deleted from a zone with a manual serial (a deleted row has no `last_updated`).
 */
import { toZoneName } from '../core/names.js';
import { serialGreater } from '../core/serial.js';
import type { SourceZone, ZoneName } from '../core/types.js';
import type { PdnsZoneSummary } from '../pdns/types.js';
import { inScope, type Target } from './types.js';

export interface MovedInput {
  netboxZones: ReadonlyArray<SourceZone & { last_updated?: string }>;
  /** Each listed target with its zones by name (targets whose listing failed are left out). */
  listings: ReadonlyArray<{ target: Target; zones: ReadonlyMap<ZoneName, PdnsZoneSummary> }>;
  /** NetBox zone ids with a record updated at or after `since`. */
  recordsChangedIn: ReadonlySet<number>;
  /** Wall-clock ms (NetBox's clock, minus skew): changes at or after it count as moved. */
  since: number;
}

export function movedZones(input: MovedInput): Set<ZoneName> {
  const moved = new Set<ZoneName>();
  const served = new Map<string, Set<ZoneName>>();
  for (const { target, zones } of input.listings) {
    const mine = new Set<ZoneName>();
    served.set(target.name, mine);
    for (const z of input.netboxZones) {
      if (!z.active || !inScope(z, target.scope)) continue;
      const name = toZoneName(z.name);
      mine.add(name);
      const there = zones.get(name);
      const updated = z.last_updated === undefined ? Number.NaN : Date.parse(z.last_updated);
      if (there === undefined || serialGreater(z.soa_serial ?? 1, there.serial) || !(updated < input.since) || input.recordsChangedIn.has(z.id)) {
        moved.add(name);
      }
    }
    // Catalog zones (Producers) are ours but never in NetBox, and never deleted: not moved.
    for (const [name, z] of zones) if (z.account === target.policy.ownerId && z.kind.toLowerCase() !== 'producer' && !mine.has(name)) moved.add(name);
  }
  return moved;
}
