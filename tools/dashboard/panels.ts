/**
 * What the Grafana dashboard shows, grouped by the questions an operator asks: is DNS in step with
 * NetBox, how far behind is it, what fails, are PowerDNS and NetBox healthy, is MQTT up, is the
 * process healthy. dashboard.ts turns these specs into Grafana's JSON model.
 */
import { METRIC_PREFIX } from '../../src/observability/labels.js';

export interface TargetSpec {
  expr: string;
  legend: string;
}

export interface PanelSpec {
  kind: 'stat' | 'timeseries';
  title: string;
  description: string;
  /** A Grafana unit id: `s`, `ops`, `short`, `bytes`, `percentunit`, `bool_yes_no`. */
  unit: string;
  /** Grid columns out of 24. */
  width: number;
  targets: TargetSpec[];
  /** Stat colour steps: value at which the colour starts (the first step starts at -infinity). */
  thresholds?: Array<{ color: string; value: number | null }>;
  /** Draw as bars (for counts per interval of rare events). */
  bars?: boolean;
}

export interface RowSpec {
  title: string;
  description: string;
  panels: PanelSpec[];
}

/** Series filter every query carries, so the job/instance variables apply everywhere. */
const FILTER = 'job=~"$job",instance=~"$instance"';

/** A selector for one of our metrics, e.g. `sel('mqtt_connected')`. */
function sel(suffix: string, extra?: string): string {
  return `${METRIC_PREFIX}${suffix}{${FILTER}${extra === undefined ? '' : `,${extra}`}}`;
}
/** A selector for a prom-client default metric (process_*, nodejs_*). */
function selDefault(metric: string): string {
  return `${metric}{${FILTER}}`;
}
function rate(selector: string): string {
  return `rate(${selector}[$__rate_interval])`;
}
function quantile(q: number, bucketSuffix: string, by: string): string {
  return `histogram_quantile(${q}, sum by (${by}, le) (${rate(sel(bucketSuffix))}))`;
}

const GREEN_ONLY = [{ color: 'green', value: null }];

