/**
 * NetBox webhook envelopes → zones to look at (reference netbox-api.md §4.2 and §5). Payload data
 * is only used to *name* zones; the zone task re-reads NetBox, so stale or reordered events are
 * harmless. Snapshots are Django model dumps: foreign keys are integer pks, M2M are pk lists.
 */
import {
  schemaProblem,
  validateEnvelope,
  validateRecordEnvelope,
  validateZoneEnvelope,
  type IdRef,
  type WebhookEnvelope,
} from './schemas.js';
import { envelopeModel, isNetboxEvent, normaliseEvent } from './topics.js';
import { MAX_JSON_DEPTH, valueDeeperThan } from './payload.js';
import { dedupeKeys, isRejection, zoneKey } from './keys.js';
import { comparableZone } from './zone-name.js';
import {
  ignore,
  reject,
  type IgnoreReason,
  type Interpretation,
  type RejectedInterpretation,
  type ZoneKey,
} from './types.js';

/** The filters that decide whether a zone is ours. */
export interface OwnershipFilter {
  /** One per PowerDNS target: a zone is ours when any scope has it. */
  scopes: ReadonlyArray<{ nameserverId: number; viewId?: number }>;
}

/** The part of a netbox topic the body must agree with. */
export interface NetboxTopic {
  appLabel: string;
  model: string;
  event: string;
}

export type EnvelopeCheck = { ok: true; envelope: WebhookEnvelope } | { ok: false; reason: 'invalid_shape'; detail: string };

/**
 * Structural check of a parsed webhook body, shared by MQTT intake and the HTTP webhook endpoint.
 * The depth guard runs first because the body may arrive already parsed.
 */
export function validateWebhookEnvelope(body: unknown): EnvelopeCheck {
  if (valueDeeperThan(body, MAX_JSON_DEPTH)) {
    return { ok: false, reason: 'invalid_shape', detail: `JSON nested deeper than ${MAX_JSON_DEPTH} levels` };
  }
  if (!validateEnvelope(body)) {
    return { ok: false, reason: 'invalid_shape', detail: `envelope ${schemaProblem(validateEnvelope.errors)}` };
  }
  // NetBox 4.4 sends both; they must name the same model.
  if (body.object_type !== undefined && body.model !== undefined && body.object_type.split('.')[1] !== body.model) {
    return { ok: false, reason: 'invalid_shape', detail: 'envelope object_type and model disagree' };
  }
  return { ok: true, envelope: body };
}

interface Meta {
  source: 'netbox';
  model: string;
  event: string;
  requestId?: string;
  username?: string;
}

/** Interpret a parsed body that arrived on a netbox-form topic. */
export function interpretEnvelope(topic: NetboxTopic, body: unknown, filter: OwnershipFilter): Interpretation {
  const checked = validateWebhookEnvelope(body);
  if (!checked.ok) return reject(checked.reason, checked.detail);
  const envelope = checked.envelope;

  const fromBody = envelopeModel(envelope);
  // A ≤4.3 body names only the model; its app label comes from the topic.
  const appLabel = envelope.object_type !== undefined ? fromBody.appLabel : topic.appLabel;
  if (appLabel !== topic.appLabel || fromBody.model !== topic.model) {
    return reject('topic_mismatch', `topic names ${topic.appLabel}.${topic.model}, body names ${appLabel}.${fromBody.model}`);
  }
  const event = normaliseEvent(envelope.event);
  if (event !== normaliseEvent(topic.event)) {
    return reject('topic_mismatch', `topic event ${topic.event}, body event ${envelope.event}`);
  }

  const model = `${appLabel}.${fromBody.model}`;
  const handled = ['netbox_dns.record', 'netbox_dns.zone', 'netbox_dns.nameserver', 'netbox_dns.view', 'netbox_dns.dnssecpolicy', 'netbox_dns.dnsseckeytemplate'];
  if (!handled.includes(model)) return ignore('unsupported_model', `${model} ${event}`);
  if (!isNetboxEvent(event)) return ignore('unsupported_event', `${model} ${envelope.event}`);

  // Who and which request: carried to the audit trail of the writes this event causes. NetBox 4.6
  // deprecates the top-level fields in favour of `request` {id, user}; either is taken.
  const requestId = envelope.request_id ?? envelope.request?.id ?? undefined;
  const requestUser = envelope.request?.user;
  const username = envelope.username ?? (typeof requestUser === 'string' ? requestUser : undefined);
  const meta: Meta = {
    source: 'netbox', model, event, ...(typeof requestId === 'string' ? { requestId } : {}),
    ...(typeof username === 'string' && username !== '' ? { username: username.slice(0, 150) } : {}),
  };
  switch (model) {
    case 'netbox_dns.record':
      return interpretRecord(envelope, filter, meta);
    case 'netbox_dns.zone':
      return interpretZone(envelope, filter, meta);
    default:
      // A nameserver rename rewrites NS/SOA of its zones, a view change moves zones, a DNSSEC policy or
      // key template change re-signs the zones using it: look at everything.
      return { kind: 'full', reason: `${model} ${event}`, ...meta };
  }
}

/** A record event names its zone; a record that changed zones cannot name the old one. */
function interpretRecord(envelope: WebhookEnvelope, filter: OwnershipFilter, meta: Meta): Interpretation {
  if (!validateRecordEnvelope(envelope)) {
    return reject('invalid_shape', `record event ${schemaProblem(validateRecordEnvelope.errors)}`);
  }
  const zone = envelope.data.zone;
  const before = refId(envelope.snapshots.prechange?.zone);
  if (before !== undefined && before !== zone.id) {
    // The prechange snapshot holds only the old zone's pk; a full reconcile finds what left it.
    return { kind: 'full', reason: 'record moved between zones', ...meta };
  }
  const view = zone.view?.id;
  if (view !== undefined && !filter.scopes.some((s) => s.viewId === undefined || s.viewId === view)) {
    return ignore('other_view', `${meta.model} ${meta.event}: zone view ${view}`);
  }
  // Records carry no nameserver list: the zone task checks the zone against our nameserver.
  const key = zoneKey(zone.name, false, 'record zone');
  if (isRejection(key)) return key;
  return { kind: 'zones', zones: dedupeKeys([key, ...relatedZones(envelope.data, filter)]), ...meta };
}

