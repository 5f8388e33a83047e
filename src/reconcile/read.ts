/**
 * Reads zones' NetBox data for zone tasks: the zones of each name and their active records. Reads
 * asked for in the same turn of the event loop go to NetBox together, two requests for all of
 * them: NetBox's real fan-out names a record's zone and its PTR's reverse zone at once (and a bulk
 * edit many zones), and one request per zone per kind was most of an event's NetBox cost.
 */
import type { SourceDnssecPolicy } from '../core/dnssec/types.js';
import { netboxZoneName, toZoneName } from '../core/names.js';
import type { SourceRecord, SourceZone, ZoneName } from '../core/types.js';
import type { NetboxSource } from '../netbox/source.js';
import { inScope, type NetboxScope } from './types.js';

export interface ZoneRead {
  netboxZones: SourceZone[];
  records: Map<number, SourceRecord[]>;
}

export interface ZoneReader {
  /** This zone's NetBox data, read fresh (never from a cache), possibly in one request with others. */
  read(zone: ZoneName): Promise<ZoneRead>;
  /** One DNSSEC policy with its key templates (a signed zone's task reads its own). */
  policy(id: number): Promise<SourceDnssecPolicy>;
}

/** Zone names per batch: keeps the request line under proxies' ~4 KB limit (names ≤ 63 chars here). */
const MAX_BATCH = 40;

interface Waiting {
  zone: ZoneName;
  resolve: (read: ZoneRead) => void;
  reject: (err: unknown) => void;
}

export function createZoneReader(netbox: NetboxSource, scopes: readonly NetboxScope[]): ZoneReader {
  let waiting: Waiting[] = [];
  let scheduled = false;

  function flush(): void {
    scheduled = false;
    const all = waiting;
    waiting = [];
    for (let i = 0; i < all.length; i += MAX_BATCH) void readBatch(all.slice(i, i + MAX_BATCH));
  }

  async function readBatch(batch: Waiting[]): Promise<void> {
    const zones = [...new Set(batch.map((w) => w.zone))];
    try {
      const reads = await readZones(netbox, zones, scopes);
      for (const w of batch) w.resolve(reads.get(w.zone) ?? { netboxZones: [], records: new Map() });
    } catch (err) {
      // One failure fails every task of the batch; each retries on its own.
      for (const w of batch) w.reject(err);
    }
  }

  return {
    read(zone) {
      return new Promise<ZoneRead>((resolve, reject) => {
        waiting.push({ zone, resolve, reject });
        if (!scheduled) {
          scheduled = true;
          // After the current turn's microtasks: every task started by one event has asked by then.
          setImmediate(flush);
        }
      });
    },
    policy: (id) => netbox.getDnssecPolicy(id),
  };
}

/**
 * Zones and records in parallel (one round trip on an event's path, not two). Records are kept for
 * every active zone of a name some target serves (several views may serve several targets).
 * NetBox's record filter matches the stored zone name exactly and rejects the whole request for a
 * name it does not know: then, or when a stored name differs from ours (case), records are read by
 * zone id instead, in one more request.
 */
async function readZones(netbox: NetboxSource, zones: ZoneName[], scopes: readonly NetboxScope[]): Promise<Map<ZoneName, ZoneRead>> {
  const names = zones.map(netboxZoneName);
  const [netboxZones, byName] = await Promise.all([netbox.findZones(names), netbox.listRecordsByZoneName(names)]);
  const asked = new Set(zones);
  const wanted = netboxZones.filter((z) => z.active && asked.has(toZoneName(z.name)) && scopes.some((s) => inScope(z, s)));
  const exact = new Set(names);
  const byId = wanted.filter((z) => byName === null || !exact.has(z.name)).map((z) => z.id);
  const records = new Map<number, SourceRecord[]>();
  for (const z of wanted) records.set(z.id, []);
  if (byName !== null) for (const r of byName) if (!byId.includes(r.zone?.id)) records.get(r.zone?.id)?.push(r);
  if (byId.length > 0) for (const [id, list] of await netbox.listRecords(byId)) records.set(id, list);
  const out = new Map<ZoneName, ZoneRead>();
  for (const zone of zones) {
    const mine = netboxZones.filter((z) => toZoneName(z.name) === zone);
    out.set(zone, { netboxZones: mine, records: new Map(mine.filter((z) => records.has(z.id)).map((z) => [z.id, records.get(z.id) ?? []])) });
  }
  return out;
}
