/**
 * The keyed, coalescing work queue, with client-go `util/workqueue` semantics (style anchors §2):
 * - fair: keys run in FIFO order of their first pending add;
 * - stingy: adds of a waiting key collapse into one run (metas merged); a key never runs twice at once;
 * - an add while a key runs marks it dirty: exactly one more run after the current one, with the
 *   merged meta of everything that arrived meanwhile. A burst of any size costs at most two runs.
 * - per-key exponential failure backoff for transient failures (`ItemExponentialFailureRateLimiter`),
 *   reset on success (`Forget`); terminal failures are not requeued (`reconcile.TerminalError`), and
 *   forget the count too, so only keys being retried are counted.
 *
 * Decision, backoff vs fresh add: while a key waits on its backoff delay, a fresh `add` cancels the
 * delay and queues the key at once (meta merged). An event is new information, and the zone task is
 * level-triggered, so waiting out a delay computed for old information only adds latency. The
 * failure count is kept, so if that prompt run fails transiently again its next delay is longer.
 * The same holds when an add arrives during a run that ends in 'retry': the dirty rerun goes
 * promptly instead of after the delay. (client-go also runs such a key promptly, via `Add`.)
 *
 * Two lanes: work marked `background` (retries after a transient failure: the zones a failed full
 * reconcile left behind, or an event's run that failed) waits in its own FIFO lane, and fresh work
 * (events, API requests) goes first. Background work may hold at most `workers - 1` workers (with
 * more than one worker), so a flood of retries, or retries stuck on a slow upstream, never leaves
 * fresh work without a worker; and one background run may always start, so retries are never
 * starved by a steady stream of events. A fresh add for a key waiting in the background lane moves
 * it to the front lane.
 *
 * All waiting goes through the injected `Clock`. The queue knows nothing about zones, PowerDNS or
 * the zone lock: `process` (wired by the daemon) takes the lock and reconciles.
 */
import { backoffDelay, type BackoffPolicy } from '../util/backoff.js';
import type { Clock } from '../util/clock.js';
import { errorMessage, serializeError } from '../util/errors.js';
import type { Logger } from '../util/log.js';

/** What one run of a key came to. */
export type TaskOutcome = 'ok' | 'retry' | 'failed';

/**
 * What `add` did: queued anew, merged into a waiting run, or marked a running key dirty. After
 * `stop`/`drain` an add is refused: it returns 'coalesced' (absorbed, no new run) and its meta goes
 * to `onDrop`; `isStopped()` tells the two apart. (The three-value contract is what callers use.)
 */
export type AddResult = 'queued' | 'coalesced' | 'dirty';

/** Hooks for metrics. Methods must not throw (failures are logged and ignored). */
export interface WorkQueueObserver<M> {
  /** A new pending run was created (queued, or a running key marked dirty). */
  queued(key: string, meta: M): void;
  /** An add merged into an already pending run. */
  coalesced(key: string, meta: M): void;
  started(key: string, meta: M, waitedSeconds: number): void;
  /** `outcome` is 'failed' when `process` threw. */
  finished(key: string, meta: M, outcome: TaskOutcome, seconds: number): void;
  requeued(key: string, delayMs: number, failures: number): void;
}

export interface WorkQueueOptions<M> {
  /** Keys run concurrently (default 4): bounds the load put on PowerDNS. */
  workers: number;
  clock: Clock;
  logger: Logger;
  /** Runs one key. 'retry' = transient, requeue with backoff; 'failed' = terminal, wait for news. */
  process: (key: string, meta: M) => Promise<TaskOutcome>;
  /** Merges the meta of a coalesced add into the pending one (e.g. earliest event time, trigger union). */
  mergeMeta: (waiting: M, incoming: M) => M;
  /** Per-key delay after transient failures (default 5 s doubling to 5 min, no jitter). */
  backoff: BackoffPolicy;
  observer?: WorkQueueObserver<M>;
  /**
   * True for a pending run that is background work (e.g. only retries): it waits in the background
   * lane (see the header). Absent: everything is fresh work, one FIFO lane.
   */
  background?: (meta: M) => boolean;
  /**
   * Receives the meta of every run that will not happen because the queue stopped: pending runs
   * dropped by `stop`/`drain`, and adds refused afterwards. Lets the owner settle whatever the
   * meta carries (e.g. promises of `POST /sync` callers). Must not throw.
   */
  onDrop?: (key: string, meta: M) => void;
}

