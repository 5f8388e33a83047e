/**
 * NetBox zone + records → the desired rrsets of one zone, normalised to PowerDNS's presentation
 * form. Pure: bad records become warnings (skipped); rrsets PowerDNS would answer with 422 (a CNAME
 * beside other data) are taken out and returned as `invalid`, so the rest of the zone still syncs;
 * only a zone that cannot exist at all (invalid name) is an error.
 */
import { isInZone, ownerNameProblem, toZoneName, zoneNameProblem } from './names.js';
import { normaliseContent } from './normalise.js';
import { compareRRsets, compareStrings, rrsetKey, sortedUnique } from './rrset.js';
import { soaContent } from './soa.js';
import type { DesiredZone, RRset, SoaFields, SourceRecord, SourceZone, ZoneName } from './types.js';

/** Options of `buildDesiredZone`. */
export interface DesiredZoneOptions {
  /** TTL used when neither the record, the zone's default_ttl nor its soa_minimum give one (3600). */
  defaultTtl?: number;
}

/** The desired zone plus what was skipped (warnings), left out (invalid) and what makes it unusable (errors). */
export interface DesiredZoneResult {
  desired: DesiredZone;
  warnings: string[];
  /** Rrsets NetBox holds that PowerDNS would refuse: not in `desired`, reported instead. */
  invalid: Array<{ rrset: RRset; reason: string }>;
  errors: string[];
}

/** netbox-plugin-dns defaults for SOA timers, used when a field is null. */
const SOA_DEFAULTS = { refresh: 43200, retry: 7200, expire: 2419200, minimum: 3600 };
const FALLBACK_TTL = 3600;

interface Group {
  name: string;
  type: string;
  ttls: Set<number>;
  records: string[];
}

/**
 * Builds the desired state of `zone` from its records. Only active records count; NetBox's SOA
 * record is ignored and the apex SOA is built from the zone's fields instead (serial null → 1).
 * A null record TTL means the zone's default TTL. Records of one rrset with different TTLs get the
 * lowest (PowerDNS has one TTL per rrset) and a warning.
 */
export function buildDesiredZone(zone: SourceZone, records: SourceRecord[], opts: DesiredZoneOptions = {}): DesiredZoneResult {
  const origin = toZoneName(zone.name);
  const warnings: string[] = [];
  const errors: string[] = [];
  const nameProblem = zoneNameProblem(zone.name);
  if (nameProblem !== null) errors.push(`${origin}: invalid zone name: ${nameProblem}`);

  const defaultTtl = zone.default_ttl ?? zone.soa_minimum ?? opts.defaultTtl ?? FALLBACK_TTL;
  const soa = soaFields(zone, defaultTtl);
  const groups = new Map<string, Group>();
  for (const record of records) {
    if (!record.active || record.type.toUpperCase() === 'SOA') continue;
    const entry = desiredRecord(record, origin);
    if (typeof entry === 'string') {
      warnings.push(entry);
      continue;
    }
    const key = rrsetKey(entry);
    const group = groups.get(key) ?? { name: entry.name, type: entry.type, ttls: new Set<number>(), records: [] };
    group.ttls.add(record.ttl ?? defaultTtl);
    group.records.push(entry.content);
    groups.set(key, group);
  }

  const rrsets: RRset[] = [...groups.values()].map((group) => toRRset(group, warnings));
  rrsets.push({ name: origin, type: 'SOA', ttl: soa.ttl, records: [soaContent(soa)] });
  rrsets.sort(compareRRsets);
  const invalid = cnameConflicts(rrsets, origin);
  const left = new Set(invalid.map((i) => i.rrset));
  return {
    desired: { name: origin, netboxId: zone.id, view: zone.view.name, soa, rrsets: rrsets.filter((r) => !left.has(r)) },
    warnings,
    invalid,
    errors,
  };
}

function soaFields(zone: SourceZone, defaultTtl: number): SoaFields {
  return {
    mname: dotted(zone.soa_mname.name),
    rname: dotted(zone.soa_rname),
    serial: zone.soa_serial ?? 1,
    refresh: zone.soa_refresh ?? SOA_DEFAULTS.refresh,
    retry: zone.soa_retry ?? SOA_DEFAULTS.retry,
    expire: zone.soa_expire ?? SOA_DEFAULTS.expire,
    minimum: zone.soa_minimum ?? SOA_DEFAULTS.minimum,
    ttl: zone.soa_ttl ?? defaultTtl,
  };
}

function dotted(name: string): string {
  const trimmed = name.trim();
  return trimmed.endsWith('.') ? trimmed : `${trimmed}.`;
}

/** The normalised owner, type and content of a record, or the warning explaining why it is skipped. */
function desiredRecord(record: SourceRecord, origin: ZoneName): { name: string; type: string; content: string } | string {
  const name = dotted(record.fqdn).toLowerCase();
  const type = record.type.toUpperCase();
  const value = record.absolute_value ?? record.value;
  const skip = (reason: string): string => `record ${record.id} (${name} ${type} ${JSON.stringify(value)}) skipped: ${reason}`;
  if (!isInZone(name, origin)) return skip(`owner name is outside the zone ${origin}`);
  const problem = ownerNameProblem(name);
  if (problem !== null) return skip(`invalid owner name: ${problem}`);
  // Placement rules PowerDNS 4.7 enforces with a 422 for the whole PATCH.
  if (type === 'DNSKEY' && name !== origin) return skip('PowerDNS allows DNSKEY only at the zone apex');
  if (type === 'DS' && name === origin) return skip('a DS record cannot be at the zone apex (it belongs in the parent zone)');
  try {
    return { name, type, content: normaliseContent(type, value, origin) };
  } catch (err) {
    return skip(err instanceof Error ? err.message : String(err));
  }
}

function toRRset(group: Group, warnings: string[]): RRset {
  const ttls = [...group.ttls].sort((a, b) => a - b);
  const ttl = ttls[0] ?? FALLBACK_TTL;
  if (ttls.length > 1) {
    warnings.push(`${group.name} ${group.type}: records have different TTLs (${ttls.join(', ')}); using the lowest, ${ttl}`);
  }
  return { name: group.name, type: group.type, ttl, records: sortedUnique(group.records) };
}

/**
 * RFC 1034 §3.6.2 as PowerDNS enforces it (422): a CNAME is alone at its name, single, never at the
 * apex. The offending CNAME rrset is what is left out: the other data at that name stays served.
 */
function cnameConflicts(rrsets: RRset[], origin: ZoneName): Array<{ rrset: RRset; reason: string }> {
  const typesByName = new Map<string, string[]>();
  for (const rrset of rrsets) typesByName.set(rrset.name, [...(typesByName.get(rrset.name) ?? []), rrset.type]);
  const invalid: Array<{ rrset: RRset; reason: string }> = [];
  for (const rrset of rrsets) {
    if (rrset.type !== 'CNAME') continue;
    const others = (typesByName.get(rrset.name) ?? []).filter((t) => t !== 'CNAME').sort(compareStrings);
    const reason = rrset.name === origin
      ? `${rrset.name} CNAME: a CNAME is not allowed at the zone apex`
      : others.length > 0
        ? `${rrset.name} CNAME: conflicts with ${others.join(', ')} at the same name`
        : rrset.records.length > 1 ? `${rrset.name} CNAME: has ${rrset.records.length} records, a CNAME may have only one` : null;
    if (reason !== null) invalid.push({ rrset, reason });
  }
  return invalid;
}
