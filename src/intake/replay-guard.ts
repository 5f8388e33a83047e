/**
 * Replay protection for POST /webhook. A signed body stays valid forever, so a captured one could be
 * sent again at will, each time costing a zone task or a full reconcile. Two checks close that:
 *
 * - Freshness: NetBox stamps each body (`timestamp`, the time of the change, Python isoformat with a
 *   UTC offset). Bodies older than the window, or further ahead of our clock than CLOCK_SKEW_MS, are
 *   `stale`. The signature covers the timestamp, so it cannot be refreshed without the secret.
 * - Uniqueness: inside the window, the digest of every admitted body is remembered until the body
 *   would be stale anyway; the same bytes again are `replayed`. Memory is bounded twice: entries
 *   leave when their window ends, and at most `maxEntries` are kept (the oldest go first, so only a
 *   flood of more distinct signed bodies than that could push one out early).
 *
 * Time is the injected clock's wall time (`now()`): the body's timestamp is wall time too.
 */
import { createHash } from 'node:crypto';
import type { Clock } from '../util/clock.js';

/** How far a body's timestamp may be ahead of our clock (NetBox's and our clocks differ a little). */
export const CLOCK_SKEW_MS = 60_000;

/** Default bound on remembered bodies. */
const MAX_ENTRIES = 100_000;

/** An ISO 8601 time with an explicit offset: a naive time would be read in our local zone. */
const AWARE_ISO_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:?\d{2})$/i;

export type ReplayVerdict =
  | { ok: true; /** Forgets the body again (when it could not be handed on, so a retry is no replay). */ undo(): void }
  | { ok: false; reason: 'stale' | 'replayed' | 'invalid_shape'; detail: string };

export interface ReplayGuard {
  /** Checks a body that passed authentication and validation; remembers it when admitted. */
  admit(rawBody: Buffer, timestamp: unknown): ReplayVerdict;
  /** Bodies remembered now (for tests and bounds checks). */
  size(): number;
}

export interface ReplayGuardOptions {
  /** The freshness window in ms; 0 turns both checks off. */
  maxAgeMs: number;
  clock: Clock;
  /** Most bodies remembered at once (default 100 000). */
  maxEntries?: number;
}

export function createReplayGuard(opts: ReplayGuardOptions): ReplayGuard {
  const { maxAgeMs, clock } = opts;
  const maxEntries = Math.max(1, opts.maxEntries ?? MAX_ENTRIES);
  /** Digest → wall ms at which the body turns stale. Insertion order ≈ expiry order. */
  const seen = new Map<string, number>();

  function prune(now: number): void {
    // Cheap path: entries arrive roughly in timestamp order, so expired ones sit at the front.
    for (const [key, expires] of seen) {
      if (expires > now) break;
      seen.delete(key);
    }
    if (seen.size < maxEntries) return;
    for (const [key, expires] of seen) if (expires <= now) seen.delete(key);
    for (const key of seen.keys()) {
      if (seen.size < maxEntries) break;
      seen.delete(key);
    }
  }

  return {
    admit(rawBody, timestamp) {
      if (maxAgeMs <= 0) return { ok: true, undo: () => undefined };
      if (typeof timestamp !== 'string' || !AWARE_ISO_TIME.test(timestamp) || Number.isNaN(Date.parse(timestamp))) {
        return { ok: false, reason: 'invalid_shape', detail: 'timestamp must be an ISO 8601 time with a UTC offset' };
      }
      const at = Date.parse(timestamp);
      const now = clock.now();
      if (now - at > maxAgeMs) {
        return { ok: false, reason: 'stale', detail: `timestamp is ${Math.round((now - at) / 1000)} s old, more than the ${maxAgeMs / 1000} s allowed` };
      }
      if (at - now > CLOCK_SKEW_MS) {
        return { ok: false, reason: 'stale', detail: `timestamp is ${Math.round((at - now) / 1000)} s ahead of our clock` };
      }
      prune(now);
      const key = createHash('sha256').update(rawBody).digest('base64');
      if (seen.has(key)) return { ok: false, reason: 'replayed', detail: 'this exact body was accepted before' };
      seen.set(key, at + maxAgeMs);
      return { ok: true, undo: () => void seen.delete(key) };
    },
    size: () => seen.size,
  };
}