export interface DrainResult {
  /** True when every running task finished before the deadline. */
  completed: boolean;
  /** Keys that were waiting (queued, dirty or delayed) and will not run. */
  abandoned: string[];
  /** Keys whose task was still running at the deadline (empty when completed). */
  stillRunning: string[];
}

export interface WorkQueue<M> {
  add(key: string, meta: M): AddResult;
  /** Adds `key` after `delayMs`. If it is already delayed, the earlier deadline wins. */
  addAfter(key: string, meta: M, delayMs: number): void;
  /** Counts a transient failure of `key` that happened elsewhere and adds it after its backoff delay. */
  addRateLimited(key: string, meta: M): void;
  /** Keys that will run but are not running: queued, dirty (running and re-added) and delayed. */
  pending(): number;
  running(): number;
  /** True when the key is queued, running or delayed. */
  has(key: string): boolean;
  /** Consecutive transient failures of `key` since its last success or terminal failure. */
  failures(key: string): number;
  /** Resolves when nothing is pending, running or delayed. */
  idle(): Promise<void>;
  /** Stops taking work, drops what is pending, waits up to `deadlineMs` for running tasks. */
  drain(deadlineMs: number): Promise<DrainResult>;
  /** Stops taking work and drops what is pending; running tasks finish unobserved. */
  stop(): void;
  /** True once `stop` or `drain` was called: adds are refused from then on. */
  isStopped(): boolean;
}

interface Pending<M> {
  meta: M;
  /** Monotonic time of the first add of this pending run, for `waitedSeconds`. */
  since: number;
}

interface Delayed<M> {
  meta: M;
  dueAt: number;
  cancel: () => void;
}

