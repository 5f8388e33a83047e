/**
 * Every Prometheus metric the daemon exports (reference/operations.md §1.3), built into a registry
 * the caller owns. No global registry: tests and the CLI build as many metric sets as they like, and
 * prom-client's "already registered" error cannot happen across them.
 *
 * Callers get narrow handles whose label values are the closed unions in labels.ts, so a typo or a
 * zone name cannot reach a label at compile time. Every known label combination is exported as 0
 * from the start, so alerts and dashboards see series before the first event.
 */
import { Counter, Gauge, Histogram, collectDefaultMetrics, type Registry } from 'prom-client';
import type { UpstreamObserver } from '../upstream/observer.js';
import {
  EVENT_IGNORE_REASONS,
  EVENT_REJECT_REASONS,
  EVENT_SOURCES,
  LOG_LEVELS,
  METRIC_PREFIX,
  RECONCILE_OUTCOMES,
  RECONCILE_TRIGGERS,
  RETRY_REASONS,
  RRSET_ACTIONS,
  TASK_FAILURE_REASONS,
  TASK_OUTCOMES,
  TASK_TRIGGERS,
  UPSTREAMS,
  REFUSAL_CODES,
  isOneOf,
  type EventIgnoreReason,
  type RefusalCode,
  type EventRejectReason,
  type EventSource,
  type LogLevelLabel,
  type ReconcileOutcome,
  type ReconcileTrigger,
  type RrsetAction,
  type TaskFailureReason,
  type TaskOutcome,
  type TaskTrigger,
} from './labels.js';
import { APPROVAL_RESULTS, APPROVAL_VIAS, type ApprovalResult, type ApprovalVia } from '../reconcile/types.js';
import { createUpstreamObserver } from './upstream.js';
import { registerScrapeGauges, type ScrapeReaders } from './scrape-gauges.js';
import type {
  CounterHandle, GaugeHandle, HistogramHandle, LabelledCounterHandle, LabelledHistogramHandle, TimestampHandle,
} from './handles.js';

export interface BuildInfo {
  version: string;
  revision: string;
}

export interface Metrics {
  eventsReceived: LabelledCounterHandle<{ source: EventSource }>;
  eventsRejected: LabelledCounterHandle<{ reason: EventRejectReason }>;
  eventsIgnored: LabelledCounterHandle<{ reason: EventIgnoreReason }>;
  lastEventReceived: TimestampHandle;
  zoneTasksQueued: LabelledCounterHandle<{ trigger: TaskTrigger }>;
  zoneTasksCoalesced: LabelledCounterHandle<{ trigger: TaskTrigger }>;
  zoneTasksProcessed: LabelledCounterHandle<{ outcome: TaskOutcome; server: string }>;
  zoneTaskFailures: LabelledCounterHandle<{ reason: TaskFailureReason; server: string }>;
  zoneTaskDuration: LabelledHistogramHandle<{ outcome: TaskOutcome }>;
  zoneLockWait: HistogramHandle;
  zoneLockHold: HistogramHandle;
  zoneLockContention: CounterHandle;
  /** From receipt of the event to PowerDNS accepting the change; measure with the monotonic clock. */
  eventApplyLatency: HistogramHandle;
  reconcileRuns: LabelledCounterHandle<{ trigger: ReconcileTrigger; outcome: ReconcileOutcome }>;
  reconcileDuration: LabelledHistogramHandle<{ outcome: ReconcileOutcome }>;
  quickReconcileDuration: LabelledHistogramHandle<{ outcome: ReconcileOutcome }>;
  reconcileLastSuccess: TimestampHandle;
  reconcileLastRun: TimestampHandle;
  reconcileDriftRrsets: GaugeHandle;
  rrsetChanges: LabelledCounterHandle<{ action: RrsetAction; server: string }>;
  mqttConnected: GaugeHandle;
  mqttReconnects: CounterHandle;
  mqttLastConnect: TimestampHandle;
  /** Time a zone task waited in the queue before a worker took it (client-go queue_duration_seconds). */
  zoneQueueWait: HistogramHandle;
  /** Zone runs put back on a per-zone backoff after a transient failure (client-go retries_total). */
  zoneTaskRequeues: CounterHandle;
  refusals: LabelledCounterHandle<{ code: RefusalCode; server: string }>;
  approvals: LabelledCounterHandle<{ result: ApprovalResult; via: ApprovalVia }>;
  logMessages: LabelledCounterHandle<{ level: LogLevelLabel }>;
  /** Feeds log_messages_total; fits `LoggerOptions.onLog`. Unknown levels are ignored. */
  onLog(level: string): void;
  /** Makes the scrape-time gauges read these. Unbound readers read 0. */
  bindGauges(readers: Partial<ScrapeReaders>): void;
  /** The observer to hand to the PowerDNS and NetBox clients. */
  upstreamObserver(): UpstreamObserver;
  /** The exposition text of the whole registry (default process/nodejs metrics included). */
  metricsText(): Promise<string>;
  /** The Content-Type to serve `metricsText()` with. */
  readonly contentType: string;
}

