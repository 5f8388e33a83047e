/**
 * Recognises our own webhook republications when they come back from the broker, so that one NetBox
 * event is counted once, as a webhook, and not a second time as an MQTT message. Bounded: entries
 * expire after `ttlMs` (the round trip through the broker takes milliseconds) and at most
 * `maxEntries` are kept. Other daemons sharing the broker never saw the webhook and count the MQTT
 * message, which is right for them.
 */
import { createHash } from 'node:crypto';
import type { Clock } from '../util/clock.js';

export interface EchoFilter {
  /** Notes a payload we are about to publish. */
  published(payload: Buffer): void;
  /** True (once) when `payload` is one we published within the TTL. */
  isEcho(payload: Buffer): boolean;
}

export function createEchoFilter(clock: Clock, opts: { ttlMs?: number; maxEntries?: number } = {}): EchoFilter {
  const ttlMs = opts.ttlMs ?? 60_000;
  const max = opts.maxEntries ?? 10_000;
  const seen = new Map<string, number>();
  const digest = (payload: Buffer): string => createHash('sha256').update(payload).digest('base64');
  const prune = (now: number): void => {
    for (const [key, at] of seen) {
      if (now - at < ttlMs && seen.size <= max) break;
      seen.delete(key);
    }
  };
  return {
    published(payload) {
      const now = clock.monotonic();
      prune(now);
      seen.set(digest(payload), now);
    },
    isEcho(payload) {
      const key = digest(payload);
      const at = seen.get(key);
      if (at === undefined) return false;
      seen.delete(key);
      return clock.monotonic() - at < ttlMs;
    },
  };
}
