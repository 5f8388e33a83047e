/**
 * The per-zone keyed lock. Event tasks, the cron full reconcile, `POST /sync` and the startup
 * reconcile all take it, so one zone is never read-diffed-written by two tasks at once (DESIGN.md
 * "One path for all work"). The work queue already never runs one key twice; this lock is what
 * serialises the queue against the paths that do not go through it.
 *
 * Built on async-lock, with the lock monitoring of the original connector: a debug line on acquire
 * with the wait, a warning (and a contention event) once a waiter has waited `warnAfterMs`, and at
 * `timeoutMs` an error line and a `TerminalError('lock timeout …')` for the waiter.
 *
 * Why the timeout is ours and not async-lock's `timeout` option: that option uses the global
 * `setTimeout`, which tests cannot drive with an injected clock. Ours uses `Clock.setTimer`. A
 * timed-out waiter stays in async-lock's internal queue until its turn, and then returns at once
 * without calling `fn`, so a timed-out task never runs late behind the caller's back.
 * `maxExecutionTime` is never used: it releases the lock while `fn` keeps running (style anchors §8).
 */
import AsyncLock from 'async-lock';
import type { Clock } from '../util/clock.js';
import { TerminalError, serializeError } from '../util/errors.js';
import type { Logger } from '../util/log.js';

/** Receives lock timings, e.g. for `netbox_pdns_lock_wait_seconds`. Methods must not throw. */
export interface ZoneLockObserver {
  /** Seconds a task waited for the lock (on acquire, or the timeout on a lock timeout). */
  waited(seconds: number): void;
  /** Seconds a task held the lock, reported when `fn` settles. */
  held(seconds: number): void;
  /** A waiter has waited longer than `warnAfterMs`. */
  contention(): void;
}

export interface ZoneLockOptions {
  clock: Clock;
  logger: Logger;
  /** Wait after which a warning is logged and a contention event counted (default 1000). 0 disables. */
  warnAfterMs: number;
  /** Wait after which the waiter fails with a terminal lock timeout (default 30000). 0 disables. */
  timeoutMs: number;
  observer?: ZoneLockObserver;
}

export interface ZoneLock {
  /**
   * Runs `fn` holding `zone`'s lock and returns its result. Rejects with `fn`'s error, or with a
   * `TerminalError` when the lock was not acquired within `timeoutMs` (then `fn` never runs).
   * `context` (e.g. `{ trigger: 'cron', reconcileId }`) is added to every log line of this task.
   */
  run<T>(zone: string, fn: () => Promise<T>, context?: Record<string, unknown>): Promise<T>;
  /** True while some task holds `zone`'s lock. */
  isLocked(zone: string): boolean;
  stats(): { contentionEvents: number };
}

/** Returned by the lock body of a waiter that timed out, instead of running its `fn`. */
const SKIPPED: unique symbol = Symbol('skipped');

interface Holder {
  since: number;
  context: Record<string, unknown>;
}

const seconds = (ms: number): number => ms / 1000;

/** Creates a per-zone lock. One instance is shared by every path that touches a zone. */
export function createZoneLock(opts: ZoneLockOptions): ZoneLock {
  const { clock, warnAfterMs, timeoutMs } = opts;
  const logger = opts.logger.child({ component: 'lock' });
  // No maxPending limit: waiters are bounded by workers + cron + /sync callers, and a limit would
  // turn a slow zone into "Too many pending tasks" errors rather than our own lock timeout.
  const lock = new AsyncLock({ maxPending: Infinity });
  const holders = new Map<string, Holder>();
  let contentionEvents = 0;

  const notify = (call: (o: ZoneLockObserver) => void): void => {
    if (opts.observer === undefined) return;
    try {
      call(opts.observer);
    } catch (err) {
      logger.warn('lock: observer failed', { error: serializeError(err) });
    }
  };

  function run<T>(zone: string, fn: () => Promise<T>, context: Record<string, unknown> = {}): Promise<T> {
    const fields = { ...context, zone };
    const requestedAt = clock.monotonic();
    let state: 'waiting' | 'holding' | 'timed-out' = 'waiting';

    return new Promise<T>((resolve, reject) => {
      const holderFields = (): Record<string, unknown> => {
        const holder = holders.get(zone);
        if (holder === undefined) return {};
        return { holder: holder.context, held_seconds: seconds(clock.monotonic() - holder.since) };
      };

      const cancelWarn =
        warnAfterMs > 0
          ? clock.setTimer(() => {
              if (state !== 'waiting') return;
              contentionEvents += 1;
              notify((o) => o.contention());
              logger.warn(`lock: waiting for zone ${zone} for more than ${seconds(warnAfterMs)}s`, {
                ...fields,
                waited_seconds: seconds(clock.monotonic() - requestedAt),
                ...holderFields(),
              });
            }, warnAfterMs)
          : () => undefined;

      const cancelTimeout =
        timeoutMs > 0
          ? clock.setTimer(() => {
              if (state !== 'waiting') return;
              state = 'timed-out';
              cancelWarn();
              const waited = seconds(clock.monotonic() - requestedAt);
              notify((o) => o.waited(waited));
              logger.error(`lock: timeout waiting for zone ${zone} after ${waited}s`, {
                ...fields,
                waited_seconds: waited,
                ...holderFields(),
              });
              reject(new TerminalError(`lock timeout for zone ${zone} after ${waited}s`));
            }, timeoutMs)
          : () => undefined;

      // Zero-argument async body: async-lock runs a one-argument fn in callback mode.
      const body = async (): Promise<T | typeof SKIPPED> => {
        if (state === 'timed-out') return SKIPPED;
        state = 'holding';
        cancelWarn();
        cancelTimeout();
        const acquiredAt = clock.monotonic();
        const waited = seconds(acquiredAt - requestedAt);
        notify((o) => o.waited(waited));
        logger.debug(`lock: acquired zone ${zone}`, { ...fields, waited_seconds: waited });
        holders.set(zone, { since: acquiredAt, context });
        try {
          return await fn();
        } finally {
          holders.delete(zone);
          const held = seconds(clock.monotonic() - acquiredAt);
          notify((o) => o.held(held));
          logger.debug(`lock: released zone ${zone}`, { ...fields, held_seconds: held });
        }
      };

      // Settle the caller only once async-lock has released, so a caller that immediately takes
      // the same zone again simply queues behind nothing.
      lock.acquire(zone, body).then(
        (value) => {
          if (value !== SKIPPED) resolve(value);
        },
        (err: unknown) => {
          cancelWarn();
          cancelTimeout();
          reject(err);
        },
      );
    });
  }

  return {
    run,
    isLocked: (zone) => holders.has(zone),
    stats: () => ({ contentionEvents }),
  };
}