/** Buckets from operations.md §1.3: sub-second PATCHes up to a minute of retries. */
const TASK_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
/** Waiting for a zone lock: usually nothing, up to the 30 s lock timeout. */
const LOCK_WAIT_BUCKETS = [0.001, 0.01, 0.1, 0.5, 1, 5, 10, 30, 60];
/** Event to applied: includes retries with backoff and queueing behind a full reconcile. */
const APPLY_LATENCY_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];
/** A full reconcile: seconds for a handful of zones, up to half an hour for thousands. */
const RECONCILE_BUCKETS = [0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800];

/**
 * Creates every metric in `registry`, plus prom-client's default process and nodejs metrics.
 * `servers`: the configured PowerDNS targets' names, the values of the bounded `server` label;
 * `secondaries`: the configured secondaries' addresses, the values of the `secondary` label.
 */
export function createMetrics(registry: Registry, build: BuildInfo, servers: readonly string[] = ['default'], secondaries: readonly string[] = []): Metrics {
  const name = (suffix: string): string => `${METRIC_PREFIX}${suffix}`;
  const registers = [registry];

  const counter = <L extends string>(suffix: string, help: string, labelNames: readonly L[] = []): Counter<L> =>
    new Counter<L>({ name: name(suffix), help, labelNames, registers });
  const gauge = (suffix: string, help: string): Gauge => new Gauge({ name: name(suffix), help, registers });
  const histogram = <L extends string>(
    suffix: string,
    help: string,
    buckets: number[],
    labelNames: readonly L[] = [],
  ): Histogram<L> => new Histogram<L>({ name: name(suffix), help, buckets, labelNames, registers });

  collectDefaultMetrics({ register: registry });

  new Gauge<'version' | 'revision' | 'nodejs_version'>({
    name: name('build_info'),
    help: 'Always 1; the labels say which build is running.',
    labelNames: ['version', 'revision', 'nodejs_version'],
    registers,
  }).set({ version: build.version, revision: build.revision, nodejs_version: process.version }, 1);

  const eventsReceived = counter('events_received_total', 'Events received, by where they came from.', ['source']);
  const eventsRejected = counter('events_rejected_total', 'Incoming messages dropped as bad input, by reason.', ['reason']);
  const eventsIgnored = counter('events_ignored_total', 'Valid events deliberately not acted on, by reason.', ['reason']);
  const lastEventReceived = gauge('last_event_received_timestamp_seconds', 'Unix time of the last event received; 0 before the first.');

  const zoneTasksQueued = counter('zone_tasks_queued_total', 'Zone tasks added to the queue, by trigger.', ['trigger']);
  const zoneTasksCoalesced = counter(
    'zone_tasks_coalesced_total',
    'Zone task requests folded into a task already waiting for the same zone, or events a NetBox read already answered (one started after their NetBox request\'s first event arrived), by trigger.',
    ['trigger'],
  );
  const gauges = registerScrapeGauges(registry, servers, secondaries);
  const zoneTasksProcessed = counter('zone_tasks_processed_total', 'Zone tasks finished, by outcome and PowerDNS server.', ['outcome', 'server']);
  const zoneTaskFailures = counter('zone_task_failures_total', 'Zone tasks failed after the last retry, by reason and PowerDNS server.', ['reason', 'server']);
  const zoneTaskDuration = histogram('zone_task_duration_seconds', 'Time to run one zone task, by outcome.', TASK_BUCKETS, ['outcome']);
  const zoneLockWait = histogram('zone_lock_wait_seconds', 'Time spent waiting for a zone lock.', LOCK_WAIT_BUCKETS);
  const zoneLockHold = histogram('zone_lock_hold_seconds', 'Time a zone lock was held.', TASK_BUCKETS);
  const zoneLockContention = counter('zone_lock_contention_total', 'Zone lock waits that lasted longer than the warning threshold.');
  const zoneQueueWait = histogram('zone_queue_wait_seconds', 'Time a zone task waited in the queue before a worker took it.', LOCK_WAIT_BUCKETS);
  const zoneTaskRequeues = counter('zone_task_requeues_total', 'Zone runs put back on a per-zone backoff after a transient failure.');
  const refusals = counter('plan_refusals_total', 'Zone plans refused by a safety check, by check and PowerDNS server.', ['code', 'server']);
  const approvals = counter('approvals_total', 'Approvals of a plan by its id: applied, stale (no longer the current plan, nothing applied) or failed; by where they came from.', ['result', 'via']);
  for (const result of APPROVAL_RESULTS) for (const via of APPROVAL_VIAS) approvals.inc({ result, via }, 0);
  const eventApplyLatency = histogram(
    'event_apply_latency_seconds',
    'Time from receiving an event to PowerDNS accepting the resulting change.',
    APPLY_LATENCY_BUCKETS,
  );

  const reconcileRuns = counter('reconcile_runs_total', 'Full reconciles, deep and quick (trigger quick), by trigger and outcome.', ['trigger', 'outcome']);
  const reconcileDuration = histogram('reconcile_duration_seconds', 'Time to run a deep full reconcile, by outcome.', RECONCILE_BUCKETS, [
    'outcome',
  ]);
  const quickReconcileDuration = histogram(
    'quick_reconcile_duration_seconds', 'Time to run a quick reconcile (only zones whose listings moved), by outcome.', RECONCILE_BUCKETS, ['outcome'],
  );
  const reconcileLastSuccess = gauge(
    'reconcile_last_success_timestamp_seconds',
    'Unix time of the last successful full reconcile; 0 before the first.',
  );
  const reconcileLastRun = gauge('reconcile_last_run_timestamp_seconds', 'Unix time the last full reconcile ended, whatever its outcome.');
  const reconcileDriftRrsets = gauge('reconcile_drift_rrsets', 'RRsets the last full reconcile found out of step with NetBox.');
  const rrsetChanges = counter('rrset_changes_total', 'RRset changes written to PowerDNS, by action and server.', ['action', 'server']);

  const upstreamRequests = counter(
    'upstream_requests_total',
    'HTTP requests to PowerDNS and NetBox, counted when they end, by route template, status code and PowerDNS server.',
    ['upstream', 'method', 'endpoint', 'code', 'server'],
  );
  const upstreamDuration = new Histogram<'upstream' | 'method'>({
    name: name('upstream_request_duration_seconds'),
    help: 'Duration of HTTP requests to PowerDNS and NetBox.',
    labelNames: ['upstream', 'method'],
    registers,
  });
  const upstreamRetries = counter('upstream_request_retries_total', 'Retries scheduled by the backoff policy, by reason.', [
    'upstream',
    'reason',
  ]);

  const mqttConnected = gauge('mqtt_connected', '1 while connected to the MQTT broker, else 0.');
  const mqttReconnects = counter('mqtt_reconnects_total', 'Reconnection attempts to the MQTT broker.');
  const mqttLastConnect = gauge('mqtt_last_connect_timestamp_seconds', 'Unix time of the last successful MQTT connect; 0 before the first.');
  const logMessages = counter('log_messages_total', 'Log lines emitted, by level.', ['level']);

  // Known label values start at 0 (the upstream request families are left out: their endpoint and
  // code values are only known once a request has been made).
  for (const source of EVENT_SOURCES) eventsReceived.inc({ source }, 0);
  for (const reason of EVENT_REJECT_REASONS) eventsRejected.inc({ reason }, 0);
  for (const reason of EVENT_IGNORE_REASONS) eventsIgnored.inc({ reason }, 0);
  for (const trigger of TASK_TRIGGERS) {
    zoneTasksQueued.inc({ trigger }, 0);
    zoneTasksCoalesced.inc({ trigger }, 0);
  }
  for (const outcome of TASK_OUTCOMES) {
    for (const server of servers) zoneTasksProcessed.inc({ outcome, server }, 0);
    zoneTaskDuration.zero({ outcome });
  }
  for (const reason of TASK_FAILURE_REASONS) for (const server of servers) zoneTaskFailures.inc({ reason, server }, 0);
  for (const outcome of RECONCILE_OUTCOMES) {
    reconcileDuration.zero({ outcome });
    quickReconcileDuration.zero({ outcome });
    for (const trigger of RECONCILE_TRIGGERS) reconcileRuns.inc({ trigger, outcome }, 0);
  }
  for (const server of servers) {
    for (const action of RRSET_ACTIONS) rrsetChanges.inc({ action, server }, 0);
    for (const code of REFUSAL_CODES) refusals.inc({ code, server }, 0);
  }
  for (const upstream of UPSTREAMS) for (const reason of RETRY_REASONS) upstreamRetries.inc({ upstream, reason }, 0);
  for (const level of LOG_LEVELS) logMessages.inc({ level }, 0);

  const observer = createUpstreamObserver({ requests: upstreamRequests, duration: upstreamDuration, retries: upstreamRetries }, servers);

  return {
    eventsReceived,
    eventsRejected,
    eventsIgnored,
    lastEventReceived,
    zoneTasksQueued,
    zoneTasksCoalesced,
    zoneTasksProcessed,
    zoneTaskFailures,
    zoneTaskDuration,
    zoneLockWait,
    zoneLockHold,
    zoneLockContention,
    eventApplyLatency,
    reconcileRuns,
    reconcileDuration,
    quickReconcileDuration,
    reconcileLastSuccess,
    reconcileLastRun,
    reconcileDriftRrsets,
    rrsetChanges,
    mqttConnected,
    mqttReconnects,
    mqttLastConnect,
    zoneQueueWait,
    zoneTaskRequeues,
    refusals,
    approvals,
    logMessages,
    onLog(level) {
      if (isOneOf(LOG_LEVELS, level)) logMessages.inc({ level });
    },
    bindGauges: (bound) => gauges.bind(bound),
    upstreamObserver: () => observer,
    metricsText: () => registry.metrics(),
    contentType: registry.contentType,
  };
}