/**
 * The zones of the record's PTR (an A/AAAA's `ptr_record`) and of the address records a PTR stands
 * for (`address_records`): NetBox changed them in the same request, and their own events arrive
 * after this one. Naming them now lets both zones be read and written at once instead of one after
 * the other. Only a hint: anything malformed or out of our views is left out, never rejected.
 */
function relatedZones(data: Record<string, unknown>, filter: OwnershipFilter): ZoneKey[] {
  const related = [data.ptr_record, ...(Array.isArray(data.address_records) ? data.address_records.slice(0, 100) : [])];
  const keys: ZoneKey[] = [];
  for (const record of related) {
    const zone = (record as { zone?: unknown } | null | undefined)?.zone as { name?: unknown; view?: { id?: unknown } | null } | undefined;
    if (typeof zone?.name !== 'string') continue;
    const view = zone.view?.id;
    if (typeof view === 'number' && !filter.scopes.some((s) => s.viewId === undefined || s.viewId === view)) continue;
    const key = zoneKey(zone.name, false, 'related zone');
    if (!isRejection(key)) keys.push(key);
  }
  return keys;
}

type Membership = 'ours' | Extract<IgnoreReason, 'other_nameserver' | 'other_view'>;

/**
 * Whether a zone state belongs to us. Unknown (absent) nameservers or view count as ours: the
 * zone task decides from NetBox, and wrongly skipping a zone is worse than looking at it once more.
 */
function membership(filter: OwnershipFilter, nameservers: number[] | undefined, view: number | null | undefined): Membership {
  const nsOk = (s: OwnershipFilter['scopes'][number]): boolean => nameservers === undefined || nameservers.includes(s.nameserverId);
  const viewOk = (s: OwnershipFilter['scopes'][number]): boolean => s.viewId === undefined || typeof view !== 'number' || view === s.viewId;
  if (filter.scopes.some((s) => nsOk(s) && viewOk(s))) return 'ours';
  return filter.scopes.some(nsOk) ? 'other_view' : 'other_nameserver';
}

/**
 * A zone event names the zone, plus the old name on a rename. A zone that stopped being ours
 * (deleted, or taken off our nameserver or view) is named with `removed`. Serial bumps arrive
 * with `prechange: null`, so a missing prechange means "unknown before", never "new".
 */
function interpretZone(envelope: WebhookEnvelope, filter: OwnershipFilter, meta: Meta): Interpretation {
  if (!validateZoneEnvelope(envelope)) {
    return reject('invalid_shape', `zone event ${schemaProblem(validateZoneEnvelope.errors)}`);
  }
  const { data } = envelope;
  const pre = envelope.snapshots.prechange ?? null;
  const post = envelope.snapshots.postchange ?? null;
  const dataNameservers = data.nameservers?.map((ns: IdRef) => ns.id);
  const label = `${meta.model} ${meta.event}`;

  let keys: Array<ZoneKey | RejectedInterpretation>;
  if (meta.event === 'deleted') {
    // data is frozen just before the delete; prechange is the same state.
    const state = membership(filter, union(dataNameservers, pre?.nameservers), data.view?.id ?? pre?.view);
    if (state !== 'ours') return ignore(state, notOurs(label, state));
    keys = [zoneKey(data.name, true, 'zone name')];
    if (renamed(pre?.name, data.name)) keys.push(zoneKey(pre?.name ?? '', true, 'previous zone name'));
  } else {
    const after = membership(filter, union(dataNameservers, post?.nameservers), data.view?.id ?? post?.view);
    const before = pre === null ? undefined : membership(filter, pre.nameservers, pre.view);
    if (after !== 'ours' && before !== 'ours') {
      return ignore(after, notOurs(label, after));
    }
    // An inactive zone (e.g. status parked) is served no more: named as removed, like one taken off our nameserver.
    const inactive = (data as { active?: unknown }).active === false;
    keys = [zoneKey(data.name, after !== 'ours' || inactive, 'zone name')];
    // Rename: the old name may still exist in PowerDNS and is deleted there if we own it.
    if (before === 'ours' && renamed(pre?.name, data.name)) keys.push(zoneKey(pre?.name ?? '', true, 'previous zone name'));
  }

  const rejected = keys.find(isRejection);
  if (rejected !== undefined) return rejected;
  return { kind: 'zones', zones: dedupeKeys(keys.filter((k): k is ZoneKey => !isRejection(k))), ...meta };
}

/** Whether the prechange name is a different zone (case changes are not renames: keys are lower-case). */
function renamed(before: string | undefined, after: string): boolean {
  return before !== undefined && comparableZone(before) !== comparableZone(after);
}

function notOurs(label: string, why: Exclude<Membership, 'ours'>): string {
  return `${label}: zone not in our ${why === 'other_view' ? 'view' : 'nameserver'}`;
}

/** pk of a snapshot foreign key (an integer in model dumps; tolerate a nested `{id}`). */
function refId(value: number | IdRef | null | undefined): number | undefined {
  if (typeof value === 'number') return value;
  return value?.id ?? undefined;
}

function union(a: number[] | undefined, b: number[] | undefined): number[] | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return [...a, ...b];
}
