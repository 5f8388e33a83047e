/**
 * The plugin's REST endpoints over the store: list (filters, ordering, pagination, brief/fields/omit),
 * detail, and POST/PATCH/PUT/DELETE on zones and records (plus POST on views and nameservers) so a
 * demo or a person can change data over HTTP. Each write runs as one store request, so it emits the
 * same coalesced events as the store API, tagged with the response's X-Request-ID.
 */
import type { BodyShape } from './events.js';
import { filterRecords, filterZones } from './filters.js';
import { FakeNetboxError, validationError, type KeyTemplateInput, type PolicyInput, type RecordInput, type ZoneInput } from './model.js';
import { paginate, type PageOptions } from './pagination.js';
import * as ser from './serialize.js';
import { keyTemplateBrief, keyTemplateRest, policyBrief, policyRest } from './dnssec.js';
import type { FakeNetboxStore } from './store.js';

export const API_ROOT = '/api/plugins/netbox-dns/';

export interface ApiRequest {
  method: string;
  pathname: string;
  params: URLSearchParams;
  body: unknown;
  /** `http://host:port` as the client addressed us. */
  origin: string;
  requestId: string;
  /** One-shot `emptyZones` fault. */
  emptyZones: boolean;
  /** One-shot `emptyRecords` fault. */
  emptyRecords?: boolean;
}

export interface ApiResult {
  status: number;
  body?: unknown;
}

type Resource = 'zones' | 'records' | 'nameservers' | 'views' | 'dnssecpolicies' | 'dnsseckeytemplates';
const MODEL_NAME: Record<Resource, string> = {
  zones: 'Zone', records: 'Record', nameservers: 'NameServer', views: 'View', dnssecpolicies: 'DNSSEC Policy', dnsseckeytemplates: 'DNSSEC Key Template',
};

/** Plugin and NetBox versions reported by `/api/status/` for each body shape. */
export const VERSIONS: Record<BodyShape, { netbox: string; plugin: string; api: string }> = {
  '4.4': { netbox: '4.4.10', plugin: '1.4.7', api: '4.4' },
  '4.5': { netbox: '4.5.2', plugin: '1.5.2', api: '4.5' },
  '4.6': { netbox: '4.6.8', plugin: '1.5.8', api: '4.6' },
};

function notFound(resource: Resource): FakeNetboxError {
  return new FakeNetboxError(404, { detail: `No ${MODEL_NAME[resource]} matches the given query.` });
}

/** `?brief`, `?fields=`, `?omit=` (brief wins over fields, fields over omit). */
function shape(full: ser.Json, brief: () => ser.Json, params: URLSearchParams): ser.Json {
  if (params.get('brief')) return brief();
  const fields = params.get('fields');
  if (fields) {
    const wanted = new Set(fields.split(',').map((f) => f.trim()));
    return Object.fromEntries(Object.entries(full).filter(([k]) => wanted.has(k)));
  }
  const omit = params.get('omit');
  if (omit) {
    const dropped = new Set(omit.split(',').map((f) => f.trim()));
    return Object.fromEntries(Object.entries(full).filter(([k]) => !dropped.has(k)));
  }
  return full;
}

/** A related object in a write body: pk, numeric string, `{id}` or `{name}`. */
function ref(value: unknown): number | string | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string') return /^\d+$/.test(value) ? Number(value) : value;
  if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    if (typeof o.id === 'number') return o.id;
    if (typeof o.name === 'string') return o.name;
  }
  return undefined;
}

function objectBody(body: unknown): Record<string, unknown> {
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    throw new FakeNetboxError(400, { non_field_errors: ['Invalid data. Expected a dictionary, but got list.'] });
  }
  return body as Record<string, unknown>;
}

/** REST write body → store input; related fields accept pk or nested object. */
function zoneInput(body: Record<string, unknown>): Partial<ZoneInput> {
  const out: Record<string, unknown> = { ...body };
  for (const key of ['view', 'soa_mname', 'dnssec_policy'] as const) if (key in body) out[key] = body[key] === null ? null : ref(body[key]);
  if ('nameservers' in body) {
    if (!Array.isArray(body.nameservers)) throw validationError('nameservers', 'Expected a list of items.');
    out.nameservers = body.nameservers.map((n) => ref(n));
  }
  return out as Partial<ZoneInput>;
}

