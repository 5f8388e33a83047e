/**
 * The one retry wrapper every upstream call goes through (DESIGN.md "Reliability"): attempt,
 * classify, and on a transient failure (network error, timeout, 429, 5xx, as `errorClass` decides)
 * log, report and sleep on the injected Clock before the next attempt; anything else is rethrown at
 * once for the caller to handle. The delay comes from the daemon's one backoff policy
 * (util/backoff.ts), at least the server's Retry-After on 429/503. got's own retry stays off.
 *
 * Why no exponential-backoff: it sleeps on the global setTimeout (tests could not drive it with an
 * injected clock), offers only "none" or "full" jitter, and knows nothing of Retry-After; used
 * with a zero delay it was only an attempt counter, which this loop is in a few lines.
 */
import { errorClass, errorMessage, UpstreamError, type Upstream } from '../util/errors.js';
import { backoffDelay, type BackoffPolicy } from '../util/backoff.js';
import { systemClock, type Clock } from '../util/clock.js';
import type { Logger } from '../util/log.js';
import { nullObserver, type UpstreamObserver } from './observer.js';

/** The shape of the retry wrapper as the HTTP clients use it. */
export interface Retrier {
  /**
   * Runs `fn`, retrying transient failures with backoff; `operation` names it in logs, `context`
   * (e.g. `{ zone }`) is added to every retry log line.
   */
  run<T>(operation: string, fn: () => Promise<T>, context?: Record<string, unknown>): Promise<T>;
}

/** The backoff policy of the retries (1 s doubling to 60 s, jittered, by default) plus the attempt limit. */
export interface RetrierOptions extends BackoffPolicy {
  /** Total attempts, the first included (default policy 3). */
  attempts: number;
  logger: Logger;
  clock?: Clock;
  observer?: UpstreamObserver;
  upstream: Upstream;
  /** Checked before each retry and after each backoff sleep: a stopping daemon does not keep retrying. */
  isStopping?: () => boolean;
}

/** Property under which the upstream exchange attaches a parsed `Retry-After` to the error it throws. */
export interface RetryAfterCarrier {
  retryAfterMs?: number;
}

/**
 * Parses a `Retry-After` header (delta-seconds or an HTTP date, RFC 9110 §10.2.3) into milliseconds.
 * Returns undefined for a missing or unparseable value.
 */
export function parseRetryAfter(value: string | string[] | undefined, nowMs: number = Date.now()): number | undefined {
  const raw = Array.isArray(value) ? value[0] : value;
  if (raw === undefined || raw.trim() === '') return undefined;
  if (/^\s*\d+\s*$/.test(raw)) return Number(raw.trim()) * 1000;
  const date = Date.parse(raw);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

/** Attaches a parsed `Retry-After` to an error so the retrier can honour it; returns the same error. */
export function withRetryAfter<E extends Error>(err: E, header: string | string[] | undefined): E {
  const ms = parseRetryAfter(header);
  if (ms !== undefined) (err as E & RetryAfterCarrier).retryAfterMs = ms;
  return err;
}

/** The `reason` label of a retry metric: why the attempt failed. */
export function retryReason(err: unknown): 'http_5xx' | 'http_429' | 'timeout' | 'network_error' {
  const status = err instanceof UpstreamError ? err.details.status : undefined;
  if (status === 429) return 'http_429';
  if (status !== undefined && status >= 500) return 'http_5xx';
  const code = err instanceof UpstreamError
    ? err.details.code
    : (typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined);
  if (status === 408 || code === 'timeout' || code === 'ETIMEDOUT' || code === 'ETIMEOUT') return 'timeout';
  return 'network_error';
}

/** The Retry-After an error carries, honoured only on 429 and 503 as RFC 9110 defines it. */
function retryAfterOf(err: unknown): number | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const ms = (err as RetryAfterCarrier).retryAfterMs;
  const status = err instanceof UpstreamError ? err.details.status : (err as { status?: unknown }).status;
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) return undefined;
  return status === 429 || status === 503 ? ms : undefined;
}

/** "1.2s": the delay as the retry log line shows it. */
function formatDelay(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

/** Creates the retrier; one per upstream, shared by all its calls. */
export function createRetrier(opts: RetrierOptions): Retrier {
  const clock = opts.clock ?? systemClock;
  const observer = opts.observer ?? nullObserver;
  const attempts = Math.max(1, Math.floor(opts.attempts));
  const stopping = (): boolean => opts.isStopping?.() === true;

  return {
    async run<T>(operation: string, fn: () => Promise<T>, context: Record<string, unknown> = {}): Promise<T> {
      for (let failed = 1; ; failed++) {
        try {
          return await fn();
        } catch (err) {
          // Terminal, auth and zone-missing failures are the caller's to log and handle.
          if (errorClass(err) !== 'transient') throw err;
          const reason = errorMessage(err);
          const meta = { ...context, upstream: opts.upstream, operation, attempt: failed, attempts };
          if (failed >= attempts) {
            opts.logger.error(`Function ${operation} failed after ${attempts} attempts: ${reason}`, meta);
            throw err;
          }
          if (stopping()) {
            opts.logger.warn(`Function ${operation} failed (attempt ${failed}/${attempts}): ${reason}. Not retrying: shutting down`, meta);
            throw err;
          }
          const delayMs = backoffDelay(opts, failed, retryAfterOf(err));
          opts.logger.warn(
            `Function ${operation} failed (attempt ${failed}/${attempts}): ${reason}. Retrying in ${formatDelay(delayMs)}`,
            { ...meta, delay_ms: delayMs },
          );
          try {
            observer.retry({ upstream: opts.upstream, operation, reason: retryReason(err), attempt: failed, delayMs });
          } catch {
            // An observer must never break the call it observes.
          }
          await clock.sleep(delayMs);
          if (stopping()) throw err;
        }
      }
    },
  };
}
