/**
 * The event path: a keyed, coalescing queue (at most one waiting and one running task per zone)
 * feeding N workers, each task run under the zone's lock, where it meets the full reconcile's work
 * on the same zone. Transient failures come back with a per-zone backoff, for the targets that
 * failed only. Event intake enqueues and returns; callers that need the result (approvals, tests)
 * submit and await it.
 */
import type { ZoneName } from '../core/types.js';
import type { BackoffPolicy } from '../util/backoff.js';
import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/log.js';
import type { RequestCoverage } from './coverage.js';
import { createWorkQueue, type WorkQueueObserver } from './queue.js';
import { runZoneTask, type ZoneTaskDeps } from './zone-task.js';
import type { ZoneLock } from './zone-lock.js';
import type { EventOrigin, Trigger, ZoneResult, ZoneTaskOptions } from './types.js';

export interface TaskMeta {
  triggers: Trigger[];
  options: ZoneTaskOptions;
  /** Resolved with the results of the run that serves this request. */
  waiters: Array<(results: ZoneResult[]) => void>;
  /** Monotonic ms the earliest coalesced event was received (for event→applied latency). */
  firstEventAt?: number;
}

export interface ZoneRunnerOptions {
  workers: number;
  clock: Clock;
  logger: Logger;
  lock: ZoneLock;
  task: ZoneTaskDeps;
  backoff: BackoffPolicy;
  queueObserver?: WorkQueueObserver<TaskMeta>;
  /** Drops events a NetBox read already answered (the zone task tells it when reads start). */
  coverage?: RequestCoverage;
}

export interface ZoneRunner {
  /** Queues a zone task and resolves with its results (one per target). */
  submit(zone: ZoneName, options: ZoneTaskOptions): Promise<ZoneResult[]>;
  /**
   * Queues a zone task for an event; returns at once. `removed`: the event says the zone is gone;
   * `origin`: who made the change in NetBox (for the audit trail), whose `requestId` also lets a read of
   * the zone that started after that request's first event answer it: 'covered', nothing queued.
   */
  enqueue(zone: ZoneName, trigger: Trigger, eventAt?: number, removed?: boolean, origin?: EventOrigin): 'queued' | 'coalesced' | 'dirty' | 'covered';
  /** Runs the zone again after its per-zone backoff, for these targets (a transient failure elsewhere). */
  retryLater(zone: ZoneName, targets: readonly string[]): void;
  pending(): number;
  running(): number;
  idle(): Promise<void>;
  drain(deadlineMs: number): Promise<{ completed: boolean; abandoned: string[] }>;
}

/** Union of two target restrictions; absent means every target and wins. */
function mergeTargets(a: readonly string[] | undefined, b: readonly string[] | undefined): readonly string[] | undefined {
  if (a === undefined || b === undefined) return undefined;
  return [...new Set([...a, ...b])];
}

/** Origins kept per zone task: a burst from one bulk edit is one user and a few request ids. */
const MAX_ORIGINS = 20;

/** The origins of two coalesced requests, each once, at most MAX_ORIGINS (the latest win). */
export function mergeOrigins(a: readonly EventOrigin[] | undefined, b: readonly EventOrigin[] | undefined): EventOrigin[] | undefined {
  if (a === undefined && b === undefined) return undefined;
  const seen = new Map<string, EventOrigin>();
  for (const o of [...(a ?? []), ...(b ?? [])]) {
    const key = JSON.stringify([o.username ?? null, o.requestId ?? null]);
    seen.delete(key);
    seen.set(key, o);
  }
  return [...seen.values()].slice(-MAX_ORIGINS);
}

/** Merges a request into one already waiting for the same zone. */
export function mergeTaskMeta(waiting: TaskMeta, incoming: TaskMeta): TaskMeta {
  const eventTimes = [waiting.firstEventAt, incoming.firstEventAt].filter((t): t is number => t !== undefined);
  const targets = mergeTargets(waiting.options.targets, incoming.options.targets);
  const origins = mergeOrigins(waiting.options.origins, incoming.options.origins);
  return {
    triggers: [...new Set([...waiting.triggers, ...incoming.triggers])],
    options: {
      trigger: waiting.options.trigger,
      // A real run serves a dry-run request too (it reports the same plan); never the reverse.
      ...(waiting.options.dryRun === undefined && incoming.options.dryRun === undefined
        ? {} : { dryRun: Boolean(waiting.options.dryRun) && Boolean(incoming.options.dryRun) }),
      ...(waiting.options.force || incoming.options.force ? { force: true } : {}),
      ...(waiting.options.allowDelete || incoming.options.allowDelete ? { allowDelete: true } : {}),
      ...(targets ? { targets } : {}),
      ...(origins ? { origins } : {}),
    },
    waiters: [...waiting.waiters, ...incoming.waiters],
    ...(eventTimes.length > 0 ? { firstEventAt: Math.min(...eventTimes) } : {}),
  };
}

