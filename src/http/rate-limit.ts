/**
 * Token-bucket rate limiter for the write endpoints (POST /sync, POST /webhook). One bucket per key
 * (the caller joins client address and route), holding at most a minute's worth of tokens and
 * refilled continuously, so a client may burst up to `perMinute` and then gets one request every
 * 60/perMinute seconds. Time comes from the injected clock so tests move it instead of sleeping.
 *
 * Memory is bounded: a bucket left alone long enough to refill completely is indistinguishable from
 * a new one, so it is dropped; when more than `maxKeys` buckets are live the least recently used go.
 */
import type { Clock } from '../util/clock.js';

export interface RateLimiter {
  /** Takes one token for `key`: true when the request may go ahead. */
  take(key: string): boolean;
  /** Whole seconds until `key` has a token again (at least 1), for `Retry-After`. */
  retryAfterSeconds(key: string): number;
  /** Buckets held in memory (for tests). */
  size(): number;
}

export interface RateLimiterOptions {
  /** Sustained requests per minute per key; also the burst size. */
  perMinute: number;
  clock: Clock;
  /** Most buckets kept at once (default 10 000). */
  maxKeys?: number;
}

interface Bucket {
  tokens: number;
  /** Monotonic ms of the last refill. */
  at: number;
}

export function createRateLimiter(opts: RateLimiterOptions): RateLimiter {
  if (!(opts.perMinute > 0)) throw new Error(`rate limit must be positive, got ${opts.perMinute}`);
  const { clock } = opts;
  const capacity = opts.perMinute;
  const perMs = opts.perMinute / 60_000;
  const fullAfterMs = capacity / perMs;
  const maxKeys = Math.max(1, opts.maxKeys ?? 10_000);
  const buckets = new Map<string, Bucket>();

  /** Current bucket for `key`, refilled to now; moved to the back of the LRU order. */
  function bucketOf(key: string, now: number): Bucket {
    const existing = buckets.get(key);
    const bucket: Bucket = existing === undefined
      ? { tokens: capacity, at: now }
      : { tokens: Math.min(capacity, existing.tokens + (now - existing.at) * perMs), at: now };
    buckets.delete(key);
    buckets.set(key, bucket);
    return bucket;
  }

  function evict(now: number): void {
    if (buckets.size <= maxKeys) return;
    for (const [key, b] of buckets) {
      if (now - b.at >= fullAfterMs) buckets.delete(key);
    }
    // Still too many active clients: drop the least recently seen (they get a fresh bucket).
    const target = Math.max(1, Math.floor(maxKeys * 0.9));
    for (const key of buckets.keys()) {
      if (buckets.size <= target) break;
      buckets.delete(key);
    }
  }

  return {
    take(key) {
      const now = clock.monotonic();
      const bucket = bucketOf(key, now);
      evict(now);
      if (bucket.tokens < 1) return false;
      bucket.tokens -= 1;
      return true;
    },
    retryAfterSeconds(key) {
      const bucket = buckets.get(key);
      if (bucket === undefined) return 1;
      const tokens = Math.min(capacity, bucket.tokens + (clock.monotonic() - bucket.at) * perMs);
      return Math.max(1, Math.ceil((1 - tokens) / perMs / 1000));
    },
    size: () => buckets.size,
  };
}
