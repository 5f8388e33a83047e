/**
 * Realistic NetBox webhook bodies for the event interpreter tests (reference netbox-api.md §1.3,
 * §1.4, §4.2): `data` is the REST shape with relative URLs, snapshots are Django model dumps
 * (foreign keys as pks, M2M as pk lists, no `active`, no `last_updated`).
 */
import type { Interpretation } from '../../../../src/intake/events/index.js';

export const OUR_NS = 2;
export const OTHER_NS = 3;
export const DEFAULT_VIEW = 1;
export const OTHER_VIEW = 5;
export const REQUEST_ID = '4b0c5f0e-6a43-4a1e-9d43-1c2f3e4d5a6b';

export type NetboxVersion = '4.3' | '4.4' | '4.5' | '4.6';
export const VERSIONS: NetboxVersion[] = ['4.3', '4.4', '4.5', '4.6'];

type Json = Record<string, unknown>;

export function viewBrief(id = DEFAULT_VIEW): Json {
  const name = id === DEFAULT_VIEW ? '_default_' : 'internal';
  return {
    id,
    url: `/api/plugins/netbox-dns/views/${id}/`,
    display: name,
    name,
    default_view: id === DEFAULT_VIEW,
    description: id === DEFAULT_VIEW ? 'Default View' : '',
  };
}

export function nameserverBrief(id: number): Json {
  const name = `ns${id}.example.net`;
  return { id, url: `/api/plugins/netbox-dns/nameservers/${id}/`, display: name, name, description: '' };
}

/** The zone as nested in a record (NestedZoneSerializer). */
export function nestedZone(id: number, name: string, view: number | null = DEFAULT_VIEW): Json {
  const zone: Json = {
    id,
    url: `/api/plugins/netbox-dns/zones/${id}/`,
    display: name,
    display_url: `/plugins/netbox-dns/zones/${id}/`,
    name,
    status: 'active',
    active: true,
    rfc2317_prefix: null,
  };
  if (view !== null) zone['view'] = viewBrief(view);
  return zone;
}

export interface RecordSpec {
  id: number;
  zoneId: number;
  zoneName: string;
  type: string;
  name: string;
  value: string;
  view?: number | null;
  managed?: boolean;
}

/** Record `data` (RecordSerializer, relative urls). */
export function recordData(r: RecordSpec): Json {
  const fqdn = r.name === '@' ? `${r.zoneName}.` : `${r.name}.${r.zoneName}.`;
  return {
    id: r.id,
    url: `/api/plugins/netbox-dns/records/${r.id}/`,
    display_url: `/plugins/netbox-dns/records/${r.id}/`,
    display: `${fqdn.slice(0, -1)} [${r.type}]`,
    zone: nestedZone(r.zoneId, r.zoneName, r.view === undefined ? DEFAULT_VIEW : r.view),
    type: r.type,
    name: r.name,
    fqdn,
    value: r.value,
    absolute_value: r.value,
    status: 'active',
    active: true,
    ttl: null,
    managed: r.managed ?? false,
    disable_ptr: false,
    ptr_record: null,
    address_records: [],
    ipam_ip_address: null,
    description: '',
    comments: '',
    tags: [],
    custom_fields: {},
    tenant: null,
    created: '2026-01-05T10:00:00.123456Z',
    last_updated: '2026-01-05T10:00:01.000001Z',
  };
}

/** Record model dump as in snapshots: `zone` is the pk. */
export function recordSnapshot(r: RecordSpec, overrides: Json = {}): Json {
  return {
    zone: r.zoneId,
    type: r.type,
    name: r.name,
    fqdn: r.name === '@' ? `${r.zoneName}.` : `${r.name}.${r.zoneName}.`,
    value: r.value,
    status: 'active',
    ttl: null,
    managed: r.managed ?? false,
    disable_ptr: false,
    ptr_record: null,
    ipam_ip_address: null,
    description: '',
    comments: '',
    tenant: null,
    owner: null,
    created: '2026-01-05T10:00:00.123Z',
    custom_fields: {},
    tags: [],
    ...overrides,
  };
}