/** Creates the zone runner. */
export function createZoneRunner(opts: ZoneRunnerOptions): ZoneRunner {
  const failedResults = (zone: ZoneName, meta: TaskMeta, error: string, failureReason: 'lock_timeout' | 'internal'): ZoneResult[] =>
    opts.task.targets
      .filter((t) => meta.options.targets === undefined || meta.options.targets.includes(t.target.name))
      .map((t) => ({
        zone, target: t.target.name, trigger: meta.options.trigger, outcome: 'failed', changes: { creates: 0, updates: 0, deletes: 0 },
        rejected: [], dryRun: meta.options.dryRun ?? false, error, errorClass: 'terminal', failureReason, warnings: [], durationMs: 0,
        finishedAt: opts.clock.now(),
      }));
  const queue = createWorkQueue<TaskMeta>({
    workers: opts.workers,
    clock: opts.clock,
    logger: opts.logger,
    backoff: opts.backoff,
    mergeMeta: mergeTaskMeta,
    ...(opts.queueObserver ? { observer: opts.queueObserver } : {}),
    // Runs dropped at shutdown still answer whoever waits for them.
    onDrop: (zone, meta) => {
      const results = failedResults(zone, meta, 'not run: the daemon is shutting down', 'internal');
      for (const resolve of meta.waiters.splice(0)) resolve(results);
    },
    process: async (zone, meta) => {
      const results = await opts.lock.run(zone, () => runZoneTask(zone, opts.task, meta.options), { triggers: meta.triggers })
        .catch((err: unknown): ZoneResult[] => {
          const message = err instanceof Error ? err.message : String(err);
          return failedResults(zone, meta, message, /lock timeout/i.test(message) ? 'lock_timeout' : 'internal');
        });
      for (const r of results) opts.task.observer?.zoneResult(r, meta.firstEventAt);
      for (const resolve of meta.waiters.splice(0)) resolve(results);
      const transient = results.filter((r) => r.outcome === 'failed' && r.errorClass === 'transient').map((r) => r.target);
      if (transient.length > 0) {
        // The retry is for the targets that failed, and it re-reads NetBox itself.
        meta.options = {
          trigger: 'retry', ...(meta.options.allowDelete ? { allowDelete: true } : {}), targets: transient,
          ...(meta.options.origins ? { origins: meta.options.origins } : {}),
        };
        return 'retry';
      }
      return results.some((r) => r.outcome === 'failed') ? 'failed' : 'ok';
    },
  });

  return {
    submit(zone, options) {
      return new Promise<ZoneResult[]>((resolve) => {
        queue.add(zone, { triggers: [options.trigger], options, waiters: [resolve] });
      });
    },
    enqueue(zone, trigger, eventAt, removed, origin) {
      const options: ZoneTaskOptions = { trigger, ...(removed ? { allowDelete: true } : {}), ...(origin ? { origins: [origin] } : {}) };
      const meta: TaskMeta = { triggers: [trigger], options, waiters: [], ...(eventAt !== undefined ? { firstEventAt: eventAt } : {}) };
      // A removal hint always runs: it is what lets the task delete, and it is rare. A covered event's
      // origin is not lost for the audit: the run that read its data carries the request's first event.
      if (!removed && opts.coverage?.covered(zone, origin?.requestId, eventAt ?? opts.clock.monotonic()) === true) {
        opts.queueObserver?.coalesced(zone, meta);
        return 'covered';
      }
      return queue.add(zone, meta);
    },
    retryLater(zone, targets) {
      queue.addRateLimited(zone, { triggers: ['retry'], options: { trigger: 'retry', targets }, waiters: [] });
    },
    pending: () => queue.pending(),
    running: () => queue.running(),
    idle: () => queue.idle(),
    drain: (deadlineMs) => queue.drain(deadlineMs),
  };
}
