/** Reads one zone's NetBox data for a zone task: the zones of that name and their active records. */
import { netboxZoneName, toZoneName } from '../core/names.js';
import type { SourceRecord, SourceZone, ZoneName } from '../core/types.js';
import type { NetboxSource } from '../netbox/source.js';
import { inScope, type NetboxScope } from './types.js';

/**
 * The zones and their records in parallel (one round trip on an event's path, not two). Records are
 * kept for every active zone of that name some target serves (several views may serve several
 * targets). NetBox's record filter matches the stored zone name exactly: when it differs from ours
 * (case) or was rejected, the records are read by zone id instead.
 */
export async function readZoneFromNetbox(
  netbox: NetboxSource, zone: ZoneName, scopes: readonly NetboxScope[],
): Promise<{ netboxZones: SourceZone[]; records: Map<number, SourceRecord[]> }> {
  const name = netboxZoneName(zone);
  const [netboxZones, byName] = await Promise.all([netbox.findZones(name), netbox.listRecordsByZoneName(name)]);
  const wanted = netboxZones.filter((z) => z.active && toZoneName(z.name) === zone && scopes.some((s) => inScope(z, s)));
  const records = new Map<number, SourceRecord[]>();
  const byId = wanted.filter((z) => byName === null || z.name !== name).map((z) => z.id);
  for (const z of wanted) if (!byId.includes(z.id)) records.set(z.id, (byName ?? []).filter((r) => r.zone?.id === z.id));
  if (byId.length > 0) for (const [id, list] of await netbox.listRecords(byId)) records.set(id, list);
  return { netboxZones, records };
}
