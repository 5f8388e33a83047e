/**
 * Model dumps as NetBox puts them in webhook `snapshots` (`serialize_object`): Django field values,
 * FKs as integer pks, M2M as pk lists, `custom_fields`/`tags`/`owner` added, and no `id`, no computed
 * `active`, no `last_updated` (excluded so that empty changes compare equal).
 */
import type { Db } from './db.js';
import type { NameserverRow, RecordRow, ViewRow, ZoneRow } from './model.js';
import { arpaNetwork, networkText, parseIp } from './names.js';
import type { ObjectType } from './events.js';
import * as ser from './serialize.js';
import { keyTemplateDump, keyTemplateRest, policyDump, policyRest } from './dnssec.js';
import { recordFqdn, type Json } from './serialize.js';

/** Django's JSON encoder datetime: milliseconds and `Z`. */
function dumpTime(ms: number): string {
  return new Date(ms).toISOString();
}

const COMMON_DUMP = { comments: '', tenant: null, owner: null, custom_fields: {}, tags: [] };

/** Model dump of a zone (`serialize_object`), as in webhook snapshots. */
export function zoneDump(zone: ZoneRow): Json {
  const net = arpaNetwork(zone.name, zone.rfc2317Prefix);
  return {
    created: dumpTime(zone.created),
    description: zone.description,
    ...COMMON_DUMP,
    comments: zone.comments,
    name: zone.name,
    view: zone.viewId,
    nameservers: [...zone.nameserverIds].sort((a, b) => a - b),
    status: zone.status,
    default_ttl: zone.defaultTtl,
    soa_ttl: zone.soaTtl,
    soa_mname: zone.soaMnameId,
    soa_rname: zone.soaRname,
    soa_serial: zone.soaSerial,
    soa_refresh: zone.soaRefresh,
    soa_retry: zone.soaRetry,
    soa_expire: zone.soaExpire,
    soa_minimum: zone.soaMinimum,
    soa_serial_auto: zone.soaSerialAuto,
    rfc2317_prefix: zone.rfc2317Prefix,
    rfc2317_parent_managed: false,
    rfc2317_parent_zone: null,
    arpa_network: net ? networkText(net) : null,
    dnssec_policy: zone.dnssecPolicyId,
    parental_agents: [...zone.parentalAgents],
    registrar: null,
    registry_domain_id: null,
    registrant: null,
    admin_c: null,
    tech_c: null,
    billing_c: null,
    expiration_date: null,
    domain_status: null,
  };
}

/** Model dump of a record. `ip_address` is the A/AAAA address (or the PTR's), as the model stores it. */
export function recordDump(db: Db, record: RecordRow): Json {
  const ownerId = db.ptrOwner.get(record.id);
  const owner = ownerId === undefined ? undefined : db.records.get(ownerId);
  const address = record.type === 'A' || record.type === 'AAAA' ? record.value : owner?.value;
  return {
    created: dumpTime(record.created),
    description: record.description,
    ...COMMON_DUMP,
    zone: record.zoneId,
    type: record.type,
    name: record.name,
    fqdn: recordFqdn(db, record),
    value: record.value,
    status: record.status,
    ttl: record.ttl,
    managed: record.managed,
    ptr_record: record.ptrRecordId,
    disable_ptr: record.disablePtr,
    rfc2317_cname_record: null,
    ipam_ip_address: null,
    ip_address: address !== undefined && parseIp(address) ? address.trim() : null,
  };
}

export function nameserverDump(ns: NameserverRow): Json {
  return { created: dumpTime(ns.created), description: ns.description, ...COMMON_DUMP, name: ns.name };
}

export function viewDump(view: ViewRow): Json {
  return {
    created: dumpTime(view.created),
    description: view.description,
    ...COMMON_DUMP,
    name: view.name,
    default_view: view.defaultView,
    prefixes: [],
    ip_address_filter: null,
  };
}

/** The event resolver: current REST `data` (relative URLs) and postchange dump, or null if gone. */
export function eventObject(db: Db, type: ObjectType, id: number): { data: Json; postchange: Json } | null {
  if (type === 'netbox_dns.zone') {
    const z = db.zones.get(id);
    return z ? { data: ser.zoneRest(db, z, ''), postchange: zoneDump(z) } : null;
  }
  if (type === 'netbox_dns.record') {
    const r = db.records.get(id);
    return r ? { data: ser.recordRest(db, r, ''), postchange: recordDump(db, r) } : null;
  }
  if (type === 'netbox_dns.nameserver') {
    const n = db.nameservers.get(id);
    return n ? { data: ser.nameserverRest(db, n, ''), postchange: nameserverDump(n) } : null;
  }
  if (type === 'netbox_dns.dnssecpolicy') {
    const p = db.policies.get(id);
    return p ? { data: policyRest(db, p, ''), postchange: policyDump(p) } : null;
  }
  if (type === 'netbox_dns.dnsseckeytemplate') {
    const t = db.keyTemplates.get(id);
    return t ? { data: keyTemplateRest(db, t, ''), postchange: keyTemplateDump(t) } : null;
  }
  const v = db.views.get(id);
  return v ? { data: ser.viewRest(v, ''), postchange: viewDump(v) } : null;
}
