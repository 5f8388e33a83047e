/** Reads one zone's NetBox data for a zone task: the zone(s) of that name and their active records. */
import { netboxZoneName, toZoneName } from '../core/names.js';
import type { SourceRecord, SourceZone, ZoneName } from '../core/types.js';
import type { NetboxSource } from '../netbox/source.js';

/**
 * The zone and its records in parallel (one round trip on an event's path, not two). NetBox's record
 * filter matches the stored zone name exactly: when it differs from ours (case) or was rejected,
 * the records are read by zone id instead.
 */
export async function readZoneFromNetbox(netbox: NetboxSource, zone: ZoneName): Promise<{ netboxZones: SourceZone[]; records: SourceRecord[] }> {
  const name = netboxZoneName(zone);
  const [netboxZones, byName] = await Promise.all([netbox.findZones(name), netbox.listRecordsByZoneName(name)]);
  const only = netboxZones.length === 1 ? netboxZones[0] : undefined;
  if (!only || !only.active || toZoneName(only.name) !== zone) return { netboxZones, records: [] };
  const records = byName !== null && only.name === name
    ? byName.filter((r) => r.zone?.id === only.id)
    : (await netbox.listRecords([only.id])).get(only.id) ?? [];
  return { netboxZones, records };
}
