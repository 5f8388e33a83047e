/**
 * The subset of the netbox-plugin-dns REST shapes the daemon reads (see shared/reference/netbox-api.md §1).
 * Choice fields are plain strings in the plugin (`"status": "active"`, `"type": "MX"`). They extend
 * the core's input types, which name only what the reconcile reads.
 */
import type { SourceRecord, SourceZone } from '../core/types.js';

/** Brief form of a NameServer, as nested in zones. */
export interface NetboxNameserverBrief {
  id: number;
  name: string;
  url?: string;
  display?: string;
  description?: string;
}

/** Brief form of a View, as nested in zones. */
export interface NetboxViewBrief {
  id: number;
  name: string;
  default_view?: boolean;
  url?: string;
  display?: string;
  description?: string;
}

/** A zone as returned by `/api/plugins/netbox-dns/zones/`. Name has no trailing dot. */
export interface NetboxZone extends SourceZone {
  id: number;
  url?: string;
  display?: string;
  name: string;
  view: NetboxViewBrief;
  nameservers: NetboxNameserverBrief[];
  /** Not asked for in listings (`active` says what the daemon needs). */
  status?: string;
  active: boolean;
  default_ttl: number | null;
  soa_ttl: number | null;
  soa_mname: NetboxNameserverBrief;
  soa_rname: string;
  soa_serial: number | null;
  soa_serial_auto?: boolean;
  soa_refresh: number | null;
  soa_retry: number | null;
  soa_expire: number | null;
  soa_minimum: number | null;
  rfc2317_prefix?: string | null;
  last_updated?: string;
  created?: string;
  [extra: string]: unknown;
}

/** The zone as nested inside a record. */
export interface NetboxZoneNested {
  id: number;
  name: string;
  view?: NetboxViewBrief;
  status?: string;
  active?: boolean;
  url?: string;
  display?: string;
  rfc2317_prefix?: string | null;
}

/** A record as returned by `/api/plugins/netbox-dns/records/`. */
export interface NetboxRecord extends SourceRecord {
  id: number;
  url?: string;
  display?: string;
  zone: NetboxZoneNested;
  type: string;
  /** Relative to the zone; `@` at the apex. */
  name: string;
  /** Absolute with a trailing dot. */
  fqdn: string;
  /** Stored verbatim: targets may be relative, TXT may be unquoted. */
  value: string;
  /** Value with name targets made absolute (plugin >= 1.2.1). */
  absolute_value?: string;
  status: string;
  active: boolean;
  ttl: number | null;
  managed: boolean;
  disable_ptr?: boolean;
  last_updated?: string;
  [extra: string]: unknown;
}

/** DRF pagination envelope. */
export interface NetboxPage<T> {
  count: number | null;
  next: string | null;
  previous: string | null;
  results: T[];
}
