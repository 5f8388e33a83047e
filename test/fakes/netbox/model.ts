/**
 * Internal row types of the fake NetBox (the "database"), the inputs accepted by the store, and the
 * error type its operations throw. Rows hold model fields only; computed fields (`active`, `fqdn`,
 * `absolute_value`, nested objects) are derived at serialisation time so they can never go stale.
 */

/** A plugin View row. */
export interface ViewRow {
  id: number;
  name: string;
  description: string;
  defaultView: boolean;
  created: number;
  lastUpdated: number;
}

/** A plugin NameServer row. Name is stored without a trailing dot. */
export interface NameserverRow {
  id: number;
  name: string;
  description: string;
  created: number;
  lastUpdated: number;
}

/** A plugin Zone row. `soaMnameId` is the nameserver FK; `nameserverIds` the M2M, in insertion order. */
export interface ZoneRow {
  id: number;
  name: string;
  viewId: number;
  nameserverIds: number[];
  status: string;
  defaultTtl: number;
  soaTtl: number;
  soaMnameId: number;
  soaRname: string;
  soaSerial: number;
  soaSerialAuto: boolean;
  soaRefresh: number;
  soaRetry: number;
  soaExpire: number;
  soaMinimum: number;
  rfc2317Prefix: string | null;
  /** The DNSSECPolicy FK (PROTECT), or null. */
  dnssecPolicyId: number | null;
  /** IP strings; cleared when the zone has no policy. */
  parentalAgents: string[];
  description: string;
  comments: string;
  created: number;
  lastUpdated: number;
}

/** A plugin DNSSECKeyTemplate row (netbox_dns/models/dnssec_key_template.py). */
export interface KeyTemplateRow {
  id: number;
  name: string;
  type: 'CSK' | 'KSK' | 'ZSK';
  algorithm: string;
  keySize: number | null;
  lifetime: number | null;
  description: string;
  created: number;
  lastUpdated: number;
}

/** The DNSSECPolicy fields under their REST names (durations in seconds, null = the plugin's fallback). */
export interface PolicyFields {
  name: string;
  description: string;
  status: 'active' | 'inactive';
  inline_signing: boolean;
  dnskey_ttl: number | null;
  purge_keys: number | null;
  publish_safety: number | null;
  retire_safety: number | null;
  signatures_jitter: number | null;
  signatures_refresh: number | null;
  signatures_validity: number | null;
  signatures_validity_dnskey: number | null;
  max_zone_ttl: number | null;
  zone_propagation_delay: number | null;
  create_cdnskey: boolean;
  cds_digest_types: string[];
  parent_ds_ttl: number | null;
  parent_propagation_delay: number | null;
  use_nsec3: boolean;
  nsec3_iterations: number | null;
  nsec3_opt_out: boolean | null;
  nsec3_salt_size: number | null;
}

/** A plugin DNSSECPolicy row; `keyTemplateIds` is the M2M. */
export interface PolicyRow extends PolicyFields {
  id: number;
  keyTemplateIds: number[];
  created: number;
  lastUpdated: number;
}

/** What `createKeyTemplate` accepts (REST names). */
export interface KeyTemplateInput {
  id?: number;
  name: string;
  type: string;
  algorithm?: string;
  key_size?: number | null;
  /** Seconds, or an ISO-8601 duration (`P90D`, `PT1H`). */
  lifetime?: number | string | null;
  description?: string;
}

/** What `createDnssecPolicy` accepts: REST names, durations as seconds or ISO-8601, key templates by id. */
export type PolicyInput = { id?: number; name: string; key_templates?: number[] } & Partial<Omit<Record<keyof PolicyFields, unknown>, 'name'>>;

/** A plugin Record row. `name` is relative (`@` at the apex); fqdn is derived from the zone. */
export interface RecordRow {
  id: number;
  zoneId: number;
  type: string;
  name: string;
  value: string;
  ttl: number | null;
  status: string;
  managed: boolean;
  disablePtr: boolean;
  /** For A/AAAA: the managed PTR this record owns. */
  ptrRecordId: number | null;
  description: string;
  created: number;
  lastUpdated: number;
}

/** Zone statuses (P:netbox_dns/choices/zone.py); `active` and `dynamic` count as active. */
export const ZONE_STATUSES = ['active', 'reserved', 'deprecated', 'parked', 'dynamic'] as const;
export const ZONE_ACTIVE_STATUSES: readonly string[] = ['active', 'dynamic'];
/** Record statuses; only `active` counts as active. */
export const RECORD_STATUSES = ['active', 'inactive'] as const;

/** A reference to a nameserver by id or by name. */
export type NameserverRef = number | string;
/** A reference to a view by id or name. */
export type ViewRef = number | string;

/** What `createZone` accepts (REST field names, as a person would type them). */
export interface ZoneInput {
  id?: number;
  name: string;
  view?: ViewRef;
  nameservers?: NameserverRef[];
  status?: string;
  default_ttl?: number;
  soa_ttl?: number;
  soa_mname?: NameserverRef;
  soa_rname?: string;
  soa_serial?: number;
  soa_serial_auto?: boolean;
  soa_refresh?: number;
  soa_retry?: number;
  soa_expire?: number;
  soa_minimum?: number;
  rfc2317_prefix?: string | null;
  /** A DNSSECPolicy id, or null. */
  dnssec_policy?: number | null;
  parental_agents?: string[];
  description?: string;
  comments?: string;
}

/** What `updateZone` accepts. */
export type ZonePatch = Partial<Omit<ZoneInput, 'id'>>;

/** A zone reference for records: id, or name in the default view (or in `view` of the record input). */
export type ZoneRef = number | string;

/** What `createRecord` accepts. */
export interface RecordInput {
  zone: ZoneRef;
  /** Only used to resolve a zone given by name in a non-default view. */
  view?: ViewRef;
  name: string;
  type: string;
  value: string;
  ttl?: number | null;
  status?: string;
  disable_ptr?: boolean;
  description?: string;
  /** Refused (400) when true: managed records belong to the plugin. */
  managed?: boolean;
}

/** What `updateRecord` accepts. */
export type RecordPatch = Partial<Omit<RecordInput, 'view'>>;

/** Body of a NetBox/DRF error response. */
export type ErrorBody = { detail: string } | Record<string, string[]> | string[];

/** An error a store operation raises; the HTTP layer answers it with `status` and `body`. */
export class FakeNetboxError extends Error {
  constructor(
    readonly status: number,
    readonly body: ErrorBody,
  ) {
    super(`fake NetBox ${status}: ${JSON.stringify(body)}`);
    this.name = 'FakeNetboxError';
  }
}

/** 400 with a `{field: [message]}` body, as DRF renders a validation error. */
export function validationError(field: string, message: string): FakeNetboxError {
  return new FakeNetboxError(400, { [field]: [message] });
}
