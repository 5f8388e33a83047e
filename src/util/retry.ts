/**
 * The one backoff wrapper every upstream call goes through (DESIGN.md "Reliability", style anchors
 * §6–8). Built on exponential-backoff for the attempt loop, but with our own delay: the library only
 * offers "none" or "full" jitter, and its delays use the global setTimeout, which unit tests cannot
 * drive. So the library's own delay is 0 and the async `retry(e, attempt)` predicate classifies the
 * failure, logs, reports to the observer and then sleeps on the injected Clock.
 *
 * Only transient failures (network error, timeout, 429, 5xx, as decided by `errorClass`) are retried;
 * anything else is rethrown at once and logged by the caller. got's own retry must stay off.
 */
import { backOff } from 'exponential-backoff';
import { errorClass, errorMessage, UpstreamError, type Upstream } from './errors.js';
import { systemClock, type Clock } from './clock.js';
import type { Logger } from './log.js';
import { nullObserver, type UpstreamObserver } from './observer.js';
import type { Retrier } from './retrier.js';

export type { Retrier } from './retrier.js';

export interface RetrierOptions {
  /** Total attempts, the first included (default policy 3). */
  attempts: number;
  /** Nominal delay before the second attempt (1000 ms). */
  baseDelayMs: number;
  /** Growth per attempt (2). */
  factor: number;
  /** Cap for any delay, Retry-After included (60 000 ms). */
  maxDelayMs: number;
  /** When true each delay is uniformly 50–100 % of nominal, so clients that failed together spread out. */
  jitter: boolean;
  logger: Logger;
  clock?: Clock;
  /** Source of randomness in [0, 1) for the jitter (tests pin it). */
  random?: () => number;
  observer?: UpstreamObserver;
  upstream: Upstream;
  /** Checked before each retry and after each backoff sleep: a stopping daemon does not keep retrying. */
  isStopping?: () => boolean;
}

/**
 * Property under which an HTTP client attaches a parsed `Retry-After` to the error it throws (see
 * `withRetryAfter`). `UpstreamError.details` has no field for it (shared file), so it rides on the
 * error object itself.
 */
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
  const random = opts.random ?? Math.random;
  const observer = opts.observer ?? nullObserver;
  const attempts = Math.max(1, Math.floor(opts.attempts));
  const stopping = (): boolean => opts.isStopping?.() === true;

  /** Delay before attempt `failed + 1`, after `failed` failures (1-based). */
  function delayFor(failed: number, err: unknown): number {
    const nominal = Math.min(opts.maxDelayMs, opts.baseDelayMs * opts.factor ** (failed - 1));
    const jittered = opts.jitter ? nominal * (0.5 + 0.5 * random()) : nominal;
    const retryAfter = retryAfterOf(err);
    // Retry-After is the server's minimum; our own backoff still applies when it is shorter.
    const wanted = retryAfter === undefined ? jittered : Math.max(jittered, retryAfter);
    return Math.round(Math.min(opts.maxDelayMs, wanted));
  }

  return {
    run<T>(operation: string, fn: () => Promise<T>, context: Record<string, unknown> = {}): Promise<T> {
      return backOff(fn, {
        numOfAttempts: attempts,
        startingDelay: 0,
        timeMultiple: 1,
        maxDelay: 0,
        jitter: 'none',
        delayFirstAttempt: false,
        retry: async (err: unknown, failed: number): Promise<boolean> => {
          // Terminal, auth and zone-missing failures are the caller's to log and handle.
          if (errorClass(err) !== 'transient') return false;
          const reason = errorMessage(err);
          const meta = { ...context, upstream: opts.upstream, operation, attempt: failed, attempts };
          if (failed >= attempts) {
            opts.logger.error(`Function ${operation} failed after ${attempts} attempts: ${reason}`, meta);
            return false;
          }
          if (stopping()) {
            opts.logger.warn(`Function ${operation} failed (attempt ${failed}/${attempts}): ${reason}. Not retrying: shutting down`, meta);
            return false;
          }
          const delayMs = delayFor(failed, err);
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
          return !stopping();
        },
      });
    },
  };
}
