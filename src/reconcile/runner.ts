/**
 * The one path all zone work takes: events, the cron/startup/API full reconcile and the CLI submit
 * zones here. A keyed, coalescing queue (at most one waiting and one running task per zone) feeds N
 * workers; each task runs under the zone's lock. Callers that need the result (a full reconcile, the
 * CLI) get a promise; event intake just enqueues.
 */
import { createWorkQueue } from './queue.js';
import type { ZoneName } from '../core/types.js';
import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/log.js';
import { runZoneTask, type ZoneTaskDeps } from './zone-task.js';
import type { ZoneResult, ZoneTaskOptions } from './types.js';

/** What asked for a zone task (a bounded metric label). */
export type Trigger = 'event' | 'reconcile' | 'startup' | 'api' | 'cli';

export interface TaskMeta {
  triggers: Trigger[];
  options: ZoneTaskOptions;
  /** Resolved with the result of the run that serves this request. */
  waiters: Array<(result: ZoneResult) => void>;
  /** Monotonic ms the earliest coalesced event was received (for event→applied latency). */
  firstEventAt?: number;
}

export interface ZoneLockLike {
  run<T>(zone: string, fn: () => Promise<T>, context?: Record<string, unknown>): Promise<T>;
}

export interface RunnerObserver {
  queued(trigger: Trigger): void;
  coalesced(trigger: Trigger): void;
  finished(result: ZoneResult, meta: TaskMeta): void;
}

export interface ZoneRunnerOptions {
  workers: number;
  clock: Clock;
  logger: Logger;
  lock: ZoneLockLike;
  task: ZoneTaskDeps;
  requeueBaseDelayMs: number;
  requeueMaxDelayMs: number;
  observer?: RunnerObserver;
}

export interface ZoneRunner {
  /** Queues a zone task and resolves with its result. */
  submit(zone: ZoneName, trigger: Trigger, options?: ZoneTaskOptions): Promise<ZoneResult>;
  /** Queues a zone task for an event; returns at once. `removed`: the event says the zone is gone. */
  enqueue(zone: ZoneName, trigger: Trigger, eventAt?: number, removed?: boolean): 'queued' | 'coalesced' | 'dirty';
  pending(): number;
  running(): number;
  idle(): Promise<void>;
  drain(deadlineMs: number): Promise<{ completed: boolean; abandoned: string[] }>;
}

/** Merges a request into one already waiting for the same zone. */
export function mergeTaskMeta(waiting: TaskMeta, incoming: TaskMeta): TaskMeta {
  const eventTimes = [waiting.firstEventAt, incoming.firstEventAt].filter((t): t is number => t !== undefined);
  const firstEventAt = eventTimes.length > 0 ? Math.min(...eventTimes) : undefined;
  const latestEvent = eventTimes.length > 0 ? Math.max(...eventTimes) : undefined;
  // Keep bulk-read NetBox data only if no event arrived after it was read: an event means newer data.
  const candidates = [waiting.options.prefetched, incoming.options.prefetched].filter((p) => p !== undefined);
  let prefetched = candidates.sort((a, b) => b.readStartedAt - a.readStartedAt)[0];
  if (prefetched && latestEvent !== undefined && latestEvent > prefetched.readStartedAt) prefetched = undefined;
  return {
    triggers: [...new Set([...waiting.triggers, ...incoming.triggers])],
    options: {
      // A real run serves a dry-run request too (it reports the same plan); never the reverse.
      dryRun: waiting.options.dryRun === undefined && incoming.options.dryRun === undefined
        ? undefined : Boolean(waiting.options.dryRun) && Boolean(incoming.options.dryRun),
      force: waiting.options.force || incoming.options.force,
      allowDelete: waiting.options.allowDelete || incoming.options.allowDelete,
      ...(prefetched ? { prefetched } : {}),
    },
    waiters: [...waiting.waiters, ...incoming.waiters],
    ...(firstEventAt !== undefined ? { firstEventAt } : {}),
  };
}

/** Creates the zone runner. */
export function createZoneRunner(opts: ZoneRunnerOptions): ZoneRunner {
  const failedResult = (zone: ZoneName, meta: TaskMeta, error: string, failureReason: 'lock_timeout' | 'internal'): ZoneResult => ({
    zone, outcome: 'failed', changes: { creates: 0, updates: 0, deletes: 0 }, dryRun: meta.options.dryRun ?? false,
    error, errorClass: 'terminal', failureReason, warnings: [], durationMs: 0, finishedAt: opts.clock.now(),
  });
  const queue = createWorkQueue<TaskMeta>({
    workers: opts.workers,
    clock: opts.clock,
    logger: opts.logger,
    backoff: { baseDelayMs: opts.requeueBaseDelayMs, factor: 2, maxDelayMs: opts.requeueMaxDelayMs, jitter: false },
    mergeMeta: mergeTaskMeta,
    // Runs dropped at shutdown still answer whoever waits for them.
    onDrop: (zone, meta) => {
      const result = failedResult(zone, meta, 'not run: the daemon is shutting down', 'internal');
      for (const resolve of meta.waiters.splice(0)) resolve(result);
    },
    process: async (zone, meta) => {
      const result = await opts.lock.run(zone, () => runZoneTask(zone, opts.task, meta.options), { triggers: meta.triggers })
        .catch((err: unknown): ZoneResult => {
          const message = err instanceof Error ? err.message : String(err);
          return failedResult(zone, meta, message, /lock timeout/i.test(message) ? 'lock_timeout' : 'internal');
        });
      const waiters = meta.waiters.splice(0);
      opts.observer?.finished(result, meta);
      for (const resolve of waiters) resolve(result);
      // A retried run re-reads NetBox itself: bulk data is stale by then.
      delete meta.options.prefetched;
      if (result.outcome === 'failed' && result.errorClass === 'transient') return 'retry';
      return result.outcome === 'failed' ? 'failed' : 'ok';
    },
  });

  function add(zone: ZoneName, meta: TaskMeta, trigger: Trigger): 'queued' | 'coalesced' | 'dirty' {
    const status = queue.add(zone, meta);
    if (status === 'queued') opts.observer?.queued(trigger);
    else opts.observer?.coalesced(trigger);
    return status;
  }

  return {
    submit(zone, trigger, options = {}) {
      return new Promise<ZoneResult>((resolve) => {
        add(zone, { triggers: [trigger], options, waiters: [resolve] }, trigger);
      });
    },
    enqueue(zone, trigger, eventAt, removed) {
      const options: ZoneTaskOptions = removed ? { allowDelete: true } : {};
      return add(zone, { triggers: [trigger], options, waiters: [], ...(eventAt !== undefined ? { firstEventAt: eventAt } : {}) }, trigger);
    },
    pending: () => queue.pending(),
    running: () => queue.running(),
    idle: () => queue.idle(),
    drain: (deadlineMs) => queue.drain(deadlineMs),
  };
}