function recordInput(body: Record<string, unknown>): Partial<RecordInput> {
  const out: Record<string, unknown> = { ...body };
  if ('zone' in body) out.zone = ref(body.zone);
  return out as Partial<RecordInput>;
}

function idOf(segment: string | undefined, resource: Resource): number {
  if (segment === undefined || !/^\d+$/.test(segment)) throw notFound(resource);
  return Number(segment);
}

/** Routes one authenticated request below `/api/plugins/netbox-dns/`. */
export function handlePluginApi(store: FakeNetboxStore, page: PageOptions, req: ApiRequest): ApiResult {
  const rest = req.pathname.slice(API_ROOT.length).split('/').filter((s) => s !== '');
  const base = req.origin;
  const db = store.db;
  if (rest.length === 0) {
    if (req.method !== 'GET') return methodNotAllowed(req.method);
    const root = Object.fromEntries(Object.keys(MODEL_NAME).map((r) => [r, `${base}${API_ROOT}${r}/`]));
    return { status: 200, body: root };
  }
  const resource = rest[0] as Resource;
  if (!(resource in MODEL_NAME) || rest.length > 2) throw new FakeNetboxError(404, { detail: 'Not found.' });
  const id = rest.length === 2 ? idOf(rest[1], resource) : null;
  const reqInfo = { id: req.requestId, method: req.method, path: req.pathname };
  const selfUrl = `${base}${req.pathname}`;

  if (req.method === 'GET') {
    const one = <T>(rows: T[], full: (r: T) => ser.Json, brief: (r: T) => ser.Json): ApiResult => {
      if (id !== null) {
        const row = rows[0];
        if (row === undefined) throw notFound(resource);
        return { status: 200, body: shape(full(row), () => brief(row), req.params) };
      }
      const p = paginate(rows, req.params, page, selfUrl);
      return { status: 200, body: { ...p, results: p.results.map((r) => shape(full(r), () => brief(r), req.params)) } };
    };
    if (resource === 'zones') {
      const rows = id !== null ? [db.zones.get(id)].filter((z) => z !== undefined) : req.emptyZones ? [] : filterZones(db, req.params);
      return one(rows, (z) => ser.zoneRest(db, z, base), (z) => ser.zoneBrief(db, z, base));
    }
    if (resource === 'records') {
      const rows = id !== null ? [db.records.get(id)].filter((r) => r !== undefined) : req.emptyRecords === true ? [] : filterRecords(db, req.params);
      return one(rows, (r) => ser.recordRest(db, r, base), (r) => ser.recordBrief(db, r, base));
    }
    if (resource === 'dnssecpolicies') {
      const rows = id !== null ? [db.policies.get(id)].filter((p) => p !== undefined) : [...db.policies.values()].sort((a, b) => a.name.localeCompare(b.name));
      return one(rows, (p) => policyRest(db, p, base), (p) => policyBrief(p, base));
    }
    if (resource === 'dnsseckeytemplates') {
      const rows = id !== null ? [db.keyTemplates.get(id)].filter((t) => t !== undefined) : [...db.keyTemplates.values()].sort((a, b) => a.name.localeCompare(b.name) || a.type.localeCompare(b.type));
      return one(rows, (t) => keyTemplateRest(db, t, base), (t) => keyTemplateBrief(t, base));
    }
    if (resource === 'nameservers') {
      let rows = id !== null ? [db.nameservers.get(id)].filter((n) => n !== undefined) : [...db.nameservers.values()];
      const name = req.params.get('name');
      if (name) rows = rows.filter((n) => n.name === name);
      rows.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      return one(rows, (n) => ser.nameserverRest(db, n, base), (n) => ser.nameserverBrief(n, base));
    }
    let views = id !== null ? [db.views.get(id)].filter((v) => v !== undefined) : [...db.views.values()];
    const name = req.params.get('name');
    if (name) views = views.filter((v) => v.name === name);
    return one(views, (v) => ser.viewRest(v, base), (v) => ser.viewBrief(v, base));
  }

  if (resource === 'dnssecpolicies' || resource === 'dnsseckeytemplates') return dnssecWrite(store, resource, id, req, base);

  if (req.method === 'POST' && id === null) {
    const body = objectBody(req.body);
    return store.request(reqInfo, () => {
      if (resource === 'zones') {
        const created = store.createZone(zoneInput(body) as ZoneInput);
        return { status: 201, body: ser.zoneRest(db, store.zoneRow(created.id), base) };
      }
      if (resource === 'records') {
        const created = store.createRecord(recordInput(body) as RecordInput);
        return { status: 201, body: ser.recordRest(db, store.recordRow(created.id), base) };
      }
      const input = body as { name: string; description?: string };
      if (typeof input.name !== 'string') throw validationError('name', 'This field is required.');
      const created = resource === 'views' ? store.createView(input) : store.createNameserver(input);
      return { status: 201, body: created };
    });
  }

  if ((req.method === 'PATCH' || req.method === 'PUT') && id !== null && (resource === 'zones' || resource === 'records')) {
    const body = objectBody(req.body);
    return store.request(reqInfo, () => {
      if (resource === 'zones') {
        if (!db.zones.has(id)) throw notFound(resource);
        store.updateZone(id, zoneInput(body));
        return { status: 200, body: ser.zoneRest(db, store.zoneRow(id), base) };
      }
      if (!db.records.has(id)) throw notFound(resource);
      store.updateRecord(id, recordInput(body));
      return { status: 200, body: ser.recordRest(db, store.recordRow(id), base) };
    });
  }

  if (req.method === 'DELETE' && id !== null && (resource === 'zones' || resource === 'records')) {
    return store.request(reqInfo, () => {
      if (resource === 'zones') {
        if (!db.zones.has(id)) throw notFound(resource);
        store.deleteZone(id);
      } else {
        if (!db.records.has(id)) throw notFound(resource);
        store.deleteRecord(id);
      }
      return { status: 204 };
    });
  }
  return methodNotAllowed(req.method);
}

