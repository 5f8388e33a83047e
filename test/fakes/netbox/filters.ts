/**
 * The list filters the daemon and people use (P:netbox_dns/filtersets/*.py plus NetBox's base
 * filterset). Repeated parameters OR together; a nonexistent related id is a 400, not an empty list;
 * unknown parameters are ignored. Results come back in the default ordering, or in `?ordering=`'s
 * (ordering.ts) when it names fields that can be ordered by.
 */
import type { Db } from './db.js';
import { FakeNetboxError, RECORD_STATUSES, ZONE_STATUSES, type RecordRow, type ZoneRow } from './model.js';
import { recordActive, recordFqdn, zoneActive } from './serialize.js';
import { sortRecords, sortZones } from './rows.js';
import { orderingTerms, applyOrdering, type OrderKey } from './ordering.js';

type Errors = Record<string, string[]>;

function choiceError(errors: Errors, field: string, value: string): void {
  (errors[field] ??= []).push(`Select a valid choice. ${value} is not one of the available choices.`);
}

/** Integer ids of a model-choice filter; unknown or malformed ids are collected as errors. */
function modelIds(params: URLSearchParams, field: string, exists: (id: number) => boolean, errors: Errors): Set<number> | null {
  const values = params.getAll(field).filter((v) => v !== '');
  if (values.length === 0) return null;
  const ids = new Set<number>();
  for (const v of values) {
    const id = /^\d+$/.test(v.trim()) ? Number(v) : NaN;
    if (Number.isNaN(id) || !exists(id)) choiceError(errors, field, v);
    else ids.add(id);
  }
  return ids;
}

/** django-filter's BooleanFilter: `true/True/1`, `false/False/0`; anything else is no filter. */
function bool(params: URLSearchParams, field: string): boolean | null {
  const v = params.get(field);
  if (v === null) return null;
  if (['true', 'True', '1'].includes(v)) return true;
  if (['false', 'False', '0'].includes(v)) return false;
  return null;
}

function choices(params: URLSearchParams, field: string, allowed: readonly string[] | null, errors: Errors): Set<string> | null {
  const values = params.getAll(field).filter((v) => v !== '');
  if (values.length === 0) return null;
  if (allowed) for (const v of values) if (!allowed.includes(v)) choiceError(errors, field, v);
  return new Set(values);
}

function numbers(params: URLSearchParams, field: string, errors: Errors): Set<number> | null {
  const values = params.getAll(field).filter((v) => v !== '');
  if (values.length === 0) return null;
  const out = new Set<number>();
  for (const v of values) {
    if (/^-?\d+$/.test(v.trim())) out.add(Number(v));
    else (errors[field] ??= []).push('Enter a number.');
  }
  return out;
}

/**
 * NetBox's `id` filter and its generated lookups (`id`, `id__n`, `id__gt`, `id__gte`, `id__lt`,
 * `id__lte`): a MultiValueNumberFilter, so repeated values of one lookup OR together (`id__n`
 * excludes them all), and different lookups AND. Null when none is given.
 */
function idFilter(params: URLSearchParams, errors: Errors): ((id: number) => boolean) | null {
  const tests: Array<(id: number) => boolean> = [];
  const lookups: Array<[string, (id: number, v: number) => boolean]> = [
    ['id', (id, v) => id === v], ['id__gt', (id, v) => id > v], ['id__gte', (id, v) => id >= v],
    ['id__lt', (id, v) => id < v], ['id__lte', (id, v) => id <= v],
  ];
  for (const [field, test] of lookups) {
    const values = numbers(params, field, errors);
    if (values) tests.push((id) => [...values].some((v) => test(id, v)));
  }
  const excluded = numbers(params, 'id__n', errors);
  if (excluded) tests.push((id) => !excluded.has(id));
  return tests.length === 0 ? null : (id) => tests.every((t) => t(id));
}

/** Parses a Django datetime to microseconds since the epoch (naive times are UTC). */
function micros(text: string): number | null {
  const m = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2})?)(?:\.(\d{1,6}))?)?\s*(Z|[+-]\d{2}:?\d{2})?$/.exec(text.trim());
  if (!m) return null;
  const [, date, time = '00:00:00', frac = '', zone = 'Z'] = m;
  const offset = zone === 'Z' ? zone : `${zone.slice(0, 3)}:${zone.slice(-2)}`;
  const ms = Date.parse(`${date}T${time.length === 5 ? `${time}:00` : time}${offset}`);
  if (Number.isNaN(ms)) return null;
  return ms * 1000 + Number(frac.padEnd(6, '0'));
}

