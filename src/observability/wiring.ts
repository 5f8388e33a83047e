/**
 * Routes what the components report (requests, retries, zone results, lock waits, MQTT state,
 * events) into the Prometheus metrics and the /status store. Keeps both from knowing each other.
 */
import type { Metrics } from './metrics.js';
import { EVENT_IGNORE_REASONS, EVENT_REJECT_REASONS, EVENT_SOURCES, isOneOf } from './labels.js';
import type { Interpretation } from '../intake/events/index.js';
import type { FullReconcileResult } from '../reconcile/full.js';
import type { EngineObserver, ZoneResult } from '../reconcile/types.js';
import type { TaskMeta } from '../reconcile/runner.js';
import type { WorkQueueObserver } from '../reconcile/queue.js';
import type { ZoneLockObserver } from '../reconcile/zone-lock.js';
import type { UpstreamObserver } from '../upstream/observer.js';
import type { Clock } from '../util/clock.js';
import type { createStatusStore } from './status-store.js';

type StatusStore = ReturnType<typeof createStatusStore>;

/** Outcomes counted as "the change is live" for the event→applied latency. */
const APPLIED = new Set<ZoneResult['outcome']>(['created', 'changed', 'unchanged', 'deleted', 'skipped']);

export function createObservers(deps: { metrics: Metrics; status: StatusStore; clock: Clock }) {
  const { metrics, status, clock } = deps;
  const upstreamMetrics = metrics.upstreamObserver();
  const nowSeconds = (): number => clock.now() / 1000;

  const upstream: UpstreamObserver = {
    request(info) {
      upstreamMetrics.request(info);
      // "Failing now" means the service itself is in trouble, not that a zone was missing (404) or rejected (422).
      const failing = info.code === 'timeout' || info.code === 'network_error' || /^(5\d\d|401|403|429)$/.test(info.code);
      status.recordUpstream(info.upstream, !failing, failing ? `${info.method} ${info.endpoint}: ${info.code}` : undefined, info.target);
    },
    retry(info) {
      upstreamMetrics.retry(info);
      status.recordRetry();
    },
  };

  const engine: EngineObserver = {
    rrsetChanges(action, count, server) {
      if (count > 0) metrics.rrsetChanges.inc({ action, server }, count);
    },
    approval: (result, via) => metrics.approvals.inc({ result, via }),
    zoneResult(result: ZoneResult, firstEventAt?: number) {
      const server = result.target;
      metrics.zoneTasksProcessed.inc({ outcome: result.outcome, server });
      metrics.zoneTaskDuration.observe({ outcome: result.outcome }, result.durationMs / 1000);
      if (result.failureReason) metrics.zoneTaskFailures.inc({ reason: result.failureReason, server });
      if (result.refusal) metrics.refusals.inc({ code: result.refusal.code, server });
      if (firstEventAt !== undefined && APPLIED.has(result.outcome) && !result.dryRun) {
        metrics.eventApplyLatency.observe((clock.monotonic() - firstEventAt) / 1000);
      }
      status.recordZoneResult(result);
    },
  };

  /** client-go's workqueue metrics: adds, coalesced adds, time waited, requeues. */
  const queue: WorkQueueObserver<TaskMeta> = {
    queued: (_key, meta) => metrics.zoneTasksQueued.inc({ trigger: meta.options.trigger }),
    coalesced: (_key, meta) => metrics.zoneTasksCoalesced.inc({ trigger: meta.options.trigger }),
    started: (_key, _meta, waitedSeconds) => metrics.zoneQueueWait.observe(waitedSeconds),
    finished: () => undefined,
    requeued: () => metrics.zoneTaskRequeues.inc(),
  };

  const lock: ZoneLockObserver = {
    waited: (seconds: number) => metrics.zoneLockWait.observe(seconds),
    held: (seconds: number) => metrics.zoneLockHold.observe(seconds),
    contention: () => metrics.zoneLockContention.inc(),
  };

  const received = (source: string): void => {
    if (isOneOf(EVENT_SOURCES, source)) metrics.eventsReceived.inc({ source });
    metrics.lastEventReceived.set(nowSeconds());
  };
  const rejected = (reason: string): void => {
    metrics.eventsRejected.inc({ reason: isOneOf(EVENT_REJECT_REASONS, reason) ? reason : 'invalid_shape' });
  };
  const ignored = (reason: string): void => {
    if (isOneOf(EVENT_IGNORE_REASONS, reason)) metrics.eventsIgnored.inc({ reason });
  };

  const mqtt = {
    connected(up: boolean) {
      metrics.mqttConnected.set(up ? 1 : 0);
      if (up) metrics.mqttLastConnect.set(nowSeconds());
    },
    reconnecting: () => metrics.mqttReconnects.inc(),
    received,
    rejected,
    ignored,
  };

  // A valid event is counted once, where it is interpreted: a webhook when its echo comes back from
  // the broker (the intake recognises it) or when the daemon applies it itself.
  const webhook = {
    accepted: () => undefined,
    rejected: (reason: string) => rejected(reason === 'unauthorized' ? 'bad_signature' : reason),
  };

  return {
    upstream, engine, queue, lock, mqtt, webhook, received,
    /** Counts an interpretation made outside the MQTT intake (webhook without a broker). */
    interpretation(i: Interpretation) {
      if (i.kind === 'rejected') rejected(i.reason);
      else if (i.kind === 'ignored') ignored(i.reason);
      else received('webhook');
    },
    fullReconcile(result: FullReconcileResult) {
      metrics.reconcileRuns.inc({ trigger: result.trigger, outcome: result.outcome });
      const error = result.error ?? result.refusal;
      if (result.mode === 'quick') {
        // Its own histogram and status entry: the deep run's figures and last-success time stay its own.
        metrics.quickReconcileDuration.observe({ outcome: result.outcome }, result.durationMs / 1000);
        status.recordFullReconcile({ outcome: result.outcome, ...(error ? { error } : {}), durationMs: result.durationMs, quickZones: result.zones.length });
        return;
      }
      metrics.reconcileDuration.observe({ outcome: result.outcome }, result.durationMs / 1000);
      metrics.reconcileLastRun.set(nowSeconds());
      if (result.outcome === 'success') metrics.reconcileLastSuccess.set(nowSeconds());
      metrics.reconcileDriftRrsets.set(result.driftRrsets);
      // A refusal (e.g. NetBox listed no zones) is the operator's error to read in /status, like a failure.
      status.recordFullReconcile({ outcome: result.outcome, ...(error ? { error } : {}), durationMs: result.durationMs });
    },
  };
}
