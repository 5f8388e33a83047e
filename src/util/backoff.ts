/**
 * The one backoff policy of the daemon: failure count → delay. Every retry loop uses it with its own
 * parameters: upstream calls (1 s doubling to 60 s, jittered), per-zone requeues (5 s → 5 min),
 * failed full reconciles (30 s → 10 min) and MQTT reconnects (5 s → 60 s).
 *
 * Jitter, when on, draws each delay uniformly from 50–100 % of nominal: clients that failed
 * together spread out, and no delay collapses to ~0 the way "full" jitter (0–100 %) allows, which
 * would hammer a server that is just coming back.
 */

export interface BackoffPolicy {
  /** Delay after the first failure, in ms. */
  baseDelayMs: number;
  /** Growth per further failure (2 = doubling). */
  factor: number;
  /** Cap of any delay, a server's Retry-After included. */
  maxDelayMs: number;
  jitter: boolean;
  /** Randomness in [0, 1) for the jitter (tests pin it). */
  random?: () => number;
}

/**
 * The delay before the next attempt after `failures` consecutive failures (1 = the first).
 * `atLeastMs` is a server's own minimum (Retry-After): honoured, but never beyond the cap.
 */
export function backoffDelay(policy: BackoffPolicy, failures: number, atLeastMs = 0): number {
  const nominal = Math.min(policy.maxDelayMs, policy.baseDelayMs * policy.factor ** Math.max(0, failures - 1));
  const jittered = policy.jitter ? nominal * (0.5 + 0.5 * (policy.random ?? Math.random)()) : nominal;
  return Math.round(Math.min(policy.maxDelayMs, Math.max(jittered, atLeastMs)));
}
