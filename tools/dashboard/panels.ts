/**
 * What the Grafana dashboard shows, grouped by the questions an operator asks: is DNS in step with
 * NetBox, how far behind is it, what fails, are PowerDNS and NetBox healthy, is MQTT up, is the
 * process healthy. dashboard.ts turns these specs into Grafana's JSON model.
 */
import { UPSTREAM_ROWS } from './panels-upstreams.js';
import { GREEN_ONLY, quantile, rate, sel } from './promql.js';

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
        targets: [{ expr: `sum by (instance, server) (${sel('zones_managed')})`, legend: '{{instance}} {{server}}' }],
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
        targets: [{ expr: `sum by (server, outcome) (${rate(sel('zone_tasks_processed_total'))})`, legend: '{{server}} {{outcome}}' }],
      },
      {
        kind: 'timeseries',
        title: 'Zone task failures by reason',
        description: 'Failed zone tasks per second by reason: pdns_* and netbox_* point at an upstream, auth at credentials, invalid_data at NetBox content.',
        unit: 'ops',
        width: 8,
        targets: [{ expr: `sum by (server, reason) (${rate(sel('zone_task_failures_total'))})`, legend: '{{server}} {{reason}}' }],
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
        targets: [{ expr: `sum by (server, action) (${rate(sel('rrset_changes_total'))})`, legend: '{{server}} {{action}}' }],
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
    title: 'Waiting for an operator?',
    description: 'What the daemon deliberately did not write: refused plans, rrsets PowerDNS refused, rrsets kept as PowerDNS holds them.',
    panels: [
      {
        kind: 'stat',
        title: 'Zones refused',
        description: 'Zones whose plan a safety check refused (adoption replacing content, an empty NetBox answer, too many changes); nothing was written. Approve the plan (netbox-pdns approve ZONE PLAN-ID, POST /approve or the status page) or fix NetBox (alert NetboxPdnsZonesRefused).',
        unit: 'short',
        width: 6,
        targets: [{ expr: `sum by (instance, server) (${sel('zones_refused')})`, legend: '{{instance}} {{server}}' }],
        thresholds: [{ color: 'green', value: null }, { color: 'orange', value: 1 }],
      },
      {
        kind: 'stat',
        title: 'Zones failing',
        description: 'Zones whose last task failed after every retry (alert NetboxPdnsZonesFailing).',
        unit: 'short',
        width: 6,
        targets: [{ expr: `sum by (instance, server) (${sel('zones_failing')})`, legend: '{{instance}} {{server}}' }],
        thresholds: [{ color: 'green', value: null }, { color: 'red', value: 1 }],
      },
      {
        kind: 'stat',
        title: 'RRsets PowerDNS refused',
        description: 'NetBox rrsets PowerDNS answered 422 for; the rest of each zone is served, these wait for a fix in NetBox.',
        unit: 'short',
        width: 6,
        targets: [{ expr: `sum by (instance, server) (${sel('rrsets_rejected')})`, legend: '{{instance}} {{server}}' }],
        thresholds: [{ color: 'green', value: null }, { color: 'orange', value: 1 }],
      },
      {
        kind: 'stat',
        title: 'KSK rollovers waiting for the parent',
        description: 'Zones whose KSK/CSK rollover waits for the parent to publish the new DS; netbox-pdns ds ZONE prints it (alert NetboxPdnsKskRolloverWaitingForDs).',
        unit: 'short',
        width: 6,
        targets: [{ expr: `sum by (instance, server) (${sel('dnssec_rollovers_waiting_ds')})`, legend: '{{instance}} {{server}}' }],
        thresholds: [{ color: 'green', value: null }, { color: 'orange', value: 1 }],
      },
      {
        kind: 'timeseries',
        title: 'Signed zones, by parent DS',
        description: 'Signed zones by whether their parent publishes the DS of the signing key: published, missing, unknown (no DNSSEC_DS_RESOLVER).',
        unit: 'short',
        width: 6,
        targets: [{ expr: `sum by (parent_ds) (${sel('dnssec_zones')})`, legend: '{{parent_ds}}' }],
      },
      {
        kind: 'timeseries',
        title: 'RRsets kept, by reason',
        description: 'Rrsets left as PowerDNS holds them although NetBox differs: protected (ACME challenges), not_marked (record ownership), rejected, invalid.',
        unit: 'short',
        width: 6,
        targets: [{ expr: `sum by (reason) (${sel('rrsets_kept')})`, legend: '{{reason}}' }],
      },
      {
        kind: 'timeseries',
        title: 'Approvals',
        description: 'Plans approved by their id, by result (applied; stale: no longer the current plan, nothing applied; failed) and where from (cli, http, plan_file).',
        unit: 'short',
        width: 24,
        targets: [{ expr: `sum by (result, via) (increase(${sel('approvals_total')}[$__rate_interval]))`, legend: '{{result}} {{via}}' }],
      },
    ],
  },
  {
    title: 'Replication',
    description: 'Whether the secondaries serve what the primary does: SOA serials of our zones queried over DNS on each configured secondary (empty without secondaries).',
    panels: [
      {
        kind: 'stat',
        title: 'Zones lagging on secondaries',
        description: 'Zones whose serial on some secondary is behind the primary (or not served there) at the last check; NOTIFY and AXFR take about a second, so anything lasting is a problem (alert NetboxPdnsSecondaryLagging).',
        unit: 'none',
        width: 6,
        targets: [{ expr: `max by (instance) (${sel('secondary_zones_lagging')})`, legend: '{{instance}}' }],
        thresholds: [{ color: 'green', value: null }, { color: 'orange', value: 1 }],
      },
      {
        kind: 'timeseries',
        title: 'Lagging zones per secondary',
        description: 'Per secondary: zones behind the primary at each check. /status replication.secondaries lists them with both serials and since when.',
        unit: 'none',
        width: 18,
        targets: [{ expr: `max by (instance, secondary) (${sel('secondary_zones_lagging')})`, legend: '{{instance}} {{secondary}}' }],
      },
    ],
  },
  ...UPSTREAM_ROWS,
];
