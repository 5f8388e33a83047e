/**
 * REST and model-dump shapes. `base` is the URL origin: absolute (`http://127.0.0.1:port`) for REST
 * responses, `''` for webhook `data`, because NetBox serialises events with `request=None` and so
 * renders relative URLs. Snapshot (model dump) shapes are in dumps.ts.
 */
import type { NetboxRecord, NetboxZone } from '../../../src/netbox/types.js';
import type { Db } from './db.js';
import { policyBrief } from './dnssec.js';
import { ZONE_ACTIVE_STATUSES, type NameserverRow, type RecordRow, type ViewRow, type ZoneRow } from './model.js';
import { absoluteValue, arpaNetwork, fqdnOf, networkText } from './names.js';

/** A JSON object as emitted by the fake. */
export type Json = Record<string, unknown>;

const API = '/api/plugins/netbox-dns';
const UI = '/plugins/netbox-dns';

/** DRF datetime: ISO-8601 with microseconds and `Z`. */
export function restTime(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '000Z');
}

export function zoneActive(zone: ZoneRow): boolean {
  return ZONE_ACTIVE_STATUSES.includes(zone.status);
}

export function recordActive(db: Db, record: RecordRow): boolean {
  const zone = db.zones.get(record.zoneId);
  return record.status === 'active' && zone !== undefined && zoneActive(zone);
}

export function recordFqdn(db: Db, record: RecordRow): string {
  return fqdnOf(record.name, db.zones.get(record.zoneId)?.name ?? '');
}

function zoneDisplay(db: Db, zone: ZoneRow): string {
  const view = db.views.get(zone.viewId);
  return view && !view.defaultView ? `[${view.name}] ${zone.name}` : zone.name;
}

export function viewBrief(view: ViewRow, base: string): Json {
  return {
    id: view.id,
    url: `${base}${API}/views/${view.id}/`,
    display: view.name,
    name: view.name,
    default_view: view.defaultView,
    description: view.description,
  };
}

export function nameserverBrief(ns: NameserverRow, base: string): Json {
  return { id: ns.id, url: `${base}${API}/nameservers/${ns.id}/`, display: ns.name, name: ns.name, description: ns.description };
}

function viewOf(db: Db, zone: ZoneRow, base: string): Json {
  const view = db.views.get(zone.viewId);
  return view ? viewBrief(view, base) : { id: zone.viewId };
}

/** The zone as nested in records (`NestedZoneSerializer`). */
export function zoneNested(db: Db, zone: ZoneRow, base: string): Json {
  return {
    id: zone.id,
    url: `${base}${API}/zones/${zone.id}/`,
    display: zoneDisplay(db, zone),
    display_url: `${base}${UI}/zones/${zone.id}/`,
    name: zone.name,
    view: viewOf(db, zone, base),
    status: zone.status,
    active: zoneActive(zone),
    rfc2317_prefix: zone.rfc2317Prefix,
  };
}

export function zoneBrief(db: Db, zone: ZoneRow, base: string): Json {
  return {
    id: zone.id,
    url: `${base}${API}/zones/${zone.id}/`,
    name: zone.name,
    view: viewOf(db, zone, base),
    display: zoneDisplay(db, zone),
    status: zone.status,
    description: zone.description,
    rfc2317_prefix: zone.rfc2317Prefix,
    active: zoneActive(zone),
  };
}

export function zoneRest(db: Db, zone: ZoneRow, base: string): NetboxZone {
  const mname = db.nameservers.get(zone.soaMnameId);
  const policy = zone.dnssecPolicyId === null ? undefined : db.policies.get(zone.dnssecPolicyId);
  const net = arpaNetwork(zone.name, zone.rfc2317Prefix);
  const nameservers = zone.nameserverIds.flatMap((id) => {
    const ns = db.nameservers.get(id);
    return ns ? [nameserverBrief(ns, base)] : [];
  });
  return {
    id: zone.id,
    url: `${base}${API}/zones/${zone.id}/`,
    display_url: `${base}${UI}/zones/${zone.id}/`,
    display: zoneDisplay(db, zone),
    name: zone.name,
    view: viewOf(db, zone, base) as unknown as NetboxZone['view'],
    nameservers: nameservers as unknown as NetboxZone['nameservers'],
    status: zone.status,
    active: zoneActive(zone),
    description: zone.description,
    tags: [],
    default_ttl: zone.defaultTtl,
    soa_ttl: zone.soaTtl,
    soa_mname: (mname ? nameserverBrief(mname, base) : { id: zone.soaMnameId }) as unknown as NetboxZone['soa_mname'],
    soa_rname: zone.soaRname,
    soa_serial_auto: zone.soaSerialAuto,
    soa_serial: zone.soaSerial,
    soa_refresh: zone.soaRefresh,
    soa_retry: zone.soaRetry,
    soa_expire: zone.soaExpire,
    soa_minimum: zone.soaMinimum,
    rfc2317_prefix: zone.rfc2317Prefix,
    rfc2317_parent_managed: false,
    rfc2317_parent_zone: null,
    rfc2317_child_zones: [],
    arpa_network: net ? networkText(net) : null,
    dnssec_policy: policy ? (policyBrief(policy, base) as unknown as NetboxZone['dnssec_policy']) : null,
    inline_signing: policy ? policy.inline_signing : null,
    parental_agents: [...zone.parentalAgents],
    registrar: null,
    registry_domain_id: null,
    registrant: null,
    tech_c: null,
    admin_c: null,
    billing_c: null,
    expiration_date: null,
    domain_status: null,
    comments: zone.comments,
    created: restTime(zone.created),
    last_updated: restTime(zone.lastUpdated),
    custom_fields: {},
    tenant: null,
  };
}

