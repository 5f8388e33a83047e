/**
 * The original connector's compact zone message: topic `<prefix>/<zone>/<event>`, payload
 * `{zone, serial, event, timestamp, nameserver_ids?}`. Unlike the original we do not drop
 * messages older than five minutes: a zone task is level-triggered, so an old message costs one
 * harmless re-read, while dropping it after a broker outage would lose the change until cron.
 */
import { schemaProblem, validateCompact } from './schemas.js';
import { comparableZone } from './zone-name.js';
import { isRejection, zoneKey } from './keys.js';
import { truncate } from './payload.js';
import { ignore, reject, type Interpretation } from './types.js';

export const COMPACT_EVENTS = ['create', 'update', 'delete'] as const;

/** Interpret a parsed compact payload that arrived on `<prefix>/<topicZone>/<topicEvent>`. */
export function interpretCompact(
  topicZone: string,
  topicEvent: string,
  body: unknown,
  nameserverIds: readonly number[],
): Interpretation {
  if (!validateCompact(body)) {
    return reject('invalid_shape', `compact message ${schemaProblem(validateCompact.errors)}`);
  }
  // Zone names compare case-insensitively and with or without the trailing dot.
  if (comparableZone(topicZone) !== comparableZone(body.zone)) {
    return reject(
      'topic_mismatch',
      `topic zone ${truncate(JSON.stringify(topicZone), 80)}, payload zone ${truncate(JSON.stringify(body.zone), 80)}`,
    );
  }
  if (topicEvent !== body.event) {
    return reject(
      'topic_mismatch',
      `topic event ${truncate(JSON.stringify(topicEvent), 40)}, payload event ${truncate(JSON.stringify(body.event), 40)}`,
    );
  }
  const event = body.event;
  if (!(COMPACT_EVENTS as readonly string[]).includes(event)) {
    return ignore('unsupported_event', `compact ${truncate(JSON.stringify(event), 40)}`);
  }
  const key = zoneKey(body.zone, event === 'delete', 'zone');
  if (isRejection(key)) return key;
  const ids = body.nameserver_ids;
  if (ids !== undefined && ids !== null && !ids.some((id) => nameserverIds.includes(id))) {
    return ignore('other_nameserver', `compact ${event} ${key.zone}: nameserver_ids lacks ${nameserverIds.join(', ')}`);
  }
  return { kind: 'zones', zones: [key], source: 'compact', model: 'zone', event };
}