/** POST/PATCH/PUT/DELETE of key templates and policies (key templates by id, durations as seconds or ISO-8601). */
function dnssecWrite(store: FakeNetboxStore, resource: 'dnssecpolicies' | 'dnsseckeytemplates', id: number | null, req: ApiRequest, base: string): ApiResult {
  const db = store.db;
  const reqInfo = { id: req.requestId, method: req.method, path: req.pathname };
  const policy = resource === 'dnssecpolicies';
  const exists = (n: number): boolean => (policy ? db.policies.has(n) : db.keyTemplates.has(n));
  const rest = (n: number): ser.Json => {
    const row = policy ? db.policies.get(n) : db.keyTemplates.get(n);
    if (!row) throw notFound(resource);
    return policy ? policyRest(db, row as Parameters<typeof policyRest>[1], base) : keyTemplateRest(db, row as Parameters<typeof keyTemplateRest>[1], base);
  };
  const templateIds = (body: Record<string, unknown>): Record<string, unknown> =>
    ('key_templates' in body && Array.isArray(body.key_templates) ? { ...body, key_templates: body.key_templates.map((t) => ref(t)) } : body);
  return store.request(reqInfo, () => {
    if (req.method === 'POST' && id === null) {
      const body = templateIds(objectBody(req.body));
      const created = policy ? store.createDnssecPolicy(body as unknown as PolicyInput) : store.createKeyTemplate(body as unknown as KeyTemplateInput);
      return { status: 201, body: rest(Number(created.id)) };
    }
    if ((req.method === 'PATCH' || req.method === 'PUT') && id !== null) {
      if (!exists(id)) throw notFound(resource);
      const body = templateIds(objectBody(req.body));
      if (policy) store.updateDnssecPolicy(id, body as Partial<PolicyInput>);
      else store.updateKeyTemplate(id, body as Partial<KeyTemplateInput>);
      return { status: 200, body: rest(id) };
    }
    if (req.method === 'DELETE' && id !== null) {
      if (!exists(id)) throw notFound(resource);
      if (policy) store.deleteDnssecPolicy(id);
      else store.deleteKeyTemplate(id);
      return { status: 204 };
    }
    return methodNotAllowed(req.method);
  });
}

function methodNotAllowed(method: string): ApiResult {
  return { status: 405, body: { detail: `Method "${method}" not allowed.` } };
}
