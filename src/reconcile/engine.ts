/**
 * The reconcile engine: the zone runner (queue + lock + zone task) and the full reconcile on top of
 * it, shared by the daemon and the CLI so both take exactly the same path.
 */
import type { ZoneName } from '../core/types.js';
import type { NetboxSource } from '../netbox/source.js';
import type { PdnsApi } from '../pdns/types.js';
import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/log.js';
import { runFullReconcile, type FullReconcileOptions, type FullReconcileResult } from './full.js';
import { createZoneRunner, type RunnerObserver, type Trigger, type ZoneLockLike, type ZoneRunner } from './runner.js';
import type { EngineObserver, EngineSettings, ZoneResult, ZoneTaskOptions } from './types.js';

export interface EngineOptions {
  netbox: NetboxSource;
  pdns: PdnsApi;
  lock: ZoneLockLike;
  logger: Logger;
  clock: Clock;
  settings: EngineSettings;
  workers: number;
  requeueBaseDelayMs: number;
  requeueMaxDelayMs: number;
  observer?: EngineObserver;
  runnerObserver?: RunnerObserver;
}

export interface Engine {
  runner: ZoneRunner;
  /** Reconciles one zone through the queue and lock; resolves with its result. */
  reconcileZone(zone: ZoneName, trigger: Trigger, options?: ZoneTaskOptions): Promise<ZoneResult>;
  /**
   * Runs a full reconcile. Never two at once: a request while one runs is served by one more run
   * after it (requests arriving meanwhile share that run).
   */
  fullReconcile(trigger: Trigger, options?: FullReconcileOptions): Promise<FullReconcileResult>;
  isFullReconcileRunning(): boolean;
}

export function createEngine(opts: EngineOptions): Engine {
  const lastRead = new Map<ZoneName, number>();
  const runner = createZoneRunner({
    workers: opts.workers,
    clock: opts.clock,
    logger: opts.logger,
    lock: opts.lock,
    requeueBaseDelayMs: opts.requeueBaseDelayMs,
    requeueMaxDelayMs: opts.requeueMaxDelayMs,
    task: { netbox: opts.netbox, pdns: opts.pdns, logger: opts.logger, clock: opts.clock, settings: opts.settings, observer: opts.observer, lastRead },
    observer: opts.runnerObserver,
  });

  let running: Promise<FullReconcileResult> | null = null;
  let next: Promise<FullReconcileResult> | null = null;

  function start(trigger: Trigger, options: FullReconcileOptions): Promise<FullReconcileResult> {
    const run = runFullReconcile({
      netbox: opts.netbox, pdns: opts.pdns, logger: opts.logger, clock: opts.clock, settings: opts.settings,
      dispatch: (zone, taskOptions) => runner.submit(zone, trigger, taskOptions),
    }, options);
    running = run.finally(() => { running = null; });
    return running;
  }

  return {
    runner,
    reconcileZone: (zone, trigger, options) => runner.submit(zone, trigger, options),
    fullReconcile(trigger, options = {}) {
      if (!running) return start(trigger, options);
      if (!next) {
        next = running.then(() => {
          next = null;
          return start(trigger, options);
        });
      }
      return next;
    },
    isFullReconcileRunning: () => running !== null,
  };
}