/** `created`/`last_updated` lookups: `__gte __lte __gt __lt` (and exact). */
function timeFilters(params: URLSearchParams, errors: Errors): Array<(row: { created: number; lastUpdated: number }) => boolean> {
  const tests: Array<(row: { created: number; lastUpdated: number }) => boolean> = [];
  for (const field of ['created', 'last_updated'] as const) {
    for (const lookup of ['', '__gte', '__lte', '__gt', '__lt']) {
      const name = `${field}${lookup}`;
      for (const raw of params.getAll(name)) {
        const bound = micros(raw);
        if (bound === null) {
          (errors[name] ??= []).push('Enter a valid date/time.');
          continue;
        }
        const get = (row: { created: number; lastUpdated: number }): number => (field === 'created' ? row.created : row.lastUpdated) * 1000;
        if (lookup === '') tests.push((r) => get(r) === bound);
        if (lookup === '__gte') tests.push((r) => get(r) >= bound);
        if (lookup === '__lte') tests.push((r) => get(r) <= bound);
        if (lookup === '__gt') tests.push((r) => get(r) > bound);
        if (lookup === '__lt') tests.push((r) => get(r) < bound);
      }
    }
  }
  return tests;
}

function names(params: URLSearchParams, field: string): Set<string> | null {
  const values = params.getAll(field).filter((v) => v !== '');
  return values.length === 0 ? null : new Set(values);
}

function fail(errors: Errors): void {
  if (Object.keys(errors).length > 0) throw new FakeNetboxError(400, errors);
}

/** The zone fields `?ordering=` may name. */
const ZONE_ORDERING: Record<string, OrderKey<ZoneRow>> = {
  id: (z) => z.id, name: (z) => z.name, status: (z) => z.status, soa_serial: (z) => z.soaSerial,
  created: (z) => z.created, last_updated: (z) => z.lastUpdated,
};

/** The record fields `?ordering=` may name. */
const RECORD_ORDERING: Record<string, OrderKey<RecordRow>> = {
  id: (r) => r.id, name: (r) => r.name, type: (r) => r.type, value: (r) => r.value, status: (r) => r.status,
  created: (r) => r.created, last_updated: (r) => r.lastUpdated,
};

/** `GET zones/` filtering. */
export function filterZones(db: Db, params: URLSearchParams): ZoneRow[] {
  const errors: Errors = {};
  const ids = idFilter(params, errors);
  const viewIds = modelIds(params, 'view_id', (id) => db.views.has(id), errors);
  const nsIds = modelIds(params, 'nameserver_id', (id) => db.nameservers.has(id), errors);
  const mnameIds = modelIds(params, 'soa_mname_id', (id) => db.nameservers.has(id), errors);
  const statuses = choices(params, 'status', ZONE_STATUSES, errors);
  const zoneNames = names(params, 'name');
  // NetBox's `__ie` lookup (case-insensitive exact), which the daemon uses to find one zone by name.
  const zoneNamesIe = names(params, 'name__ie');
  const viewNames = names(params, 'view');
  const nsNames = names(params, 'nameserver');
  const active = bool(params, 'active');
  const times = timeFilters(params, errors);
  fail(errors);
  const rows = [...db.zones.values()].filter((z) => {
    if (ids && !ids(z.id)) return false;
    if (viewIds && !viewIds.has(z.viewId)) return false;
    if (viewNames && !viewNames.has(db.views.get(z.viewId)?.name ?? '')) return false;
    if (nsIds && !z.nameserverIds.some((id) => nsIds.has(id))) return false;
    if (nsNames && !z.nameserverIds.some((id) => nsNames.has(db.nameservers.get(id)?.name ?? ''))) return false;
    if (mnameIds && !mnameIds.has(z.soaMnameId)) return false;
    if (statuses && !statuses.has(z.status)) return false;
    if (zoneNames && !zoneNames.has(z.name)) return false;
    if (zoneNamesIe && ![...zoneNamesIe].some((n) => n.toLowerCase() === z.name.toLowerCase())) return false;
    if (active !== null && zoneActive(z) !== active) return false;
    return times.every((t) => t(z));
  });
  return orderingTerms(params, ZONE_ORDERING) ? applyOrdering(rows, params, ZONE_ORDERING) : sortZones(db, rows);
}

