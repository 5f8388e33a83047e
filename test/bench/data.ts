/**
 * The bench's data: the synthetic NetBox data set (loaded by the fake's bulk path, no events), the
 * exact `POST /zones` bodies the daemon would send (so the create floor writes the same bytes), and
 * the pure-diff section, which needs no server at all.
 */
import { buildDesiredZone } from '../../src/core/desired.js';
import { actualFromPdns } from '../../src/pdns/actual.js';
import { diffZone } from '../../src/core/diff.js';
import { buildZoneCreate } from '../../src/pdns/patch.js';
import type { ActualZone, DesiredZone } from '../../src/core/types.js';
import type { PdnsZone, PdnsZoneCreate } from '../../src/pdns/types.js';
import type { NetboxRecord } from '../../src/netbox/types.js';
import { FakeNetboxStore, bulkLoad, syntheticSeed } from '../fakes/netbox/index.js';
import { median, round } from './stats.js';

export const OWNER = 'netbox-pdns';
export const NAMESERVER = 'ns1.example.net';

/**
 * A store holding `zones` zones of `rrsets` records each on nameserver id 1. Each zone also gets its
 * managed SOA and NS records, so the daemon writes rrsets + 2 per zone. With `reverse` (the bench's
 * default) one reverse /24 per ten zones holds the A records' PTRs, so a change fans out as on NetBox.
 */
export function loadStore(zones: number, rrsets: number, reverse = false): FakeNetboxStore {
  const store = new FakeNetboxStore();
  bulkLoad(store, syntheticSeed({ zones, recordsPerZone: rrsets, nameserver: NAMESERVER, reverse }));
  return store;
}

/** Desired zones built exactly as the zone task builds them, from the store's REST shapes. */
export function desiredZones(store: FakeNetboxStore): DesiredZone[] {
  const byZone = new Map<number, NetboxRecord[]>();
  for (const r of store.listRecords()) {
    const id = r.zone?.id;
    if (id !== undefined) byZone.set(id, [...(byZone.get(id) ?? []), r]);
  }
  return store.listZones().map((z) => buildDesiredZone(z, byZone.get(z.id) ?? []).desired);
}

/** The `POST /zones` bodies the daemon sends for these zones (kind Native, our account). */
export function createSpecs(desired: DesiredZone[]): PdnsZoneCreate[] {
  return desired.map((d) => buildZoneCreate(d, { kind: 'Native', account: OWNER }));
}

/** What PowerDNS would return for `desired` with every 100th rrset drifted (1 %). */
function driftedPdnsZone(desired: DesiredZone, counter: { n: number }): PdnsZone {
  return {
    id: desired.name, name: desired.name, kind: 'Native', account: OWNER, serial: desired.soa.serial,
    rrsets: desired.rrsets.map((r) => {
      const drift = counter.n++ % 100 === 50 && r.type !== 'SOA';
      const records = drift ? ['192.0.2.250'] : r.records;
      return { name: r.name, type: r.type, ttl: r.ttl, records: records.map((content) => ({ content, disabled: false })) };
    }),
  };
}

export interface DiffResult {
  rrsets: number;
  zones: number;
  changedRrsets: number;
  /** diffZone alone over every zone, median of `runs`, ms. */
  diffMedianMs: number;
  diffRunsMs: number[];
  /** actualFromPdns + diffZone (what a zone task does after its reads), median, ms. */
  planMedianMs: number;
}

/**
 * Pure diff: `zones` × `perZone` rrsets with 1 % changed, diffed in-process. Measured before any
 * server starts so nothing else competes for the CPU; a warm-up run first so the JIT has settled.
 */
export function benchDiff(zones: number, perZone: number, runs = 5): DiffResult {
  const store = loadStore(zones, perZone);
  const desired = desiredZones(store);
  const counter = { n: 0 };
  const pdnsZones = desired.map((d) => driftedPdnsZone(d, counter));
  const actual: ActualZone[] = pdnsZones.map((z) => actualFromPdns(z));
  const rrsets = desired.reduce((n, d) => n + d.rrsets.length, 0);
  let changed = 0;
  const diffRuns: number[] = [];
  const planRuns: number[] = [];
  for (let run = 0; run <= runs; run++) {
    let t = performance.now();
    let c = 0;
    for (let i = 0; i < desired.length; i++) {
      const plan = diffZone(desired[i] as DesiredZone, actual[i] as ActualZone);
      c += plan.creates.length + plan.updates.length + plan.deletes.length;
    }
    const diffMs = performance.now() - t;
    t = performance.now();
    for (let i = 0; i < desired.length; i++) diffZone(desired[i] as DesiredZone, actualFromPdns(pdnsZones[i] as PdnsZone));
    const planMs = performance.now() - t;
    if (run === 0) continue; // warm-up
    changed = c;
    diffRuns.push(round(diffMs));
    planRuns.push(round(planMs));
  }
  return {
    rrsets, zones, changedRrsets: changed, diffMedianMs: median(diffRuns), diffRunsMs: diffRuns, planMedianMs: median(planRuns),
  };
}
