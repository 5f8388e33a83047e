import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { Registry, register as globalRegistry } from 'prom-client';
import { buildDashboard } from '../../../tools/dashboard/dashboard.js';
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
} from '../../../src/observability/labels.js';
import { createMetrics, type Metrics } from '../../../src/observability/metrics.js';
import { MAX_ENDPOINTS } from '../../../src/observability/upstream.js';
import { parseSamples, samplesOf, valueOf, type Sample } from './exposition.js';
import { familyNames, ownFamilies, referencedMetrics, run } from './tools.js';

const P = METRIC_PREFIX;
const RULES_FILE = new URL('../../../deploy/prometheus/netbox-pdns.rules.yml', import.meta.url);

function fresh(): { registry: Registry; metrics: Metrics } {
  const registry = new Registry();
  return { registry, metrics: createMetrics(registry, { version: '1.2.3', revision: 'abc1234' }) };
}

async function scrape(metrics: Metrics): Promise<Sample[]> {
  return parseSamples(await metrics.metricsText());
}

/** Touches every handle once, so every family has samples (histograms included). */
function exerciseAll(metrics: Metrics): void {
  metrics.eventsReceived.inc({ source: 'netbox' });
  metrics.eventsRejected.inc({ reason: 'invalid_json' });
  metrics.eventsIgnored.inc({ reason: 'other_view' });
  metrics.lastEventReceived.setToCurrentTime();
  metrics.zoneTasksQueued.inc({ trigger: 'event' });
  metrics.zoneTasksCoalesced.inc({ trigger: 'event' });
  metrics.zoneTasksProcessed.inc({ outcome: 'changed', server: 'default' });
  metrics.zoneTaskFailures.inc({ reason: 'pdns_unavailable', server: 'default' });
  metrics.zoneTaskDuration.observe({ outcome: 'changed' }, 0.2);
  metrics.zoneLockWait.observe(0.005);
  metrics.zoneLockHold.observe(0.3);
  metrics.zoneLockContention.inc();
  metrics.eventApplyLatency.observe(0.7);
  metrics.reconcileRuns.inc({ trigger: 'cron', outcome: 'success' });
  metrics.reconcileDuration.observe({ outcome: 'success' }, 12);
  metrics.reconcileLastSuccess.set(1_700_000_000);
  metrics.reconcileLastRun.set(1_700_000_000);
  metrics.reconcileDriftRrsets.set(2);
  metrics.rrsetChanges.inc({ action: 'update', server: 'default' }, 3);
  metrics.mqttConnected.set(1);
  metrics.mqttReconnects.inc();
  metrics.mqttLastConnect.setToCurrentTime();
  metrics.bindGauges({ zones: () => ({ managed: 7, refused: 0, failing: 0, kept: {} }) });
  metrics.onLog('warn');
  const observer = metrics.upstreamObserver();
  observer.request({ upstream: 'pdns', method: 'PATCH', endpoint: 'zone', code: '204', durationSeconds: 0.05 });
  observer.retry({ upstream: 'pdns', operation: 'patchZone', reason: 'http_5xx', attempt: 1, delayMs: 1000 });
}

