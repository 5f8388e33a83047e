/**
 * Input validation and row building: turns the REST-style inputs of the store (and of POST/PATCH
 * bodies) into rows, refusing what the plugin refuses with the same 400 shapes. Everything here
 * validates before it mutates, so a refused request leaves the model untouched.
 */
import type { Db } from './db.js';
import type { Engine } from './engine.js';
import {
  RECORD_STATUSES,
  ZONE_STATUSES,
  FakeNetboxError,
  validationError,
  type NameserverRef,
  type NameserverRow,
  type RecordInput,
  type RecordPatch,
  type RecordRow,
  type ViewRef,
  type ViewRow,
  type ZoneInput,
  type ZonePatch,
  type ZoneRef,
  type ZoneRow,
} from './model.js';
import { normaliseTxt, parseIp, relativizeName, stripDot } from './names.js';
import { recordFqdn } from './serialize.js';

function missing(field: string, ref: number | string): FakeNetboxError {
  return validationError(field, typeof ref === 'number' ? `Invalid pk "${ref}" - object does not exist.` : `Object with name=${ref} does not exist.`);
}

export function resolveView(e: Engine, ref: ViewRef | undefined, field = 'view'): ViewRow {
  if (ref === undefined || ref === null) return e.db.defaultView();
  const found = typeof ref === 'number' ? e.db.views.get(ref) : [...e.db.views.values()].find((v) => v.name === ref);
  if (!found) throw missing(field, ref);
  return found;
}

export function resolveNameserver(e: Engine, ref: NameserverRef, field = 'nameservers'): NameserverRow {
  const name = typeof ref === 'string' ? stripDot(ref).toLowerCase() : '';
  const found = typeof ref === 'number' ? e.db.nameservers.get(ref) : [...e.db.nameservers.values()].find((n) => n.name.toLowerCase() === name);
  if (!found) throw missing(field, ref);
  return found;
}

export function resolveZone(e: Engine, ref: ZoneRef, view?: ViewRef): ZoneRow {
  if (typeof ref === 'number') {
    const zone = e.db.zones.get(ref);
    if (!zone) throw missing('zone', ref);
    return zone;
  }
  const viewId = resolveView(e, view).id;
  const id = e.db.zoneByKey.get(e.db.zoneKey(viewId, stripDot(ref)));
  const zone = id === undefined ? undefined : e.db.zones.get(id);
  if (!zone) throw missing('zone', ref);
  return zone;
}

function checkStatus(value: string | undefined, allowed: readonly string[]): void {
  if (value !== undefined && !allowed.includes(value)) {
    throw validationError('status', `"${value}" is not a valid choice.`);
  }
}

function checkZoneNameFree(db: Db, name: string, viewId: number, self?: number): void {
  const existing = db.zoneByKey.get(db.zoneKey(viewId, name));
  if (existing !== undefined && existing !== self) {
    throw validationError('name', `A zone named ${name} already exists in view ${db.views.get(viewId)?.name ?? viewId}.`);
  }
}

/** Builds a zone row with the plugin's defaults (TTLs, SOA timers, auto serial). */
export function zoneRowFromInput(e: Engine, input: ZoneInput): ZoneRow {
  const name = stripDot(input.name ?? '').trim();
  if (!name) throw validationError('name', 'This field is required.');
  const view = resolveView(e, input.view);
  checkZoneNameFree(e.db, name, view.id);
  checkStatus(input.status, ZONE_STATUSES);
  if (input.id !== undefined && e.db.zones.has(input.id)) throw validationError('id', `id ${input.id} is taken`);
  const nameserverIds = (input.nameservers ?? []).map((ref) => resolveNameserver(e, ref).id);
  const mnameRef = input.soa_mname ?? nameserverIds[0];
  if (mnameRef === undefined) throw validationError('soa_mname', 'This field is required.');
  const soaMnameId = resolveNameserver(e, mnameRef, 'soa_mname').id;
  const defaultTtl = input.default_ttl ?? 86400;
  const auto = input.soa_serial_auto ?? true;
  const now = e.now();
  return {
    id: e.db.allocate('zone', input.id),
    name,
    viewId: view.id,
    nameserverIds: [...new Set(nameserverIds)],
    status: input.status ?? 'active',
    defaultTtl,
    soaTtl: input.soa_ttl ?? defaultTtl,
    soaMnameId,
    soaRname: input.soa_rname ?? `hostmaster.${name}`,
    soaSerial: auto ? e.autoSerial() : (input.soa_serial ?? 1),
    soaSerialAuto: auto,
    soaRefresh: input.soa_refresh ?? 43200,
    soaRetry: input.soa_retry ?? 7200,
    soaExpire: input.soa_expire ?? 2419200,
    soaMinimum: input.soa_minimum ?? 3600,
    rfc2317Prefix: input.rfc2317_prefix ?? null,
    dnssecPolicyId: policyRef(e, input.dnssec_policy ?? null),
    parentalAgents: input.dnssec_policy ? [...(input.parental_agents ?? [])] : [],
    description: input.description ?? '',
    comments: input.comments ?? '',
    created: now,
    lastUpdated: now,
  };
}