/** Caches the fully sorted record list per data version: unfiltered pages of 100k records stay cheap. */
const sortedCache = new WeakMap<Db, { version: number; rows: RecordRow[] }>();

function allRecordsSorted(db: Db): RecordRow[] {
  const cached = sortedCache.get(db);
  if (cached && cached.version === db.version) return cached.rows;
  const rows = sortRecords(db, [...db.records.values()]);
  sortedCache.set(db, { version: db.version, rows });
  return rows;
}

/** `GET records/` filtering. */
export function filterRecords(db: Db, params: URLSearchParams): RecordRow[] {
  const errors: Errors = {};
  const ids = idFilter(params, errors);
  const zoneIds = modelIds(params, 'zone_id', (id) => db.zones.has(id), errors);
  const notZoneIds = modelIds(params, 'zone_id__n', (id) => db.zones.has(id), errors);
  const viewIds = modelIds(params, 'view_id', (id) => db.views.has(id), errors);
  const statuses = choices(params, 'status', RECORD_STATUSES, errors);
  const types = choices(params, 'type', null, errors);
  const zoneNames = names(params, 'zone');
  const viewNames = names(params, 'view');
  const recNames = names(params, 'name');
  const values = names(params, 'value');
  const fqdnsRaw = names(params, 'fqdn');
  const fqdns = fqdnsRaw ? new Set([...fqdnsRaw].map((f) => `${f.replace(/\.$/, '')}.`.toLowerCase())) : null;
  const ttls = numbers(params, 'ttl', errors);
  const managed = bool(params, 'managed');
  const active = bool(params, 'active');
  const disablePtr = bool(params, 'disable_ptr');
  const times = timeFilters(params, errors);
  fail(errors);
  // With an explicit ordering the default (natural-sort) ordering is never needed: skip its cost.
  const ordered = orderingTerms(params, RECORD_ORDERING) !== null;
  let candidates: RecordRow[];
  if (zoneIds) {
    const picked: RecordRow[] = [];
    for (const id of zoneIds) picked.push(...db.zoneRecords(id));
    candidates = ordered ? picked : sortRecords(db, picked);
  } else if (zoneNames) {
    // By zone name: only those zones' records (a full scan per event would dominate benchmarks).
    const picked: RecordRow[] = [];
    for (const zone of db.zones.values()) if (zoneNames.has(zone.name)) picked.push(...db.zoneRecords(zone.id));
    candidates = ordered ? picked : sortRecords(db, picked);
  } else {
    candidates = ordered ? [...db.records.values()] : allRecordsSorted(db);
  }
  const rows = candidates.filter((r) => {
    const zone = db.zones.get(r.zoneId);
    if (!zone) return false;
    if (ids && !ids(r.id)) return false;
    if (notZoneIds && notZoneIds.has(r.zoneId)) return false;
    if (viewIds && !viewIds.has(zone.viewId)) return false;
    if (viewNames && !viewNames.has(db.views.get(zone.viewId)?.name ?? '')) return false;
    if (zoneNames && !zoneNames.has(zone.name)) return false;
    if (statuses && !statuses.has(r.status)) return false;
    if (types && !types.has(r.type)) return false;
    if (recNames && !recNames.has(r.name)) return false;
    if (values && !values.has(r.value)) return false;
    if (fqdns && !fqdns.has(recordFqdn(db, r).toLowerCase())) return false;
    if (ttls && (r.ttl === null || !ttls.has(r.ttl))) return false;
    if (managed !== null && r.managed !== managed) return false;
    if (disablePtr !== null && r.disablePtr !== disablePtr) return false;
    if (active !== null && recordActive(db, r) !== active) return false;
    return times.every((t) => t(r));
  });
  return ordered ? applyOrdering(rows, params, RECORD_ORDERING) : rows;
}
