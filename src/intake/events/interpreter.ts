/**
 * The event intake's single entry point: one MQTT message in, one decision out. Pure (no I/O, no
 * clock) so it is table-tested, and total: whatever arrives, `interpret` returns a value and never
 * throws, because a throw in the MQTT message handler would stall the session (design principle 5:
 * bad input at run time is counted, logged once and dropped).
 */
import { interpretCompact } from './compact.js';
import { interpretEnvelope } from './netbox-envelope.js';
import { parsePayload, truncate } from './payload.js';
import { routeTopic, subscriptionFilters } from './topics.js';
import { reject, type EventInterpreterOptions, type Interpretation } from './types.js';

export interface EventInterpreter {
  /** MQTT topic filters to subscribe to: `<eventsPrefix>/#` and `<compactPrefix>/#` (not `+/+`: an RFC 2317 zone name holds a `/`, one more topic level). */
  subscriptions(): string[];
  /** Decide what one message asks of the daemon. Never throws. */
  interpret(topic: string, payload: Buffer | string): Interpretation;
}

export function createEventInterpreter(opts: EventInterpreterOptions): EventInterpreter {
  const { eventsPrefix, compactPrefix, maxPayloadBytes } = opts;
  const filter = { scopes: opts.scopes ?? [opts.viewId === undefined ? { nameserverId: opts.nameserverId } : { nameserverId: opts.nameserverId, viewId: opts.viewId }] };
  const filters = subscriptionFilters(eventsPrefix, compactPrefix);

  function interpretUnsafe(topic: string, payload: Buffer | string): Interpretation {
    const route = routeTopic(topic, eventsPrefix, compactPrefix);
    if (route.form === 'unknown') {
      return reject('unknown_topic', `${truncate(JSON.stringify(topic), 120)}: ${route.detail}`);
    }
    const parsed = parsePayload(payload, maxPayloadBytes);
    if (!parsed.ok) return parsed.rejection;
    if (route.form === 'compact') return interpretCompact(route.zone, route.event, parsed.value, filter.scopes.map((s) => s.nameserverId));
    return interpretEnvelope(route, parsed.value, filter);
  }

  return {
    subscriptions: () => [...filters],
    interpret(topic, payload) {
      try {
        return interpretUnsafe(topic, payload);
      } catch (err) {
        // Should be unreachable; kept so a bug here drops one message instead of the MQTT session.
        const message = err instanceof Error ? err.message : String(err);
        return reject('invalid_shape', `interpreter error: ${truncate(message, 200)}`);
      }
    },
  };
}