function recordNested(db: Db, record: RecordRow, base: string): Json {
  const zone = db.zones.get(record.zoneId);
  return {
    id: record.id,
    url: `${base}${API}/records/${record.id}/`,
    display: recordDisplay(db, record),
    display_url: `${base}${UI}/records/${record.id}/`,
    type: record.type,
    name: record.name,
    value: record.value,
    status: record.status,
    ttl: record.ttl,
    zone: zone ? zoneNested(db, zone, base) : null,
    managed: record.managed,
    active: recordActive(db, record),
  };
}

/** `www.example.com [A]`: the fqdn without its dot, then the type. */
export function recordDisplay(db: Db, record: RecordRow): string {
  return `${recordFqdn(db, record).slice(0, -1)} [${record.type}]`;
}

export function recordBrief(db: Db, record: RecordRow, base: string): Json {
  const zone = db.zones.get(record.zoneId);
  return {
    id: record.id,
    url: `${base}${API}/records/${record.id}/`,
    zone: zone ? zoneNested(db, zone, base) : null,
    display: recordDisplay(db, record),
    type: record.type,
    name: record.name,
    fqdn: recordFqdn(db, record),
    value: record.value,
    status: record.status,
    ttl: record.ttl,
    description: record.description,
    managed: record.managed,
    active: recordActive(db, record),
  };
}

export function recordRest(db: Db, record: RecordRow, base: string): NetboxRecord {
  const zone = db.zones.get(record.zoneId);
  const ptr = record.ptrRecordId === null ? undefined : db.records.get(record.ptrRecordId);
  const ownerId = db.ptrOwner.get(record.id);
  const owner = ownerId === undefined ? undefined : db.records.get(ownerId);
  return {
    id: record.id,
    url: `${base}${API}/records/${record.id}/`,
    display_url: `${base}${UI}/records/${record.id}/`,
    display: recordDisplay(db, record),
    zone: (zone ? zoneNested(db, zone, base) : { id: record.zoneId, name: '' }) as unknown as NetboxRecord['zone'],
    type: record.type,
    name: record.name,
    fqdn: recordFqdn(db, record),
    value: record.value,
    absolute_value: absoluteValue(record.type, record.value, zone?.name ?? ''),
    status: record.status,
    active: recordActive(db, record),
    ttl: record.ttl,
    managed: record.managed,
    disable_ptr: record.disablePtr,
    ptr_record: ptr ? recordNested(db, ptr, base) : null,
    address_records: owner ? [recordNested(db, owner, base)] : [],
    rfc2317_cname_record: null,
    ipam_ip_address: null,
    description: record.description,
    comments: '',
    tags: [],
    custom_fields: {},
    tenant: null,
    created: restTime(record.created),
    last_updated: restTime(record.lastUpdated),
  };
}

export function nameserverRest(db: Db, ns: NameserverRow, base: string): Json {
  const zones = [...db.zones.values()].filter((z) => z.nameserverIds.includes(ns.id)).map((z) => zoneNested(db, z, base));
  return {
    id: ns.id,
    url: `${base}${API}/nameservers/${ns.id}/`,
    display_url: `${base}${UI}/nameservers/${ns.id}/`,
    display: ns.name,
    name: ns.name,
    description: ns.description,
    comments: '',
    tags: [],
    zones,
    created: restTime(ns.created),
    last_updated: restTime(ns.lastUpdated),
    custom_fields: {},
    tenant: null,
  };
}

export function viewRest(view: ViewRow, base: string): Json {
  return {
    id: view.id,
    url: `${base}${API}/views/${view.id}/`,
    display_url: `${base}${UI}/views/${view.id}/`,
    display: view.name,
    name: view.name,
    description: view.description,
    comments: '',
    tags: [],
    default_view: view.defaultView,
    created: restTime(view.created),
    last_updated: restTime(view.lastUpdated),
    custom_fields: {},
    tenant: null,
    prefixes: [],
    ip_address_filter: null,
  };
}