/** Fields whose change does not bump the serial (`Zone.save` "cosmetic" fields). */
const COSMETIC = new Set(['status', 'description', 'comments', 'dnssec_policy_id', 'parental_agents']);

/** A zone's `dnssec_policy`: an existing policy id, or null. */
function policyRef(e: Engine, id: number | null): number | null {
  if (id === null) return null;
  if (!e.db.policies.has(id)) throw validationError('dnssec_policy', `Invalid pk "${id}" - object does not exist.`);
  return id;
}

/** What a zone PATCH changed, for the ripple logic in store.ts. */
export interface ZoneChange {
  significant: boolean;
  renamed: boolean;
  nameservers: boolean;
}

/** Validates then applies a zone PATCH. */
export function applyZonePatch(e: Engine, zone: ZoneRow, patch: ZonePatch): ZoneChange {
  const name = patch.name === undefined ? zone.name : stripDot(patch.name).trim();
  if (!name) throw validationError('name', 'This field may not be blank.');
  const viewId = patch.view === undefined ? zone.viewId : resolveView(e, patch.view).id;
  checkZoneNameFree(e.db, name, viewId, zone.id);
  checkStatus(patch.status, ZONE_STATUSES);
  const nameserverIds = patch.nameservers?.map((ref) => resolveNameserver(e, ref).id);
  const soaMnameId = patch.soa_mname === undefined ? zone.soaMnameId : resolveNameserver(e, patch.soa_mname, 'soa_mname').id;
  const next: ZoneRow = {
    ...zone,
    status: patch.status ?? zone.status,
    nameserverIds: nameserverIds ? [...new Set(nameserverIds)] : zone.nameserverIds,
    defaultTtl: patch.default_ttl ?? zone.defaultTtl,
    soaTtl: patch.soa_ttl ?? zone.soaTtl,
    soaMnameId,
    soaRname: patch.soa_rname ?? zone.soaRname,
    soaSerialAuto: patch.soa_serial_auto ?? zone.soaSerialAuto,
    soaRefresh: patch.soa_refresh ?? zone.soaRefresh,
    soaRetry: patch.soa_retry ?? zone.soaRetry,
    soaExpire: patch.soa_expire ?? zone.soaExpire,
    soaMinimum: patch.soa_minimum ?? zone.soaMinimum,
    rfc2317Prefix: patch.rfc2317_prefix === undefined ? zone.rfc2317Prefix : patch.rfc2317_prefix,
    dnssecPolicyId: patch.dnssec_policy === undefined ? zone.dnssecPolicyId : policyRef(e, patch.dnssec_policy),
    parentalAgents: patch.parental_agents ?? zone.parentalAgents,
    description: patch.description ?? zone.description,
    comments: patch.comments ?? zone.comments,
  };
  if (!next.soaSerialAuto && patch.soa_serial !== undefined) next.soaSerial = patch.soa_serial;
  // The plugin clears parental agents of a zone without a policy.
  if (next.dnssecPolicyId === null) next.parentalAgents = [];
  const changed = (Object.keys(next) as Array<keyof ZoneRow>).filter((k) => JSON.stringify(next[k]) !== JSON.stringify(zone[k]));
  const renamed = name !== zone.name || viewId !== zone.viewId;
  Object.assign(zone, next);
  if (renamed) e.db.rekeyZone(zone, name, viewId);
  const snake = changed.map((k) => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`));
  return {
    significant: renamed || snake.some((k) => !COSMETIC.has(k)),
    renamed,
    nameservers: changed.includes('nameserverIds'),
  };
}

function checkValue(type: string, value: string): string {
  if (value.trim() === '') throw validationError('value', 'This field may not be blank.');
  if (type === 'A' && parseIp(value)?.family !== 4) throw validationError('value', `${value} is not a valid IPv4 address`);
  if (type === 'AAAA' && parseIp(value)?.family !== 6) throw validationError('value', `${value} is not a valid IPv6 address`);
  return normaliseTxt(type, value);
}

/** `enforce_unique_records`: one active record per (zone, name, type, value). */
function checkUnique(db: Db, row: RecordRow): void {
  if (row.status !== 'active') return;
  for (const id of db.recordsByZone.get(row.zoneId) ?? []) {
    const other = db.records.get(id);
    if (other && other.id !== row.id && other.status === 'active' && other.type === row.type && other.name.toLowerCase() === row.name.toLowerCase() && other.value === row.value) {
      const zone = db.zones.get(row.zoneId)?.name ?? '';
      throw validationError('value', `There is already an active record for name ${row.name} in zone ${zone} with type ${row.type} and value ${row.value}.`);
    }
  }
}

/** Builds an unsaved record row (id 0) from a create request. */
export function recordRowFromInput(e: Engine, input: RecordInput): RecordRow {
  if (input.managed) throw new FakeNetboxError(400, ['Cannot create a managed record: managed records belong to NetBox DNS']);
  const zone = resolveZone(e, input.zone, input.view);
  const type = (input.type ?? '').toUpperCase();
  if (!type) throw validationError('type', 'This field is required.');
  if (type === 'SOA') throw validationError('type', 'SOA records are only allowed with name @ and are created automatically by NetBox DNS');
  checkStatus(input.status, RECORD_STATUSES);
  const now = e.now();
  const row: RecordRow = {
    id: 0,
    zoneId: zone.id,
    type,
    name: relativizeName(input.name ?? '@', zone.name),
    value: checkValue(type, input.value ?? ''),
    ttl: input.ttl ?? null,
    status: input.status ?? 'active',
    managed: false,
    disablePtr: type === 'A' || type === 'AAAA' ? (input.disable_ptr ?? false) : false,
    ptrRecordId: null,
    description: input.description ?? '',
    created: now,
    lastUpdated: now,
  };
  checkUnique(e.db, row);
  return row;
}

/** Validates then applies a record PATCH (a zone change moves the record). */
export function applyRecordPatch(e: Engine, row: RecordRow, patch: RecordPatch): void {
  if (patch.managed) throw new FakeNetboxError(400, ['Cannot set managed: managed records belong to NetBox DNS']);
  const zone = patch.zone === undefined ? e.db.zones.get(row.zoneId) : resolveZone(e, patch.zone);
  if (!zone) throw missing('zone', row.zoneId);
  const type = patch.type === undefined ? row.type : patch.type.toUpperCase();
  if (type === 'SOA') throw validationError('type', 'SOA records are only allowed with name @ and are created automatically by NetBox DNS');
  checkStatus(patch.status, RECORD_STATUSES);
  const name = patch.name === undefined ? row.name : relativizeName(patch.name, zone.name);
  const value = patch.value === undefined && type === row.type ? row.value : checkValue(type, patch.value ?? row.value);
  const next: RecordRow = {
    ...row,
    zoneId: zone.id,
    type,
    name,
    value,
    ttl: patch.ttl === undefined ? row.ttl : patch.ttl,
    status: patch.status ?? row.status,
    disablePtr: type === 'A' || type === 'AAAA' ? (patch.disable_ptr ?? row.disablePtr) : false,
    description: patch.description ?? row.description,
  };
  checkUnique(e.db, next);
  const oldZone = row.zoneId;
  Object.assign(row, next, { zoneId: oldZone });
  if (zone.id !== oldZone) e.db.moveRecord(row, zone.id);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Default zone order `(view, name)` (plain code-point order, not NetBox's natural-sort collation). */
export function sortZones(db: Db, rows: ZoneRow[]): ZoneRow[] {
  const keyed = rows.map((z) => ({ z, k: `${db.views.get(z.viewId)?.name ?? ''}\u0000${z.name.toLowerCase()}` }));
  keyed.sort((a, b) => cmp(a.k, b.k) || a.z.id - b.z.id);
  return keyed.map((x) => x.z);
}

/** Default record order `(fqdn, zone, name, type, value)`, ties by id so pages are stable. */
export function sortRecords(db: Db, rows: RecordRow[]): RecordRow[] {
  const keyed = rows.map((r) => ({
    r,
    k: `${recordFqdn(db, r).toLowerCase()}\u0000${db.zones.get(r.zoneId)?.viewId ?? 0}\u0000${r.name}\u0000${r.type}\u0000${r.value}`,
  }));
  keyed.sort((a, b) => cmp(a.k, b.k) || a.r.id - b.r.id);
  return keyed.map((x) => x.r);
}
