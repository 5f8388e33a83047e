/**
 * Seed files for the fake NetBox (the demo's `config/sample-netbox.json`) and the bulk-load fast path
 * used by benchmarks.
 *
 * Seed file format (JSON; keys starting with `$` are comments and ignored):
 *
 *   {
 *     "views":       [ { "id"?: 2, "name": "internal", "description"?: "…" } ],      // optional; `_default_` always exists
 *     "nameservers": [ { "id"?: 5, "name": "ns1.example.net" } ],                   // pin ids the daemon is configured with
 *     "zones": [
 *       {
 *         "id"?: 10, "name": "example.com",           // no trailing dot needed (one is stripped)
 *         "view"?: "internal",                        // view name or id; default `_default_`
 *         "nameservers": ["ns1.example.net", 6],      // names or ids; the first is soa_mname unless given
 *         "status"?: "active", "default_ttl"?: 3600, "soa_rname"?: "hostmaster.example.com",
 *         "soa_mname"?, "soa_ttl"?, "soa_refresh"?, "soa_retry"?, "soa_expire"?, "soa_minimum"?,
 *         "soa_serial_auto"?: true, "soa_serial"?: 2026010101, "rfc2317_prefix"?: "192.0.2.0/26",
 *         "records": [
 *           { "name": "www", "type": "A", "value": "192.0.2.10", "ttl"?: 300,
 *             "status"?: "active", "disable_ptr"?: false, "description"?: "…" }
 *         ]
 *       }
 *     ]
 *   }
 *
 * Field names and value formats are the plugin's REST ones. Managed SOA and NS records, serials and
 * auto-PTRs are produced by the fake exactly as on the normal path, so they are never written here.
 * Loading emits no events (like data that was already there when the daemon started).
 */
import { readFileSync } from 'node:fs';
import type { RecordInput, ZoneInput } from './model.js';
import type { FakeNetboxStore } from './store.js';

export interface SeedRecord extends Omit<RecordInput, 'zone' | 'view'> {
  [comment: `$${string}`]: unknown;
}

export interface SeedZone extends ZoneInput {
  records?: SeedRecord[];
  [comment: `$${string}`]: unknown;
}

export interface Seed {
  views?: Array<{ id?: number; name: string; description?: string }>;
  nameservers?: Array<{ id?: number; name: string; description?: string }>;
  zones?: SeedZone[];
  [comment: `$${string}`]: unknown;
}

export interface SeedSummary {
  views: number;
  nameservers: number;
  zones: number;
  records: number;
}

/** Reads and minimally checks a seed file. */
export function readSeedFile(path: string): Seed {
  const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error(`${path}: a seed file is a JSON object`);
  const seed = parsed as Seed;
  for (const key of ['views', 'nameservers', 'zones'] as const) {
    if (seed[key] !== undefined && !Array.isArray(seed[key])) throw new Error(`${path}: "${key}" must be a list`);
  }
  return seed;
}

function stripComments<T extends object>(o: T): T {
  if (!Object.keys(o).some((k) => k.startsWith('$'))) return o;
  return Object.fromEntries(Object.entries(o).filter(([k]) => !k.startsWith('$'))) as T;
}

/**
 * Loads a seed into the store through the normal operations (so managed records, serials and PTRs are
 * faithful) but without events, resolving PTRs in one pass at the end: fast enough for 2,000 zones ×
 * 50 records in about a second.
 */
export function loadSeed(store: FakeNetboxStore, seed: Seed): SeedSummary {
  const summary: SeedSummary = { views: 0, nameservers: 0, zones: 0, records: 0 };
  store.bulkLoad(() => {
    for (const view of seed.views ?? []) {
      store.createView(stripComments(view));
      summary.views++;
    }
    for (const ns of seed.nameservers ?? []) {
      store.createNameserver(stripComments(ns));
      summary.nameservers++;
    }
    const pending: Array<[number, SeedRecord[]]> = [];
    for (const zone of seed.zones ?? []) {
      const { records = [], ...input } = stripComments(zone);
      pending.push([store.addZone(input), records]);
      summary.zones++;
    }
    for (const [zoneId, records] of pending) {
      for (const record of records) {
        store.addRecord({ ...stripComments(record), zone: zoneId });
        summary.records++;
      }
    }
  });
  return summary;
}

/** The benchmark fast path: same as `loadSeed` (no events, one PTR pass). */
export const bulkLoad = loadSeed;

export interface SyntheticSeedOptions {
  zones: number;
  recordsPerZone: number;
  /** Default `ns1.example.net`, pinned to id 1. */
  nameserver?: string;
  /** Zone name pattern; `{i}` is replaced by the zone index. Default `zone{i}.example`. */
  zoneName?: string;
  /**
   * Adds one reverse /24 zone per ten forward zones (`10.a.b.0/24` → `b.a.10.in-addr.arpa`), so every
   * A record gets its auto-PTR and a change to it touches two zones, as on a real NetBox. Default false
   * (forward zones only, A records in 10.0.0.0/8 without reverse zones).
   */
  reverse?: boolean;
}

/** The reverse /24s of a synthetic data set with `zones` forward zones. */
export function syntheticReverseCount(zones: number): number {
  return Math.max(1, Math.ceil(zones / 10));
}

/** The A record address of record `j` (a multiple of 5) of forward zone `i`. */
export function syntheticAddress(i: number, j: number, zones: number, reverse: boolean): string {
  if (!reverse) return `10.${(i >> 8) & 255}.${i & 255}.${j % 250}`;
  const nets = syntheticReverseCount(zones);
  const net = i % nets;
  // Ten forward zones share a /24, ten A records each: hosts 1..100 (more records per zone wrap).
  const host = 1 + ((Math.floor(i / nets) * 10 + Math.floor(j / 5)) % 200);
  return `10.${(net >> 8) & 255}.${net & 255}.${host}`;
}

/**
 * A synthetic data set for benchmarks: N zones served by one nameserver, each with a mix of A, AAAA,
 * CNAME, MX and TXT records, and (with `reverse`) the reverse zones holding their A records' PTRs.
 */
export function syntheticSeed(opts: SyntheticSeedOptions): Seed {
  const ns = opts.nameserver ?? 'ns1.example.net';
  const reverse = opts.reverse === true;
  const zones: SeedZone[] = [];
  for (let i = 0; i < opts.zones; i++) {
    const records: SeedRecord[] = [];
    for (let j = 0; j < opts.recordsPerZone; j++) {
      const kind = j % 5;
      const name = `host${j}`;
      if (kind === 0) records.push({ name, type: 'A', value: syntheticAddress(i, j, opts.zones, reverse) });
      else if (kind === 1) records.push({ name, type: 'AAAA', value: `2001:db8:${i.toString(16)}::${j.toString(16)}` });
      else if (kind === 2) records.push({ name, type: 'CNAME', value: `host${j - 2}` });
      else if (kind === 3) records.push({ name, type: 'MX', value: `10 host${j - 3}` });
      else records.push({ name, type: 'TXT', value: `"record ${j} of zone ${i}"` });
    }
    zones.push({ name: (opts.zoneName ?? 'zone{i}.example').replace('{i}', String(i)), nameservers: [ns], default_ttl: 3600, records });
  }
  if (reverse) {
    for (let net = 0; net < syntheticReverseCount(opts.zones); net++) {
      zones.push({ name: `${net & 255}.${(net >> 8) & 255}.10.in-addr.arpa`, nameservers: [ns], default_ttl: 3600, records: [] });
    }
  }
  return { nameservers: [{ id: 1, name: ns }], zones };
}
