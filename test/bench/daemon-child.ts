/**
 * The daemon under measurement: the real `createDaemon` (config loader, metrics, embedded broker,
 * MQTT intake, engine) in a child process driven over IPC, so its RSS and CPU are measured alone.
 * Logs go to a file in JSON at the configured level, as in production (per-zone info lines included).
 */
import { createWriteStream } from 'node:fs';
import { Registry } from 'prom-client';
import { loadConfig } from '../../src/config/index.js';
import { createDaemon, type Daemon } from '../../src/app/daemon.js';
import { tuneHeap } from '../../src/app/heap-tuning.js';
import { highWaterRssKb } from './high-water.js';
import { createLogger } from '../../src/util/log.js';
import { systemClock } from '../../src/util/clock.js';
import { errorMessage } from '../../src/util/errors.js';
import type {
  ChildCommand, ChildRequest, ChildResponse, CountersReply, FullReply, MemoryReply, ReconcileRecord, StartReply, StateReply,
} from './protocol.js';

const MB = 1024 * 1024;
let daemon: Daemon | null = null;
const registry = new Registry();
let peakRss = 0;
let peakHeap = 0;
/** Sampling every 20 ms catches the peaks of a multi-second phase; the kernel high-water mark covers the rest. */
const sampler = setInterval(() => {
  const m = process.memoryUsage();
  peakRss = Math.max(peakRss, m.rss);
  peakHeap = Math.max(peakHeap, m.heapUsed);
}, 20);

/** Every full reconcile the daemon ran since the last `reconciles` command (the soak's record). */
let reconciles: ReconcileRecord[] = [];

/** Records each full reconcile run, whoever asked for it (cron, retry, API); a run shared by callers once. */
function recordReconciles(d: Daemon): void {
  const engine = d.core.engine;
  const run = engine.fullReconcile.bind(engine);
  const seen = new WeakSet<object>();
  engine.fullReconcile = async (trigger, options) => {
    const result = await run(trigger, options);
    if (!seen.has(result)) {
      seen.add(result);
      const outcomes: Record<string, number> = {};
      for (const z of result.zones) outcomes[z.outcome] = (outcomes[z.outcome] ?? 0) + 1;
      const endedAt = Date.now();
      reconciles.push({
        trigger: result.trigger, outcome: result.outcome, ...(result.error ? { error: result.error } : {}),
        startedAt: endedAt - result.durationMs, endedAt, outcomes,
      });
    }
    return result;
  };
}

async function metricSum(name: string): Promise<number> {
  const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
  return (metric?.values ?? []).reduce((n, v) => n + v.value, 0);
}

function current(): Daemon {
  if (!daemon) throw new Error('daemon not started');
  return daemon;
}

async function requests(): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const metric of await registry.getMetricsAsJSON()) {
    if (metric.name !== 'netbox_pdns_upstream_requests_total') continue;
    for (const v of metric.values) {
      const key = `${String(v.labels.upstream)} ${String(v.labels.method)}`;
      out[key] = (out[key] ?? 0) + v.value;
    }
  }
  return out;
}

const TIMED: Record<string, (labels: Record<string, string | number>) => string> = {
  netbox_pdns_zone_task_duration_seconds: (l) => `task ${String(l.outcome)}`,
  netbox_pdns_upstream_request_duration_seconds: (l) => `${String(l.upstream)} ${String(l.method)}`,
};

async function durations(): Promise<Record<string, { sum: number; count: number }>> {
  const out: Record<string, { sum: number; count: number }> = {};
  for (const metric of await registry.getMetricsAsJSON()) {
    const key = TIMED[metric.name];
    if (!key) continue;
    for (const v of metric.values as Array<{ metricName?: string; labels: Record<string, string | number>; value: number }>) {
      const name = v.metricName ?? '';
      const entry = (out[key(v.labels)] ??= { sum: 0, count: 0 });
      if (name.endsWith('_sum')) entry.sum += v.value;
      else if (name.endsWith('_count')) entry.count += v.value;
    }
  }
  return out;
}

