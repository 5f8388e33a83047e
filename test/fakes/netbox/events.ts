/**
 * NetBox's per-request event queue and webhook bodies (N:netbox/extras/events.py, webhooks.py).
 * Events are coalesced per object (`app_label.model:pk`): the first event type stays unless a delete
 * overrides it, the first prechange stays, and data/postchange reflect the final state. The queue is
 * flushed in first-seen order when the "request" ends.
 */
import { createHmac } from 'node:crypto';
import type { Json } from './serialize.js';

/** The plugin's object types as they appear in `object_type`. */
export type ObjectType = 'netbox_dns.zone' | 'netbox_dns.record' | 'netbox_dns.nameserver' | 'netbox_dns.view' | 'netbox_dns.dnssecpolicy' | 'netbox_dns.dnsseckeytemplate';
/** The webhook `event` values. */
export type EventKind = 'created' | 'updated' | 'deleted';
/** Which NetBox release's webhook body to imitate: 4.4 adds `model`, 4.6 adds `request`. */
export type BodyShape = '4.4' | '4.5' | '4.6';

/** The request an event belongs to (`request` in 4.6 bodies; `request_id` in all). */
export interface RequestInfo {
  id: string;
  method: string;
  path: string;
  user: string;
}

/** A webhook body exactly as NetBox would POST it (before JSON encoding). */
export interface WebhookEnvelope {
  event: EventKind;
  timestamp: string;
  object_type: ObjectType;
  /** NetBox 4.4 only. */
  model?: string;
  username: string;
  request_id: string;
  data: Json;
  /** NetBox 4.6+ only. */
  request?: RequestInfo;
  snapshots: { prechange: Json | null; postchange: Json | null };
}

/** Current REST data (relative URLs) and model dump of a live object; null when it no longer exists. */
export type Resolver = (objectType: ObjectType, id: number) => { data: Json; postchange: Json } | null;

interface Entry {
  objectType: ObjectType;
  id: number;
  event: EventKind;
  prechange: Json | null;
  /** For deletes: `data` serialised before the row disappeared. */
  frozenData: Json | null;
}

/** One request's queue. */
export class EventQueue {
  private readonly entries = new Map<string, Entry>();

  constructor(readonly request: RequestInfo) {}

  /**
   * Queues an event. `prechange` is the snapshot taken before the change, or null when the object was
   * saved as a side effect without `snapshot()` (serial bumps, SOA rewrites, fqdn re-saves).
   */
  add(objectType: ObjectType, id: number, event: EventKind, prechange: Json | null, frozenData: Json | null = null): void {
    const key = `${objectType}:${id}`;
    const existing = this.entries.get(key);
    if (existing) {
      if (event === 'deleted') {
        existing.event = 'deleted';
        existing.frozenData = frozenData;
      }
      return;
    }
    this.entries.set(key, { objectType, id, event, prechange, frozenData });
  }

  get size(): number {
    return this.entries.size;
  }

  /** Builds the webhook bodies, in first-seen order. */
  envelopes(resolve: Resolver, shape: BodyShape, timestamp: string): WebhookEnvelope[] {
    const out: WebhookEnvelope[] = [];
    for (const entry of this.entries.values()) {
      const live = entry.event === 'deleted' ? null : resolve(entry.objectType, entry.id);
      const data = live?.data ?? entry.frozenData;
      if (data === null) continue; // created and deleted within one request: nothing left to describe
      const envelope: WebhookEnvelope = {
        event: entry.event,
        timestamp,
        object_type: entry.objectType,
        username: this.request.user,
        request_id: this.request.id,
        data,
        request: this.request,
        snapshots: { prechange: entry.prechange, postchange: live?.postchange ?? null },
      };
      out.push(shapeEnvelope(envelope, shape));
    }
    return out;
  }
}

/** Orders keys as NetBox's context dict does for the chosen release. */
function shapeEnvelope(e: WebhookEnvelope, shape: BodyShape): WebhookEnvelope {
  const base = { event: e.event, timestamp: e.timestamp, object_type: e.object_type };
  const model = shape === '4.4' ? { model: e.object_type.split('.')[1] ?? '' } : {};
  const tail = { username: e.username, request_id: e.request_id, data: e.data };
  const request = shape === '4.6' && e.request ? { request: { ...e.request } } : {};
  return { ...base, ...model, ...tail, ...request, snapshots: e.snapshots };
}

/** Python `datetime.isoformat()` of an aware UTC time: microseconds and `+00:00`. */
export function pythonTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '000+00:00');
}

/** `X-Hook-Signature`: lowercase hex HMAC-SHA512 of the exact body bytes, keyed by the secret (UTF-8). */
export function signWebhook(body: string, secret: string): string {
  return createHmac('sha512', Buffer.from(secret, 'utf8')).update(Buffer.from(body, 'utf8')).digest('hex');
}

/**
 * Encodes like Python's `json.dumps(obj)`: separators `", "` and `": "`, non-ASCII escaped as `\uXXXX`,
 * so tests can produce the exact bytes NetBox signs.
 */
export function serializeWebhook(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return JSON.stringify(value).replace(/[\u0080-\uffff]/g, escapeUnit);
  if (typeof value === 'number' || typeof value === 'boolean') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(serializeWebhook).join(', ')}]`;
  if (typeof value === 'object') {
    const parts = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${serializeWebhook(k)}: ${serializeWebhook(v)}`);
    return `{${parts.join(', ')}}`;
  }
  return 'null';
}

function escapeUnit(ch: string): string {
  return `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`;
}
