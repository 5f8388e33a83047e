/**
 * Domain types shared by the pure core (desired state, diff, plan) and the clients.
 * Names are always absolute, lower-case and end in a dot ("www.example.com.").
 */

/** An absolute, lower-case zone name with a trailing dot, e.g. `example.com.` or `0/26.2.0.192.in-addr.arpa.`. */
export type ZoneName = string;

/**
 * One resource record set: every record of one (name, type), in the exact presentation form PowerDNS
 * returns, so that desired and actual compare with plain string equality.
 */
export interface RRset {
  /** Absolute, lower-case owner name with a trailing dot. */
  name: string;
  /** Upper-case record type, e.g. `A`, `TXT`. */
  type: string;
  ttl: number;
  /** Canonical record contents, sorted, without duplicates. */
  records: string[];
  /** Set on actual rrsets read from PowerDNS when any record is disabled (we never write disabled records). */
  hasDisabled?: boolean;
  /** Set on actual rrsets that carry our ownership comment (record-ownership mode). */
  marked?: boolean;
}

/** A change of one rrset that keeps it in existence with new content or TTL. */
export interface RRsetUpdate {
  before: RRset;
  after: RRset;
}

/** The rrset changes that make PowerDNS's copy of a zone match NetBox. Plain JSON, deterministic order. */
export interface RRsetDiff {
  zone: ZoneName;
  creates: RRset[];
  updates: RRsetUpdate[];
  /** Whole rrsets as PowerDNS holds them (content and TTL, for the plan output). */
  deletes: RRset[];
  /** Number of rrsets the zone holds in PowerDNS before the change, apex SOA not counted (for the thresholds). */
  existingCount: number;
}

/** The SOA fields NetBox holds for a zone (names absolute with a trailing dot). */
export interface SoaFields {
  mname: string;
  rname: string;
  serial: number;
  refresh: number;
  retry: number;
  expire: number;
  minimum: number;
  ttl: number;
}

/** Everything the daemon wants a zone to be, computed from NetBox. */
export interface DesiredZone {
  name: ZoneName;
  /** NetBox zone id (for logs and /status). */
  netboxId: number;
  /** NetBox view name, e.g. `_default_`. */
  view: string;
  soa: SoaFields;
  /** Every desired rrset, the apex SOA included (with NetBox's serial). Sorted by name then type. */
  rrsets: RRset[];
}

/** The state of one zone as PowerDNS holds it. */
export interface ActualZone {
  name: ZoneName;
  /** The PowerDNS zone id used in URLs (`0=2F26.2.0.192.in-addr.arpa.`). */
  id: string;
  kind: string;
  account: string;
  /** SOA-EDIT-API as stored ('' = the serial is written as given). */
  soaEditApi: string;
  serial: number;
  /** The catalog zone it is a member of ('' none), when PowerDNS said (GET /zones/{id} does, the list does not). */
  catalog?: string;
  /** Its transfer settings, when they were read (only while a transfer policy is configured). */
  transfer?: { alsoNotify: string[]; allowAxfrFrom: string[]; tsigKeys: string[] };
  /** Every rrset, sorted by name then type. */
  rrsets: RRset[];
}

/**
 * What the core reads of a NetBox zone (netbox-plugin-dns REST shape, reference netbox-api.md §1.3).
 * Names carry no trailing dot; SOA timers may be null (the plugin's defaults apply).
 */
export interface SourceZone {
  id: number;
  name: string;
  view: { id: number; name: string };
  /** The NetBox nameservers serving the zone (which PowerDNS targets get it). */
  nameservers: Array<{ id: number }>;
  active: boolean;
  default_ttl: number | null;
  soa_ttl: number | null;
  soa_mname: { name: string };
  soa_rname: string;
  soa_serial: number | null;
  soa_refresh: number | null;
  soa_retry: number | null;
  soa_expire: number | null;
  soa_minimum: number | null;
  /** The zone's DNSSEC policy (brief form), or null/absent: unsigned. */
  dnssec_policy?: { id: number; name?: string } | null;
}

/** What the core reads of a NetBox record (reference netbox-api.md §1.4). */
export interface SourceRecord {
  id: number;
  type: string;
  /** Absolute, with a trailing dot. */
  fqdn: string;
  /** Stored verbatim: targets may be relative, TXT may be unquoted. */
  value: string;
  /** Value with name targets made absolute (plugin >= 1.2.1). */
  absolute_value?: string;
  ttl: number | null;
  active: boolean;
}
