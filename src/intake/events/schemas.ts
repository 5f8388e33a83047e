/**
 * JSON schemas of the two inbound message forms, compiled once when this module loads (ajv
 * compiles to code; compiling per message would be slow and would leak). Schemas check only the
 * fields the interpreter reads and let everything else through: NetBox adds fields between
 * releases, and the zone task re-reads NetBox anyway. Strings and lists that we read are bounded.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';

/** Snapshot pair as sent by NetBox: Django model dumps (foreign keys are integer pks). */
export interface Snapshots<T> {
  prechange?: T | null;
  postchange?: T | null;
}

/** The NetBox webhook body, 4.4/4.5/4.6 shapes and ≤4.3 (`model` only). */
export interface WebhookEnvelope {
  event: string;
  timestamp: string;
  /** `<app_label>.<model>`, e.g. `netbox_dns.record` (NetBox ≥ 4.4). */
  object_type?: string;
  /** Bare model name, e.g. `record` (NetBox ≤ 4.4). */
  model?: string;
  username?: string | null;
  request_id?: string | null;
  data: Record<string, unknown>;
  snapshots: Snapshots<Record<string, unknown>>;
  /** NetBox ≥ 4.6. */
  request?: { id?: string | null; [key: string]: unknown } | null;
}

export interface IdRef {
  id: number;
}

/** What a record event carries that we read. */
export interface RecordEnvelope extends WebhookEnvelope {
  data: { zone: { id: number; name: string; view?: IdRef | null }; [key: string]: unknown };
  snapshots: Snapshots<{ zone?: number | IdRef | null; [key: string]: unknown }>;
}

/** What a zone event carries that we read. */
export interface ZoneEnvelope extends WebhookEnvelope {
  data: { id: number; name: string; view?: IdRef | null; nameservers?: IdRef[]; [key: string]: unknown };
  snapshots: Snapshots<{ name?: string; view?: number | null; nameservers?: number[]; [key: string]: unknown }>;
}

/** The original connector's compact zone message. */
export interface CompactMessage {
  zone: string;
  serial: number;
  event: string;
  timestamp: number;
  nameserver_ids?: number[] | null;
}

const MAX_LIST = 10_000;
const id = { type: 'integer', minimum: 0 } as const;
// Generous: the zone-name check gives the precise reason; this only bounds the work.
const nameString = { type: 'string', maxLength: 1024 } as const;
const idRef = { type: 'object', required: ['id'], properties: { id } } as const;
const nullableIdRef = { type: ['object', 'null'], required: ['id'], properties: { id } } as const;

const envelopeSchema = {
  type: 'object',
  required: ['event', 'timestamp', 'data', 'snapshots'],
  anyOf: [
    { type: 'object', required: ['object_type'] },
    { type: 'object', required: ['model'] },
  ],
  properties: {
    event: { type: 'string', pattern: '^[a-z][a-z_]{0,63}$' },
    timestamp: { type: 'string', maxLength: 64 },
    object_type: { type: 'string', pattern: '^[a-z][a-z0-9_]{0,99}\\.[a-z][a-z0-9_]{0,99}$' },
    model: { type: 'string', pattern: '^[a-z][a-z0-9_]{0,99}$' },
    username: { type: ['string', 'null'], maxLength: 300 },
    request_id: { type: ['string', 'null'], maxLength: 100 },
    data: { type: 'object' },
    snapshots: {
      type: 'object',
      properties: { prechange: { type: ['object', 'null'] }, postchange: { type: ['object', 'null'] } },
    },
    request: { type: ['object', 'null'], properties: { id: { type: ['string', 'null'], maxLength: 100 } } },
  },
} as const;

const recordSnapshot = {
  type: ['object', 'null'],
  properties: { zone: { anyOf: [id, { type: 'null' }, idRef] } },
} as const;

const recordSchema = {
  type: 'object',
  required: ['data'],
  properties: {
    data: {
      type: 'object',
      required: ['zone'],
      properties: {
        zone: {
          type: 'object',
          required: ['id', 'name'],
          properties: { id, name: nameString, view: nullableIdRef },
        },
      },
    },
    snapshots: { type: 'object', properties: { prechange: recordSnapshot, postchange: recordSnapshot } },
  },
} as const;

const zoneSnapshot = {
  type: ['object', 'null'],
  properties: {
    name: nameString,
    view: { type: ['integer', 'null'], minimum: 0 },
    nameservers: { type: 'array', maxItems: MAX_LIST, items: id },
  },
} as const;

const zoneSchema = {
  type: 'object',
  required: ['data'],
  properties: {
    data: {
      type: 'object',
      required: ['id', 'name'],
      properties: {
        id,
        name: nameString,
        view: nullableIdRef,
        nameservers: { type: 'array', maxItems: MAX_LIST, items: idRef },
      },
    },
    snapshots: { type: 'object', properties: { prechange: zoneSnapshot, postchange: zoneSnapshot } },
  },
} as const;

const compactSchema = {
  type: 'object',
  required: ['zone', 'serial', 'event', 'timestamp'],
  properties: {
    zone: nameString,
    serial: { type: 'integer', minimum: 0, maximum: 4294967295 },
    event: { type: 'string', maxLength: 64 },
    timestamp: { type: 'number' },
    nameserver_ids: { type: ['array', 'null'], maxItems: MAX_LIST, items: id },
  },
} as const;

// strict: a schema mistake fails loudly at load time (and in the unit tests), not silently per message.
// strictRequired is off only because the `anyOf` branches (object_type | model) name properties
// declared in the parent schema, which that rule does not see.
const ajv = new Ajv({ strict: true, strictRequired: false, allowUnionTypes: true, allErrors: false });

export const validateEnvelope: ValidateFunction<WebhookEnvelope> = ajv.compile<WebhookEnvelope>(envelopeSchema);
/** Run after `validateEnvelope`, on `netbox_dns.record` envelopes. */
export const validateRecordEnvelope: ValidateFunction<RecordEnvelope> = ajv.compile<RecordEnvelope>(recordSchema);
/** Run after `validateEnvelope`, on `netbox_dns.zone` envelopes. */
export const validateZoneEnvelope: ValidateFunction<ZoneEnvelope> = ajv.compile<ZoneEnvelope>(zoneSchema);
export const validateCompact: ValidateFunction<CompactMessage> = ajv.compile<CompactMessage>(compactSchema);

/**
 * A short description of the first schema error: path and message only, never the offending value,
 * so a hostile payload cannot inject text into the logs.
 */
export function schemaProblem(errors: ErrorObject[] | null | undefined): string {
  const first = errors?.[0];
  if (first === undefined) return 'does not match the schema';
  return `${first.instancePath === '' ? '(root)' : first.instancePath} ${first.message ?? 'is invalid'}`;
}
