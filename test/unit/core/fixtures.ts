/**
 * Builders for NetBox and PowerDNS objects used by the core unit tests. Shapes follow
 * shared/reference/netbox-api.md §1.3–1.4 (trimmed to what the core reads).
 */
import type { NetboxRecord, NetboxZone } from '../../../src/netbox/types.js';
import type { PdnsZone } from '../../../src/pdns/types.js';
import { compareRRsets } from '../../../src/core/rrset.js';
import type { DesiredZone, RRset } from '../../../src/core/types.js';

const VIEW = { id: 1, name: '_default_', default_view: true };
const NS1 = { id: 2, name: 'ns1.example.net' };

/** A NetBox zone `example.com` with the plugin's default SOA timers. */
export function netboxZone(overrides: Partial<NetboxZone> = {}): NetboxZone {
  return {
    id: 7,
    name: 'example.com',
    view: VIEW,
    nameservers: [NS1],
    status: 'active',
    active: true,
    default_ttl: 3600,
    soa_ttl: 3600,
    soa_mname: NS1,
    soa_rname: 'hostmaster.example.com',
    soa_serial: 1760000123,
    soa_serial_auto: true,
    soa_refresh: 43200,
    soa_retry: 7200,
    soa_expire: 2419200,
    soa_minimum: 3600,
    ...overrides,
  };
}

let nextId = 100;

/** A NetBox record in `example.com`; `name` is relative (`@` at the apex) and fqdn is derived. */
export function netboxRecord(name: string, type: string, value: string, overrides: Partial<NetboxRecord> = {}): NetboxRecord {
  const fqdn = name === '@' ? 'example.com.' : `${name}.example.com.`;
  nextId += 1;
  return {
    id: nextId,
    zone: { id: 7, name: 'example.com', view: VIEW, status: 'active', active: true },
    type,
    name,
    fqdn,
    value,
    status: 'active',
    active: true,
    ttl: null,
    managed: false,
    ...overrides,
  };
}

/** What PowerDNS would return after being given `rrsets` verbatim (a faithful round trip). */
export function pdnsZoneFrom(name: string, rrsets: RRset[], overrides: Partial<PdnsZone> = {}): PdnsZone {
  const soa = rrsets.find((r) => r.type === 'SOA' && r.name === name);
  const serial = Number(soa?.records[0]?.split(' ')[2] ?? 0);
  return {
    id: name,
    name,
    kind: 'Native',
    serial,
    account: 'netbox-pdns',
    rrsets: rrsets.map((r) => ({ name: r.name, type: r.type, ttl: r.ttl, records: r.records.map((content) => ({ content, disabled: false })) })),
    ...overrides,
  };
}

/** The SOA content NetBox's default zone gives, with `serial`. */
export function soa(serial: number): string {
  return `ns1.example.net. hostmaster.example.com. ${serial} 43200 7200 2419200 3600`;
}

/** A hand-made desired zone `example.com.` holding `rrsets` plus the apex SOA with `serial`. */
export function desiredZone(rrsets: RRset[], serial = 1760000123): DesiredZone {
  const soaRRset: RRset = { name: 'example.com.', type: 'SOA', ttl: 3600, records: [soa(serial)] };
  return {
    name: 'example.com.',
    netboxId: 7,
    view: '_default_',
    soa: { mname: 'ns1.example.net.', rname: 'hostmaster.example.com.', serial, refresh: 43200, retry: 7200, expire: 2419200, minimum: 3600, ttl: 3600 },
    rrsets: [...rrsets, soaRRset].sort(compareRRsets),
  };
}

/** Shorthand for an rrset. */
export function rr(name: string, type: string, ttl: number, ...records: string[]): RRset {
  return { name, type, ttl, records };
}