export const DASHBOARD_ROWS: RowSpec[] = [
  {
    title: 'In sync?',
    description: 'Whether PowerDNS matches NetBox right now.',
    panels: [
      {
        kind: 'stat',
        title: 'Since last successful reconcile',
        description: 'Time since a full reconcile last succeeded. Reconciles run every 15 minutes by default; over an hour means the safety net is not working (alert NetboxPdnsReconcileStale). Empty until the first success.',
        unit: 's',
        width: 6,
        targets: [{ expr: `time() - max by (instance) (${sel('reconcile_last_success_timestamp_seconds')} > 0)`, legend: '{{instance}}' }],
        thresholds: [{ color: 'green', value: null }, { color: 'orange', value: 1800 }, { color: 'red', value: 3600 }],
      },
      {
        kind: 'stat',
        title: 'Drift found by last reconcile',
        description: 'RRsets the last full reconcile had to repair. Events should keep this at 0; if it stays above 0, events are being lost.',
        unit: 'short',
        width: 5,
        targets: [{ expr: `max by (instance) (${sel('reconcile_drift_rrsets')})`, legend: '{{instance}}' }],
        thresholds: [{ color: 'green', value: null }, { color: 'orange', value: 1 }],
      },
      {
        kind: 'stat',
        title: 'Zones managed',
        description: 'Zones this daemon keeps in step with NetBox.',
        unit: 'short',
        width: 4,
        targets: [{ expr: `sum by (instance) (${sel('zones_managed')})`, legend: '{{instance}}' }],
        thresholds: GREEN_ONLY,
      },
      {
        kind: 'stat',
        title: 'Zone tasks pending',
        description: 'Zone tasks waiting in the queue. A full reconcile queues every zone briefly; a queue that does not drain means PowerDNS or NetBox is slow or failing.',
        unit: 'short',
        width: 4,
        targets: [{ expr: `sum by (instance) (${sel('zone_tasks_pending')})`, legend: '{{instance}}' }],
        thresholds: [{ color: 'green', value: null }, { color: 'orange', value: 50 }],
      },
      {
        kind: 'stat',
        title: 'MQTT connected',
        description: 'Whether the daemon is connected to the MQTT broker. When not, changes in NetBox reach PowerDNS only through the periodic reconcile.',
        unit: 'bool_yes_no',
        width: 5,
        targets: [{ expr: `min by (instance) (${sel('mqtt_connected')})`, legend: '{{instance}}' }],
        thresholds: [{ color: 'red', value: null }, { color: 'green', value: 1 }],
      },
    ],
  },
  {
    title: 'How far behind?',
    description: 'How long a NetBox change takes to reach PowerDNS, and how much work is waiting.',
    panels: [
      {
        kind: 'timeseries',
        title: 'Event to applied latency',
        description: 'Time from receiving a NetBox event to PowerDNS accepting the change, retries and queueing included (p50 and p95).',
        unit: 's',
        width: 12,
        targets: [
          { expr: quantile(0.5, 'event_apply_latency_seconds_bucket', 'instance'), legend: 'p50 {{instance}}' },
          { expr: quantile(0.95, 'event_apply_latency_seconds_bucket', 'instance'), legend: 'p95 {{instance}}' },
        ],
      },
      {
        kind: 'timeseries',
        title: 'Zone task queue',
        description: 'Zone tasks waiting and running. Running is capped by the worker count; pending rises during a full reconcile and should fall back to 0.',
        unit: 'short',
        width: 12,
        targets: [
          { expr: `sum by (instance) (${sel('zone_tasks_pending')})`, legend: 'pending {{instance}}' },
          { expr: `sum by (instance) (${sel('zone_tasks_running')})`, legend: 'running {{instance}}' },
        ],
      },
      {
        kind: 'timeseries',
        title: 'Zone task duration p95',
        description: 'How long one zone task takes (read NetBox and PowerDNS, diff, PATCH), by outcome.',
        unit: 's',
        width: 12,
        targets: [{ expr: quantile(0.95, 'zone_task_duration_seconds_bucket', 'outcome'), legend: '{{outcome}}' }],
      },
      {
        kind: 'timeseries',
        title: 'Zone lock wait and hold p95',
        description: 'How long tasks wait for a zone lock and how long they hold it (p95). Waits over 30 s fail the task with lock_timeout.',
        unit: 's',
        width: 12,
        targets: [
          { expr: `histogram_quantile(0.95, sum by (le) (${rate(sel('zone_lock_wait_seconds_bucket'))}))`, legend: 'wait p95' },
          { expr: `histogram_quantile(0.95, sum by (le) (${rate(sel('zone_lock_hold_seconds_bucket'))}))`, legend: 'hold p95' },
        ],
      },
    ],
  },
  {
    title: 'What fails?',
    description: 'Outcomes of zone tasks and reconciles, and input that was dropped.',
    panels: [
      {
        kind: 'timeseries',
        title: 'Zone task outcomes',
        description: 'Finished zone tasks per second by outcome. refused = plan stopped by the safety thresholds; failed = error after the last retry.',
        unit: 'ops',
        width: 8,
        targets: [{ expr: `sum by (outcome) (${rate(sel('zone_tasks_processed_total'))})`, legend: '{{outcome}}' }],
      },
      {
        kind: 'timeseries',
        title: 'Zone task failures by reason',
        description: 'Failed zone tasks per second by reason: pdns_* and netbox_* point at an upstream, auth at credentials, invalid_data at NetBox content.',
        unit: 'ops',
        width: 8,
        targets: [{ expr: `sum by (reason) (${rate(sel('zone_task_failures_total'))})`, legend: '{{reason}}' }],
      },
      {
        kind: 'timeseries',
        title: 'Full reconciles by outcome',
        description: 'Full reconciles per interval by trigger and outcome. skipped = a cron tick while the previous run was still going.',
        unit: 'short',
        width: 8,
        bars: true,
        targets: [{ expr: `sum by (trigger, outcome) (increase(${sel('reconcile_runs_total')}[$__rate_interval]))`, legend: '{{trigger}} {{outcome}}' }],
      },
      {
        kind: 'timeseries',
        title: 'Events received, rejected and ignored',
        description: 'Incoming events per second: received by source, rejected (bad input) by reason, ignored (not ours) by reason.',
        unit: 'ops',
        width: 8,
        targets: [
          { expr: `sum by (source) (${rate(sel('events_received_total'))})`, legend: 'received {{source}}' },
          { expr: `sum by (reason) (${rate(sel('events_rejected_total'))})`, legend: 'rejected {{reason}}' },
          { expr: `sum by (reason) (${rate(sel('events_ignored_total'))})`, legend: 'ignored {{reason}}' },
        ],
      },
      {
        kind: 'timeseries',
        title: 'RRset changes written',
        description: 'RRset changes written to PowerDNS per second, by action.',
        unit: 'ops',
        width: 8,
        targets: [{ expr: `sum by (action) (${rate(sel('rrset_changes_total'))})`, legend: '{{action}}' }],
      },
      {
        kind: 'timeseries',
        title: 'Warnings and errors logged',
        description: 'Log lines per second at warn and error level; the journal has the details (journalctl -u netbox-pdns -p warning).',
        unit: 'ops',
        width: 8,
        targets: [{ expr: `sum by (level) (${rate(sel('log_messages_total', 'level=~"warn|error"'))})`, legend: '{{level}}' }],
      },
    ],
  },
  {
    title: 'PowerDNS and NetBox',
    description: 'Health of the two HTTP APIs the daemon depends on.',
    panels: [
      {
        kind: 'timeseries',
        title: 'Upstream requests by status code',
        description: 'HTTP requests per second to PowerDNS and NetBox by status code. 5xx, timeout and network_error are retried; 4xx are not.',
        unit: 'ops',
        width: 8,
        targets: [{ expr: `sum by (upstream, code) (${rate(sel('upstream_requests_total'))})`, legend: '{{upstream}} {{code}}' }],
      },
      {
        kind: 'timeseries',
        title: 'Upstream request latency',
        description: 'HTTP request duration to PowerDNS and NetBox (p50 and p95).',
        unit: 's',
        width: 8,
        targets: [
          { expr: quantile(0.5, 'upstream_request_duration_seconds_bucket', 'upstream'), legend: 'p50 {{upstream}}' },
          { expr: quantile(0.95, 'upstream_request_duration_seconds_bucket', 'upstream'), legend: 'p95 {{upstream}}' },
        ],
      },
      {
        kind: 'timeseries',
        title: 'Upstream retries',
        description: 'Retries scheduled by the backoff policy per second, by upstream and reason.',
        unit: 'ops',
        width: 8,
        targets: [{ expr: `sum by (upstream, reason) (${rate(sel('upstream_request_retries_total'))})`, legend: '{{upstream}} {{reason}}' }],
      },
    ],
  },
  {
    title: 'MQTT',
    description: 'The event path from NetBox through the MQTT broker.',
    panels: [
      {
        kind: 'timeseries',
        title: 'MQTT connection',
        description: 'Whether each instance was connected to the broker over time.',
        unit: 'bool_yes_no',
        width: 8,
        targets: [{ expr: `min by (instance) (${sel('mqtt_connected')})`, legend: '{{instance}}' }],
      },
      {
        kind: 'timeseries',
        title: 'MQTT reconnects',
        description: 'Reconnection attempts per interval. A steady stream means a flapping broker or a client id used twice.',
        unit: 'short',
        width: 8,
        bars: true,
        targets: [{ expr: `sum by (instance) (increase(${sel('mqtt_reconnects_total')}[$__rate_interval]))`, legend: '{{instance}}' }],
      },
      {
        kind: 'timeseries',
        title: 'Since last event received',
        description: 'Time since the last NetBox event arrived. Quiet periods are normal; a long gap during known NetBox activity means events are not arriving.',
        unit: 's',
        width: 8,
        targets: [{ expr: `time() - max by (instance) (${sel('last_event_received_timestamp_seconds')} > 0)`, legend: '{{instance}}' }],
      },
    ],
  },
  {
    title: 'Process',
    description: 'The Node.js process itself.',
    panels: [
      {
        kind: 'timeseries',
        title: 'Memory',
        description: 'Resident memory and used V8 heap. The systemd unit caps memory with MemoryMax.',
        unit: 'bytes',
        width: 8,
        targets: [
          { expr: selDefault('process_resident_memory_bytes'), legend: 'RSS {{instance}}' },
          { expr: `sum by (instance) (${selDefault('nodejs_heap_size_used_bytes')})`, legend: 'heap used {{instance}}' },
        ],
      },
      {
        kind: 'timeseries',
        title: 'Event loop lag',
        description: 'Node.js event loop lag (p50 and p99). Sustained lag delays every event and scrape.',
        unit: 's',
        width: 8,
        targets: [
          { expr: selDefault('nodejs_eventloop_lag_p50_seconds'), legend: 'p50 {{instance}}' },
          { expr: selDefault('nodejs_eventloop_lag_p99_seconds'), legend: 'p99 {{instance}}' },
        ],
      },
      {
        kind: 'timeseries',
        title: 'CPU',
        description: 'CPU time used per second (1.0 = one full core).',
        unit: 'percentunit',
        width: 8,
        targets: [{ expr: rate(selDefault('process_cpu_seconds_total')), legend: '{{instance}}' }],
      },
    ],
  },
];
