/**
 * MQTT topic layout. NetBox envelopes live under `<eventsPrefix>/<app_label>/<model>/<event>`, a
 * layout of our own (no ecosystem convention exists, reference §4.3) chosen so that brokers can
 * ACL or bridge by model. Compact messages keep the original connector's `<prefix>/<zone>/<event>`.
 */
import type { WebhookEnvelope } from './schemas.js';

/** The event names NetBox puts in webhook bodies; Event Rules use `object_*` for the same. */
export const NETBOX_EVENTS = ['created', 'updated', 'deleted'] as const;
export type NetboxEvent = (typeof NETBOX_EVENTS)[number];

/** Models of netbox_dns that ≤4.3 bodies (bare `model`) can be attributed to without ambiguity. */
const DNS_ONLY_MODELS = new Set(['record', 'zone', 'nameserver', 'view', 'zonetemplate', 'recordtemplate']);

/** App label used in topics when a ≤4.3 body names a model we cannot attribute to an app. */
export const UNKNOWN_APP_LABEL = 'unknown';

const SEGMENT = /^[a-z][a-z0-9_]*$/;

export type TopicRoute =
  | { form: 'netbox'; appLabel: string; model: string; event: string }
  | { form: 'compact'; zone: string; event: string }
  | { form: 'unknown'; detail: string };

/** `object_created` → `created`; anything else unchanged (and later judged unsupported if unknown). */
export function normaliseEvent(event: string): string {
  return event.startsWith('object_') ? event.slice('object_'.length) : event;
}

export function isNetboxEvent(event: string): event is NetboxEvent {
  return (NETBOX_EVENTS as readonly string[]).includes(event);
}

/** `(app_label, model)` a validated envelope is about; app label guessed for ≤4.3 bodies. */
export function envelopeModel(envelope: WebhookEnvelope): { appLabel: string; model: string } {
  if (envelope.object_type !== undefined) {
    const [appLabel = '', model = ''] = envelope.object_type.split('.');
    return { appLabel, model };
  }
  const model = envelope.model ?? '';
  return { appLabel: DNS_ONLY_MODELS.has(model) ? 'netbox_dns' : UNKNOWN_APP_LABEL, model };
}

/**
 * Topic the HTTP webhook intake republishes a validated envelope on, e.g.
 * `netbox/netbox_dns/record/updated`. Every segment is safe: the schema restricts the characters.
 */
export function webhookTopic(eventsPrefix: string, envelope: WebhookEnvelope): string {
  const { appLabel, model } = envelopeModel(envelope);
  return `${trimSlashes(eventsPrefix)}/${appLabel}/${model}/${normaliseEvent(envelope.event)}`;
}

/** The MQTT subscription filters for both message forms. */
export function subscriptionFilters(eventsPrefix: string, compactPrefix: string): string[] {
  return [`${trimSlashes(eventsPrefix)}/#`, `${trimSlashes(compactPrefix)}/#`];
}

/**
 * Which form a topic belongs to. When one prefix is a prefix of the other, the longer one wins.
 * A compact topic's zone is everything between the prefix and the last level, so an RFC 2317
 * zone (`0/26.2.0.192.in-addr.arpa`) survives if a broker delivers it.
 */
export function routeTopic(topic: string, eventsPrefix: string, compactPrefix: string): TopicRoute {
  const candidates = [
    { form: 'netbox' as const, prefix: `${trimSlashes(eventsPrefix)}/` },
    { form: 'compact' as const, prefix: `${trimSlashes(compactPrefix)}/` },
  ].sort((a, b) => b.prefix.length - a.prefix.length);
  const match = candidates.find((c) => topic.startsWith(c.prefix));
  if (match === undefined) return { form: 'unknown', detail: 'topic is under neither prefix' };
  const levels = topic.slice(match.prefix.length).split('/');
  if (match.form === 'netbox') {
    const [appLabel, model, event] = levels;
    if (levels.length !== 3 || appLabel === undefined || model === undefined || event === undefined) {
      return { form: 'unknown', detail: 'expected <prefix>/<app_label>/<model>/<event>' };
    }
    if (![appLabel, model, event].every((s) => SEGMENT.test(s))) {
      return { form: 'unknown', detail: 'topic levels must be lower-case identifiers' };
    }
    return { form: 'netbox', appLabel, model, event };
  }
  const event = levels.pop();
  const zone = levels.join('/');
  if (event === undefined || event === '' || zone === '') {
    return { form: 'unknown', detail: 'expected <prefix>/<zone>/<event>' };
  }
  return { form: 'compact', zone, event };
}

function trimSlashes(prefix: string): string {
  return prefix.replace(/^\/+|\/+$/g, '');
}