export interface ZoneSpec {
  id: number;
  name: string;
  nameservers?: number[];
  view?: number;
  serial?: number;
}

/** Zone `data` (ZoneSerializer, relative urls). */
export function zoneData(z: ZoneSpec): Json {
  const nameservers = z.nameservers ?? [OUR_NS];
  return {
    id: z.id,
    url: `/api/plugins/netbox-dns/zones/${z.id}/`,
    display_url: `/plugins/netbox-dns/zones/${z.id}/`,
    display: z.name,
    name: z.name,
    view: viewBrief(z.view ?? DEFAULT_VIEW),
    nameservers: nameservers.map(nameserverBrief),
    status: 'active',
    active: true,
    default_ttl: 3600,
    soa_ttl: 3600,
    soa_mname: nameserverBrief(OUR_NS),
    soa_rname: 'hostmaster.example.com',
    soa_serial: z.serial ?? 1767607201,
    soa_serial_auto: true,
    soa_refresh: 43200,
    soa_retry: 7200,
    soa_expire: 2419200,
    soa_minimum: 3600,
    rfc2317_prefix: null,
    rfc2317_parent_managed: false,
    rfc2317_parent_zone: null,
    registrar: null,
    registrant: null,
    tech_c: null,
    admin_c: null,
    billing_c: null,
    description: '',
    comments: '',
    tags: [],
    custom_fields: {},
    tenant: null,
    created: '2026-01-05T10:00:00.123456Z',
    last_updated: '2026-01-05T10:00:01.000001Z',
  };
}

/** Zone model dump: `view` and `soa_mname` are pks, `nameservers` a pk list. */
export function zoneSnapshot(z: ZoneSpec): Json {
  return {
    name: z.name,
    view: z.view ?? DEFAULT_VIEW,
    nameservers: z.nameservers ?? [OUR_NS],
    status: 'active',
    default_ttl: 3600,
    soa_ttl: 3600,
    soa_mname: OUR_NS,
    soa_rname: 'hostmaster.example.com',
    soa_serial: z.serial ?? 1767607100,
    soa_serial_auto: true,
    soa_refresh: 43200,
    soa_retry: 7200,
    soa_expire: 2419200,
    soa_minimum: 3600,
    rfc2317_prefix: null,
    description: '',
    comments: '',
    tenant: null,
    owner: null,
    custom_fields: {},
    tags: [],
  };
}

/** A webhook body in the shape a given NetBox version sends. */
export function envelope(
  version: NetboxVersion,
  objectType: string,
  event: string,
  data: Json,
  prechange: Json | null,
  postchange: Json | null,
): Json {
  const [, model] = objectType.split('.');
  const body: Json = { event, timestamp: '2026-03-06T15:11:23.503186+00:00' };
  if (version !== '4.3') body['object_type'] = objectType;
  if (version === '4.3' || version === '4.4') body['model'] = model;
  body['username'] = 'admin';
  body['request_id'] = REQUEST_ID;
  body['data'] = data;
  if (version === '4.6') {
    body['request'] = { id: REQUEST_ID, method: 'PATCH', path: '/api/plugins/netbox-dns/records/101/', user: 'admin' };
  }
  body['snapshots'] = { prechange, postchange };
  return body;
}

/** Python's `json.dumps` separators, as NetBox sends by default. */
export function pythonJson(value: unknown): string {
  return JSON.stringify(value).replace(/","/g, '", "').replace(/":/g, '": ');
}

/** The interpretation without its free-text `detail`, for table comparisons. */
export function summary(result: Interpretation): Json {
  if (result.kind === 'ignored' || result.kind === 'rejected') return { kind: result.kind, reason: result.reason };
  return { ...result };
}