async function handle(command: ChildCommand): Promise<unknown> {
  switch (command.cmd) {
    case 'start': {
      const config = loadConfig({ env: command.env });
      tuneHeap(config);
      const stream = createWriteStream(command.logFile, { flags: 'a' });
      const logger = createLogger({ level: config.log_level, format: 'json', stream }).child({ service: 'netbox-pdns' });
      daemon = createDaemon(config, { logger, clock: systemClock, build: { version: 'bench', revision: 'bench' }, registry });
      recordReconciles(daemon);
      const started = await daemon.start();
      const reply: StartReply = { httpPort: started.httpPort, brokerUrl: started.brokerUrl ?? '', rssMb: process.memoryUsage.rss() / MB };
      return reply;
    }
    case 'full': {
      // No skew window: the bench's data was loaded moments ago, and would all count as moved.
      const engine = current().core.engine;
      const result = command.quick === true ? await engine.quickReconcile('quick', 0) : await engine.fullReconcile('api');
      const outcomes: Record<string, number> = {};
      for (const z of result.zones) outcomes[z.outcome] = (outcomes[z.outcome] ?? 0) + 1;
      const written = result.zones.filter((z) => ['created', 'changed', 'deleted'].includes(z.outcome)).map((z) => z.zone);
      const reply: FullReply = {
        outcome: result.outcome, durationMs: result.durationMs, outcomes, writtenZones: written,
        ...(result.error ? { error: result.error } : {}),
      };
      return reply;
    }
    case 'counters': {
      const cpu = process.cpuUsage();
      const reply: CountersReply = {
        requests: await requests(),
        durations: await durations(),
        peakRssMb: Math.max(peakRss, process.memoryUsage.rss()) / MB,
        peakHeapMb: peakHeap / MB,
        maxRssMb: highWaterRssKb() / 1024,
        rssMb: process.memoryUsage.rss() / MB,
        cpuMs: (cpu.user + cpu.system) / 1000,
      };
      return reply;
    }
    case 'resetPeak':
      peakRss = process.memoryUsage.rss();
      peakHeap = process.memoryUsage().heapUsed;
      return null;
    case 'idle':
      await current().core.engine.runner.idle();
      return null;
    case 'memory': {
      const gc = (globalThis as { gc?: () => void }).gc;
      gc?.();
      const m = process.memoryUsage();
      const reply: MemoryReply = { rssMb: m.rss / MB, heapUsedMb: m.heapUsed / MB, heapTotalMb: m.heapTotal / MB, externalMb: m.external / MB, gc: gc !== undefined };
      return reply;
    }
    case 'reconciles': {
      const out = reconciles;
      reconciles = [];
      return out;
    }
    case 'state': {
      const engine = current().core.engine;
      const reply: StateReply = {
        queuePending: engine.runner.pending(), queueRunning: engine.runner.running(), ledger: engine.ledger.size(),
        rejectedRrsets: engine.rejectedRrsets(),
        eventsReceived: await metricSum('netbox_pdns_events_received_total'),
        eventsRejected: await metricSum('netbox_pdns_events_rejected_total'),
        eventsIgnored: await metricSum('netbox_pdns_events_ignored_total'),
      };
      return reply;
    }
    case 'stop':
      await daemon?.stop();
      clearInterval(sampler);
      setTimeout(() => process.exit(0), 50).unref();
      return null;
  }
}

process.on('message', (message: ChildRequest) => {
  handle(message.command).then(
    (result) => process.send?.({ id: message.id, ok: true, result } satisfies ChildResponse),
    (err: unknown) => process.send?.({ id: message.id, ok: false, error: errorMessage(err) } satisfies ChildResponse),
  );
});
process.on('disconnect', () => process.exit(0));