/** Creates a queue. It starts taking work at once; constructing it does no I/O. */
export function createWorkQueue<M>(opts: WorkQueueOptions<M>): WorkQueue<M> {
  const { clock } = opts;
  const workers = Math.max(1, opts.workers);
  const logger = opts.logger.child({ component: 'queue' });

  // Invariants (as in client-go queue.go): every key in `order` or `backOrder` (never both) is in
  // `dirty` and not in `processing`;
  // a key in both `dirty` and `processing` is re-queued by `finish`; `delayed` keys are in neither.
  const order: string[] = [];
  /** The background lane: keys whose pending meta is background work (same invariants as `order`). */
  const backOrder: string[] = [];
  const dirty = new Map<string, Pending<M>>();
  const processing = new Map<string, M>();
  /** Running keys that were taken from the background lane. */
  const runningBackground = new Set<string>();
  const isBackground = (meta: M): boolean => opts.background?.(meta) === true;
  const maxBackground = workers > 1 ? workers - 1 : 1;
  /** Queues a waiting key in the lane its meta belongs to. */
  const line = (key: string, meta: M): void => void (isBackground(meta) ? backOrder : order).push(key);
  const delayed = new Map<string, Delayed<M>>();
  const failureCounts = new Map<string, number>();
  let stopped = false;
  let idleWaiters: Array<() => void> = [];
  let quietWaiters: Array<() => void> = [];

  const notify = (call: (o: WorkQueueObserver<M>) => void): void => {
    if (opts.observer === undefined) return;
    try {
      call(opts.observer);
    } catch (err) {
      logger.warn('queue: observer failed', { error: serializeError(err) });
    }
  };

  /** Wakes `idle()` and `drain()` waiters whose condition now holds. */
  const wake = (): void => {
    if (processing.size > 0) return;
    const quiet = quietWaiters;
    quietWaiters = [];
    quiet.forEach((w) => w());
    if (dirty.size === 0 && delayed.size === 0) {
      const idle = idleWaiters;
      idleWaiters = [];
      idle.forEach((w) => w());
    }
  };

  const pump = (): void => {
    while (!stopped && processing.size < workers) {
      // One background run may always start (no starvation); beyond that, fresh work first, and
      // background work only up to its share of the workers.
      const fromBack = backOrder.length > 0
        && ((runningBackground.size === 0 && workers > 1) || (order.length === 0 && runningBackground.size < maxBackground));
      if (!fromBack && order.length === 0) return;
      const key = (fromBack ? backOrder : order).shift() as string;
      const entry = dirty.get(key) as Pending<M>;
      dirty.delete(key);
      processing.set(key, entry.meta);
      if (fromBack) runningBackground.add(key);
      void runOne(key, entry);
    }
  };

  async function runOne(key: string, entry: Pending<M>): Promise<void> {
    const startedAt = clock.monotonic();
    notify((o) => o.started(key, entry.meta, (startedAt - entry.since) / 1000));
    let outcome: TaskOutcome;
    try {
      outcome = await opts.process(key, entry.meta);
    } catch (err) {
      outcome = 'failed';
      logger.error(`queue: task for ${key} threw: ${errorMessage(err)}`, { zone: key, error: serializeError(err) });
    }
    finish(key, entry.meta, outcome, (clock.monotonic() - startedAt) / 1000);
  }

  /** `Done` + the controller's result handling: forget, requeue with backoff, or leave alone. */
  function finish(key: string, meta: M, outcome: TaskOutcome, secs: number): void {
    processing.delete(key);
    runningBackground.delete(key);
    notify((o) => o.finished(key, meta, outcome, secs));
    if (outcome === 'ok' || outcome === 'failed') {
      // Success resets the backoff; so does a terminal failure, which is not retried (it waits for
      // news): the count only lives while the key is being retried, so keys never accumulate.
      failureCounts.delete(key);
    } else if (outcome === 'retry' && !stopped) {
      const failures = (failureCounts.get(key) ?? 0) + 1;
      failureCounts.set(key, failures);
      const delayMs = backoffDelay(opts.backoff, failures);
      if (dirty.has(key)) {
        // News arrived during the run: the dirty rerun below goes now (see the decision above).
        logger.debug(`queue: ${key} failed transiently; rerunning at once for newer adds`, { zone: key, failures });
      } else {
        notify((o) => o.requeued(key, delayMs, failures));
        logger.debug(`queue: requeue ${key} in ${delayMs / 1000}s`, { zone: key, failures, delay_ms: delayMs });
        schedule(key, meta, delayMs);
      }
    }
    const rerun = dirty.get(key);
    if (rerun !== undefined) line(key, rerun.meta);
    pump();
    wake();
  }

  /** Puts `key` on a delay timer, or moves its existing timer earlier. */
  function schedule(key: string, meta: M, delayMs: number): void {
    const dueAt = clock.monotonic() + delayMs;
    const existing = delayed.get(key);
    if (existing !== undefined) {
      existing.meta = opts.mergeMeta(existing.meta, meta);
      if (existing.dueAt <= dueAt) return;
      existing.cancel();
    }
    const merged = existing !== undefined ? existing.meta : meta;
    const cancel = clock.setTimer(() => {
      const current = delayed.get(key);
      if (current === undefined || current.cancel !== cancel) return;
      delayed.delete(key);
      enqueue(key, current.meta);
    }, delayMs);
    delayed.set(key, { meta: merged, dueAt, cancel });
  }

  /** Fresh work merged into a retry waiting in the background lane: it moves to the front lane. */
  function promote(key: string, merged: M): void {
    const i = isBackground(merged) ? -1 : backOrder.indexOf(key);
    if (i < 0) return;
    backOrder.splice(i, 1);
    order.push(key);
    pump();
  }

  /** The core of `add`, also used when a delay fires. */
  function enqueue(key: string, meta: M): AddResult {
    const waiting = dirty.get(key);
    if (waiting !== undefined) {
      waiting.meta = opts.mergeMeta(waiting.meta, meta);
      notify((o) => o.coalesced(key, meta));
      promote(key, waiting.meta);
      return processing.has(key) ? 'dirty' : 'coalesced';
    }
    let merged = meta;
    const backoff = delayed.get(key);
    if (backoff !== undefined) {
      // A fresh add overrides a pending delay: run now with both metas (decision in the header).
      backoff.cancel();
      delayed.delete(key);
      merged = opts.mergeMeta(backoff.meta, meta);
    }
    dirty.set(key, { meta: merged, since: clock.monotonic() });
    notify((o) => o.queued(key, merged));
    if (processing.has(key)) return 'dirty';
    line(key, merged);
    pump();
    return 'queued';
  }

  const drop = (key: string, meta: M): void => {
    try {
      opts.onDrop?.(key, meta);
    } catch (err) {
      logger.warn('queue: onDrop failed', { zone: key, error: serializeError(err) });
    }
  };

  /** After stop: nothing new runs; the meta is handed back through `onDrop`. */
  const refuse = (key: string, meta: M): void => {
    logger.debug(`queue: refused ${key}: stopping`, { zone: key });
    drop(key, meta);
  };

  function add(key: string, meta: M): AddResult {
    if (stopped) {
      refuse(key, meta);
      return 'coalesced';
    }
    return enqueue(key, meta);
  }

  function addAfter(key: string, meta: M, delayMs: number): void {
    if (stopped) {
      refuse(key, meta);
      return;
    }
    if (delayMs <= 0) {
      enqueue(key, meta);
      return;
    }
    const waiting = dirty.get(key);
    if (waiting !== undefined) {
      // It runs sooner than asked anyway; folding the meta in keeps the information.
      waiting.meta = opts.mergeMeta(waiting.meta, meta);
      notify((o) => o.coalesced(key, meta));
      promote(key, waiting.meta);
      return;
    }
    schedule(key, meta, delayMs);
  }

  function addRateLimited(key: string, meta: M): void {
    const failures = (failureCounts.get(key) ?? 0) + 1;
    failureCounts.set(key, failures);
    const delayMs = backoffDelay(opts.backoff, failures);
    notify((o) => o.requeued(key, delayMs, failures));
    addAfter(key, meta, delayMs);
  }

  /** Drops everything not running and returns the dropped keys. */
  function halt(): string[] {
    stopped = true;
    const abandoned = [...new Set([...order, ...backOrder, ...dirty.keys(), ...delayed.keys()])];
    const dropped: Array<[string, M]> = [...dirty].map(([k, p]) => [k, p.meta]);
    for (const [k, d] of delayed) {
      d.cancel();
      dropped.push([k, d.meta]);
    }
    order.length = 0;
    backOrder.length = 0;
    dirty.clear();
    delayed.clear();
    for (const [k, m] of dropped) drop(k, m);
    wake();
    return abandoned;
  }

  function stop(): void {
    const abandoned = halt();
    if (abandoned.length > 0) logger.info(`queue: stopped, dropped ${abandoned.length} pending keys`, { abandoned });
  }

  async function drain(deadlineMs: number): Promise<DrainResult> {
    const abandoned = halt();
    logger.info(`queue: draining ${processing.size} running tasks, dropped ${abandoned.length} pending keys`, {
      abandoned,
      running: [...processing.keys()],
      deadline_ms: deadlineMs,
    });
    if (processing.size > 0) {
      await new Promise<void>((resolve) => {
        let cancelDeadline = (): void => undefined;
        const done = (): void => {
          cancelDeadline();
          quietWaiters = quietWaiters.filter((w) => w !== done);
          resolve();
        };
        quietWaiters.push(done);
        cancelDeadline = clock.setTimer(done, deadlineMs);
      });
    }
    const stillRunning = [...processing.keys()];
    if (stillRunning.length > 0) {
      logger.warn(`queue: drain deadline of ${deadlineMs / 1000}s passed with ${stillRunning.length} tasks running`, {
        running: stillRunning,
      });
    }
    return { completed: stillRunning.length === 0, abandoned, stillRunning };
  }

  return {
    add,
    addAfter,
    addRateLimited,
    pending: () => new Set([...dirty.keys(), ...delayed.keys()]).size,
    running: () => processing.size,
    has: (key) => dirty.has(key) || processing.has(key) || delayed.has(key),
    failures: (key) => failureCounts.get(key) ?? 0,
    idle: () =>
      new Promise<void>((resolve) => {
        idleWaiters.push(resolve);
        wake();
      }),
    drain,
    stop,
    isStopped: () => stopped,
  };
}
