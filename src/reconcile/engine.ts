/**
 * The reconcile engine: the event runner (queue + lock + zone task) and the full reconcile, which
 * meet at the per-zone lock; shared by the daemon and the CLI so both take exactly the same path.
 */
import type { ZoneName } from '../core/types.js';
import type { NetboxSource } from '../netbox/source.js';
import type { BackoffPolicy } from '../util/backoff.js';
import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/log.js';
import { runFullReconcile, type FullReconcileOptions, type FullReconcileResult } from './full.js';
import { createRequestCoverage } from './coverage.js';
import { createReadLedger, type ReadLedger } from './ledger.js';
import { createCatalogService, type CatalogStatus } from './catalog.js';
import { createZoneReader } from './read.js';
import { createTargetMemory } from './memory.js';
import { createTsigKeeper } from './tsig-key.js';
import { approvePlan, type ApprovalOutcome } from './approve.js';
import type { AuditSink } from './audit.js';
import { createPendingApprovals, type PendingApproval } from './pending.js';
import type { WorkQueueObserver } from './queue.js';
import { createZoneRunner, type TaskMeta, type ZoneRunner } from './runner.js';
import type { Approval, EngineObserver, EngineSettings, Target, Trigger, ZoneResult, ZoneTaskOptions } from './types.js';
import type { SigningDeps } from './signing.js';
import type { ZoneLock } from './zone-lock.js';
import { runZoneTask, type TargetState, type ZoneTaskDeps } from './zone-task.js';

export interface EngineOptions {
  netbox: NetboxSource;
  targets: readonly Target[];
  lock: ZoneLock;
  logger: Logger;
  clock: Clock;
  settings: EngineSettings;
  /** Zone tasks run at once: by the event queue, and by a full reconcile (each its own pool). */
  workers: number;
  /** Per-zone delay after transient failures. */
  requeueBackoff: BackoffPolicy;
  /**
   * Zones a full reconcile failed on transiently are retried on their own with that backoff (the
   * daemon); a one-shot CLI run leaves them (it must exit).
   */
  retryFailedZones: boolean;
  observer?: EngineObserver;
  /** Where every write to PowerDNS is recorded (the audit trail). */
  audit?: AuditSink;
  queueObserver?: WorkQueueObserver<TaskMeta>;
  /**
   * Told once per full reconcile run (not per request coalesced into it). `complete`: the run covered
   * every zone and target and read all it needed, so a zone it did not meet exists neither in NetBox
   * (for our nameservers) nor on a target: what is remembered about such zones may be pruned.
   */
  onFullReconcile?: (result: FullReconcileResult, info: { complete: boolean }) => void;
  /** DNSSEC: the parent's DS check (and the NSEC3 salt source). */
  signing?: SigningDeps;
}

export interface Engine {
  runner: ZoneRunner;
  /** Runs one zone task under the zone's lock, outside the queue (approvals, the CLI); resolves with its results. */
  reconcileZone(zone: ZoneName, options: ZoneTaskOptions): Promise<ZoneResult[]>;
  /**
   * Runs a full reconcile. Never two at once: a request while one runs is served by one more run
   * after it (requests arriving meanwhile share that run).
   */
  fullReconcile(trigger: Trigger, options?: FullReconcileOptions): Promise<FullReconcileResult>;
  /**
   * A quick reconcile: only the zones that moved since the start of the last complete run (minus
   * `skewMs` for NetBox's clock and slow commits), judged from the listings. A deep run instead
   * when no complete run is known yet. Shares the one-at-a-time rule; a deep request waiting beside
   * it wins.
   */
  quickReconcile(trigger: Trigger, skewMs: number): Promise<FullReconcileResult>;
  isFullReconcileRunning(): boolean;
  /** The configured targets' names. */
  targetNames(): string[];
  /**
   * Shutdown: starts no new zone work (queued events and the rest of a running full reconcile are
   * dropped, reported as not run) and waits up to `deadlineMs` for the zone tasks already running.
   */
  drain(deadlineMs: number): Promise<{ completed: boolean; abandoned: string[] }>;
  /** Each target's catalog (by target name), for /status. */
  catalogs(): Record<string, CatalogStatus>;
  /** Resolves when no catalog bump is pending (tests, shutdown). */
  catalogsIdle(): Promise<void>;
  /** Rrsets PowerDNS refused that are held back, for one target or all (a gauge). */
  rejectedRrsets(target?: string): number;
  /** Refused plans waiting for an operator, with their ids and diffs. */
  pendingApprovals(): PendingApproval[];
  /**
   * Applies the zone's plan if its id is still `approval.planId` (whatever the safety checks say);
   * otherwise applies nothing and says what changed. `targets`: only these PowerDNS targets.
   */
  approve(zone: ZoneName, approval: Approval, targets?: readonly string[]): Promise<ApprovalOutcome>;
  readonly ledger: ReadLedger;
}