describe('observability/metrics', () => {
  it('exports build_info with version, revision and the Node.js version', async () => {
    const { metrics } = fresh();
    const samples = await scrape(metrics);
    expect(valueOf(samples, `${P}build_info`, { version: '1.2.3', revision: 'abc1234', nodejs_version: process.version })).to.equal(1);
  });

  it('exports every known label combination as 0 before anything happens', async () => {
    const { metrics } = fresh();
    const samples = await scrape(metrics);
    const zeroes: Array<[string, Record<string, string>]> = [
      ...EVENT_SOURCES.map((source): [string, Record<string, string>] => [`${P}events_received_total`, { source }]),
      ...EVENT_REJECT_REASONS.map((reason): [string, Record<string, string>] => [`${P}events_rejected_total`, { reason }]),
      ...EVENT_IGNORE_REASONS.map((reason): [string, Record<string, string>] => [`${P}events_ignored_total`, { reason }]),
      ...TASK_TRIGGERS.flatMap((trigger): Array<[string, Record<string, string>]> => [
        [`${P}zone_tasks_queued_total`, { trigger }],
        [`${P}zone_tasks_coalesced_total`, { trigger }],
      ]),
      ...TASK_OUTCOMES.flatMap((outcome): Array<[string, Record<string, string>]> => [
        [`${P}zone_tasks_processed_total`, { outcome, server: 'default' }],
        [`${P}zone_task_duration_seconds_count`, { outcome }],
      ]),
      ...TASK_FAILURE_REASONS.map((reason): [string, Record<string, string>] => [`${P}zone_task_failures_total`, { reason, server: 'default' }]),
      ...RECONCILE_OUTCOMES.flatMap((outcome) => [
        [`${P}reconcile_duration_seconds_count`, { outcome }] as [string, Record<string, string>],
        ...RECONCILE_TRIGGERS.map((trigger): [string, Record<string, string>] => [`${P}reconcile_runs_total`, { trigger, outcome }]),
      ]),
      ...RRSET_ACTIONS.map((action): [string, Record<string, string>] => [`${P}rrset_changes_total`, { action, server: 'default' }]),
      ...UPSTREAMS.flatMap((upstream) =>
        RETRY_REASONS.map((reason): [string, Record<string, string>] => [`${P}upstream_request_retries_total`, { upstream, reason }]),
      ),
      ...LOG_LEVELS.map((level): [string, Record<string, string>] => [`${P}log_messages_total`, { level }]),
      [`${P}zone_lock_contention_total`, {}],
      [`${P}mqtt_connected`, {}],
      [`${P}mqtt_reconnects_total`, {}],
      [`${P}reconcile_last_success_timestamp_seconds`, {}],
      [`${P}zone_tasks_pending`, {}],
    ];
    for (const [name, labels] of zeroes) {
      expect(valueOf(samples, name, labels), `${name} ${JSON.stringify(labels)}`).to.equal(0);
    }
    expect(samplesOf(samples, `${P}reconcile_runs_total`)).to.have.length(RECONCILE_TRIGGERS.length * RECONCILE_OUTCOMES.length);
  });

  it('counts through the typed handles', async () => {
    const { metrics } = fresh();
    exerciseAll(metrics);
    metrics.rrsetChanges.inc({ action: 'update', server: 'default' });
    const samples = await scrape(metrics);
    expect(valueOf(samples, `${P}events_received_total`, { source: 'netbox' })).to.equal(1);
    expect(valueOf(samples, `${P}rrset_changes_total`, { action: 'update', server: 'default' })).to.equal(4);
    expect(valueOf(samples, `${P}reconcile_runs_total`, { trigger: 'cron', outcome: 'success' })).to.equal(1);
    expect(valueOf(samples, `${P}reconcile_last_success_timestamp_seconds`)).to.equal(1_700_000_000);
    expect(valueOf(samples, `${P}zone_task_duration_seconds_bucket`, { outcome: 'changed', le: '0.25' })).to.equal(1);
    expect(valueOf(samples, `${P}zone_task_duration_seconds_bucket`, { outcome: 'changed', le: '0.1' })).to.equal(0);
    expect(valueOf(samples, `${P}event_apply_latency_seconds_sum`)).to.equal(0.7);
    expect(valueOf(samples, `${P}zones_managed`, { server: 'default' })).to.equal(7);
    const lastEvent = valueOf(samples, `${P}last_event_received_timestamp_seconds`) ?? 0;
    expect(Math.abs(lastEvent - Date.now() / 1000)).to.be.below(60);
  });

  it('times with startTimer, taking labels at the end', async () => {
    const { metrics } = fresh();
    const end = metrics.zoneTaskDuration.startTimer();
    const seconds = end({ outcome: 'unchanged' });
    const samples = await scrape(metrics);
    expect(seconds).to.be.at.least(0);
    expect(valueOf(samples, `${P}zone_task_duration_seconds_count`, { outcome: 'unchanged' })).to.equal(1);
  });

  it('reads the queue gauges at scrape time through bindQueue', async () => {
    const { metrics } = fresh();
    let pending = 5;
    metrics.bindGauges({ pending: () => pending, running: () => 2 });
    expect(valueOf(await scrape(metrics), `${P}zone_tasks_pending`)).to.equal(5);
    pending = 0;
    const samples = await scrape(metrics);
    expect(valueOf(samples, `${P}zone_tasks_pending`)).to.equal(0);
    expect(valueOf(samples, `${P}zone_tasks_running`)).to.equal(2);
  });

  it('still scrapes when a queue getter throws', async () => {
    const { metrics } = fresh();
    metrics.bindGauges({
      pending: () => {
        throw new Error('queue gone');
      },
      running: () => Number.NaN,
    });
    const samples = await scrape(metrics);
    expect(valueOf(samples, `${P}zone_tasks_pending`)).to.equal(0);
    expect(valueOf(samples, `${P}zone_tasks_running`)).to.equal(0);
  });

  it('records upstream requests and retries through the observer, folding unexpected values', async () => {
    const { metrics } = fresh();
    const observer = metrics.upstreamObserver();
    observer.request({ upstream: 'pdns', method: 'patch', endpoint: 'zone', code: '422', durationSeconds: 0.02 });
    observer.request({ upstream: 'netbox', method: 'GET', endpoint: 'example.com.', code: 'ECONNRESET', durationSeconds: Number.NaN });
    observer.request({ upstream: 'netbox', method: 'BREW', endpoint: 'records', code: 'timeout', durationSeconds: 5 });
    observer.retry({ upstream: 'pdns', operation: 'patchZone', reason: 'http_429', attempt: 1, delayMs: 500 });
    observer.retry({ upstream: 'netbox', operation: 'listZones', reason: 'weird', attempt: 2, delayMs: 500 });
    const samples = await scrape(metrics);
    const requests = `${P}upstream_requests_total`;
    expect(valueOf(samples, requests, { upstream: 'pdns', method: 'PATCH', endpoint: 'zone', code: '422' })).to.equal(1);
    expect(valueOf(samples, requests, { upstream: 'netbox', method: 'GET', endpoint: 'other', code: 'other' })).to.equal(1);
    expect(valueOf(samples, requests, { upstream: 'netbox', method: 'OTHER', endpoint: 'records', code: 'timeout' })).to.equal(1);
    expect(valueOf(samples, `${P}upstream_request_duration_seconds_count`, { upstream: 'pdns', method: 'PATCH' })).to.equal(1);
    expect(valueOf(samples, `${P}upstream_request_duration_seconds_count`, { upstream: 'netbox', method: 'GET' })).to.equal(undefined);
    expect(valueOf(samples, `${P}upstream_request_retries_total`, { upstream: 'pdns', reason: 'http_429' })).to.equal(1);
    expect(valueOf(samples, `${P}upstream_request_retries_total`, { upstream: 'netbox', reason: 'other' })).to.equal(1);
  });

  it('caps the number of distinct endpoint label values', async () => {
    const { metrics } = fresh();
    const observer = metrics.upstreamObserver();
    for (let i = 0; i < MAX_ENDPOINTS + 10; i += 1) {
      observer.request({ upstream: 'pdns', method: 'GET', endpoint: `route_${i}`, code: '200', durationSeconds: 0.01 });
    }
    const endpoints = new Set(samplesOf(await scrape(metrics), `${P}upstream_requests_total`).map((s) => s.labels.endpoint));
    expect(endpoints.size).to.equal(MAX_ENDPOINTS + 1);
    expect(endpoints.has('other')).to.equal(true);
  });

  it('counts log lines by level and ignores unknown levels', async () => {
    const { metrics } = fresh();
    metrics.onLog('error');
    metrics.onLog('error');
    metrics.onLog('silly');
    const samples = await scrape(metrics);
    expect(valueOf(samples, `${P}log_messages_total`, { level: 'error' })).to.equal(2);
    expect(samplesOf(samples, `${P}log_messages_total`)).to.have.length(LOG_LEVELS.length);
  });

  it('builds side by side in separate registries and never touches the global one', async () => {
    const a = fresh();
    const b = fresh();
    a.metrics.zoneTasksQueued.inc({ trigger: 'cli' });
    expect(valueOf(await scrape(a.metrics), `${P}zone_tasks_queued_total`, { trigger: 'cli' })).to.equal(1);
    expect(valueOf(await scrape(b.metrics), `${P}zone_tasks_queued_total`, { trigger: 'cli' })).to.equal(0);
    expect(globalRegistry.getSingleMetric(`${P}build_info`)).to.equal(undefined);
    expect(a.metrics.contentType).to.equal(a.registry.contentType);
  });

  it('uses only the prefix for its own families, with no zone label anywhere', async () => {
    const { metrics } = fresh();
    exerciseAll(metrics);
    const text = await metrics.metricsText();
    for (const name of familyNames(text)) {
      expect(name, name).to.match(new RegExp(`^(${P}|process_|nodejs_)`));
    }
    expect(parseSamples(text).filter((s) => 'zone' in s.labels)).to.deep.equal([]);
  });

  it('passes promtool check metrics (our families)', async () => {
    const { metrics } = fresh();
    exerciseAll(metrics);
    const own = ownFamilies(await metrics.metricsText(), P);
    expect(familyNames(own).size).to.be.at.least(30);
    const result = await run('promtool', ['check', 'metrics'], { input: own });
    expect(result.stdout + result.stderr, 'promtool output').to.equal('');
    expect(result.code).to.equal(0);
  });

  it('defines every metric the alert rules and the dashboard query', async () => {
    const { metrics } = fresh();
    const families = familyNames(await metrics.metricsText());
    const ruleText = readFileSync(RULES_FILE, 'utf8')
      .split('\n')
      .filter((line) => !/^\s*(#|- record:)/.test(line))
      .join('\n');
    const fromRules = referencedMetrics(ruleText, [P]);
    const dashboard = buildDashboard();
    const queries = [
      ...dashboard.panels.flatMap((panel) => (panel.targets ?? []).map((target) => target.expr)),
      ...dashboard.templating.list.map((variable) => (typeof variable.query === 'string' ? variable.query : variable.query.query)),
    ].join('\n');
    const fromDashboard = referencedMetrics(queries, [P, 'process_', 'nodejs_']);
    expect(fromRules.size).to.be.at.least(8);
    expect(fromDashboard.size).to.be.at.least(20);
    const missing = [...fromRules, ...fromDashboard, 'process_start_time_seconds'].filter((name) => !families.has(name));
    expect(missing).to.deep.equal([]);
  });
});