export function createEngine(opts: EngineOptions): Engine {
  const ledger = createReadLedger();
  const coverage = createRequestCoverage();
  const targets: TargetState[] = opts.targets.map((target) => {
    const logger = opts.logger.child(opts.targets.length > 1 ? { target: target.name } : {});
    const tsig = target.tsigKey ? createTsigKeeper(target.pdns, target.tsigKey, logger) : undefined;
    const catalog = target.policy.catalog !== undefined
      ? createCatalogService({ target, zone: target.policy.catalog, clock: opts.clock, logger, ...(tsig ? { tsig } : {}) }) : undefined;
    return { target, memory: createTargetMemory(), ...(tsig ? { tsig } : {}), ...(catalog ? { catalog } : {}) };
  });
  const pending = createPendingApprovals();
  // Every zone result passes here first: refused plans are kept for approval, others clear them.
  const observer: EngineObserver = {
    zoneResult(result, firstEventAt) {
      pending.note(result);
      opts.observer?.zoneResult(result, firstEventAt);
    },
    rrsetChanges: (action, count, target) => opts.observer?.rrsetChanges(action, count, target),
    approval: (result, via) => opts.observer?.approval?.(result, via),
  };
  const task: ZoneTaskDeps = {
    reader: createZoneReader(opts.netbox, targets.map((t) => t.target.scope)),
    targets, logger: opts.logger, clock: opts.clock, settings: opts.settings, ledger, coverage, observer,
    ...(opts.audit ? { audit: opts.audit } : {}), ...(opts.signing ? { signing: opts.signing } : {}),
  };
  const runner = createZoneRunner({
    workers: opts.workers, clock: opts.clock, logger: opts.logger, lock: opts.lock, task, backoff: opts.requeueBackoff, coverage,
    ...(opts.queueObserver ? { queueObserver: opts.queueObserver } : {}),
  });

  const runLocked = async (zone: ZoneName, options: ZoneTaskOptions): Promise<ZoneResult[]> => {
    const results = await opts.lock.run(zone, () => runZoneTask(zone, task, options), { trigger: options.trigger });
    for (const r of results) observer.zoneResult(r);
    return results;
  };

  async function runZone(zone: ZoneName, options: ZoneTaskOptions): Promise<ZoneResult[]> {
    const results = await runLocked(zone, options).catch((err: unknown): ZoneResult[] => {
      // Only a lock timeout gets here (the zone task itself never throws). Transient: the zone is
      // retried once whatever held it lets go.
      const message = err instanceof Error ? err.message : String(err);
      return targets.filter((t) => options.targets === undefined || options.targets.includes(t.target.name)).map((t) => ({
        zone, target: t.target.name, trigger: options.trigger, outcome: 'failed', changes: { creates: 0, updates: 0, deletes: 0 }, rejected: [],
        dryRun: options.dryRun ?? opts.settings.dryRun, error: message, errorClass: 'transient', failureReason: 'lock_timeout', warnings: [],
        durationMs: 0, finishedAt: opts.clock.now(),
      }));
    });
    const transient = results.filter((r) => r.outcome === 'failed' && r.errorClass === 'transient').map((r) => r.target);
    if (opts.retryFailedZones && transient.length > 0 && !(options.dryRun ?? opts.settings.dryRun)) runner.retryLater(zone, transient);
    return results;
  }

  let running: Promise<FullReconcileResult> | null = null;
  let next: Promise<FullReconcileResult> | null = null;
  let nextOptions: FullReconcileOptions = {};
  let stopping = false;
  /** Wall ms at the start of the last run over every zone and target that did not fail. */
  let lastCompleteAt: number | null = null;

  function start(trigger: Trigger, options: FullReconcileOptions): Promise<FullReconcileResult> {
    const startedAt = opts.clock.now();
    const unrestricted = options.zones === undefined && options.targets === undefined;
    const run = runFullReconcile({
      netbox: opts.netbox, targets, logger: opts.logger, clock: opts.clock, settings: opts.settings, ledger,
      runZone, concurrency: opts.workers, isStopping: () => stopping,
    }, trigger, options).then((result) => {
      const ok = unrestricted && result.outcome !== 'failure';
      // The quick reconcile's window starts where the last run that wrote everything it had to started.
      if (ok && !(options.dryRun ?? opts.settings.dryRun)) lastCompleteAt = startedAt;
      // Met every zone: only a deep run (a quick one meets only the zones that moved).
      const complete = ok && options.quick === undefined;
      if (complete) {
        // Zones that left both NetBox and PowerDNS: forget their refusals, so churn never adds up.
        for (const t of targets) {
          const met = new Set(result.zones.filter((z) => z.target === t.target.name).map((z) => z.zone));
          t.memory.prune((zone) => met.has(zone));
        }
      }
      try {
        opts.onFullReconcile?.(result, { complete });
      } catch (err) {
        opts.logger.warn(`full reconcile observer failed: ${err instanceof Error ? err.message : String(err)}`);
      }
      return result;
    });
    running = run.finally(() => { running = null; });
    return running;
  }

  function fullReconcile(trigger: Trigger, options: FullReconcileOptions = {}): Promise<FullReconcileResult> {
    if (!running) return start(trigger, options);
    if (!next) {
      nextOptions = options;
      // A run still waiting when shutdown begins never starts: the running one's result answers it
      // (shutdown waits for the running run only, and must not log after it says it stopped).
      next = running.then((served) => {
        next = null;
        return stopping ? served : start(trigger, nextOptions);
      });
    } else if (nextOptions.quick && !options.quick) {
      // A deep request waiting beside a quick one: the deep run serves both.
      const { quick: _quick, ...deep } = nextOptions;
      nextOptions = deep;
    }
    return next;
  }

  return {
    runner,
    ledger,
    reconcileZone: runZone,
    fullReconcile,
    quickReconcile(trigger, skewMs) {
      return fullReconcile(trigger, lastCompleteAt === null ? {} : { quick: { since: lastCompleteAt - skewMs } });
    },
    isFullReconcileRunning: () => running !== null,
    targetNames: () => targets.map((t) => t.target.name),
    async drain(deadlineMs) {
      stopping = true;
      const deadline = opts.clock.monotonic() + deadlineMs;
      const queued = runner.drain(deadlineMs);
      let timedOut = false;
      if (running) {
        let cancel = (): void => undefined;
        const timer = new Promise<void>((resolve) => { cancel = opts.clock.setTimer(() => { timedOut = true; resolve(); }, deadlineMs); });
        await Promise.race([running.then(() => undefined, () => undefined), timer]);
        cancel();
      }
      const drained = await queued;
      // Catalog bumps already due are let finish (bounded by the same deadline): a member created just
      // before shutdown is otherwise announced only at PowerDNS's next cycle.
      let stopWaiting = (): void => undefined;
      const left = Math.max(0, deadline - opts.clock.monotonic());
      await Promise.race([
        Promise.all(targets.map((t) => t.catalog?.idle())),
        new Promise<void>((resolve) => { stopWaiting = opts.clock.setTimer(resolve, left); }),
      ]);
      stopWaiting();
      return { completed: drained.completed && !timedOut && opts.clock.monotonic() <= deadline, abandoned: drained.abandoned };
    },
    catalogs: () => Object.fromEntries(targets.flatMap((t) => (t.catalog ? [[t.target.name, t.catalog.status()] as const] : []))),
    async catalogsIdle() {
      await Promise.all(targets.map((t) => t.catalog?.idle()));
    },
    pendingApprovals: () => pending.list(),
    approve: (zone, approval, only) => approvePlan({
      pending, runZone, logger: opts.logger.child({ component: 'approval' }), observer, targetNames: () => targets.map((t) => t.target.name),
    }, zone, approval, only),
    rejectedRrsets: (name) => targets.filter((t) => name === undefined || t.target.name === name).reduce((n, t) => n + t.memory.rejectionCount(), 0),
  };
}
