/**
 * `make bench-soak`: the daemon under a steady stream of real NetBox changes for a bounded time,
 * against a real PowerDNS (sqlite3, loopback) and the fake NetBox, printing over time what must not
 * drift, then a verdict (soak-verdict.ts). A benchmark, not a test: it fails nothing; it says.
 *
 * What runs, from the start (after a cold sync):
 * - changes in the fake NetBox at BENCH_SOAK_RATE per second (default 50): addresses and TXT values
 *   changed, A records created and deleted, over BENCH_ZONES forward zones (default 500) and their
 *   reverse zones (one /24 per ten zones), so most changes touch two zones; every webhook body a
 *   change makes (record, PTR, SOA and zone events) is published over MQTT as NetBox's webhook →
 *   MQTT fan-out would;
 * - malformed messages (BENCH_SOAK_MALFORMED_RATE per second, default 2): bad JSON, wrong shapes,
 *   a compact message whose topic and payload disagree, an empty payload, another app's model;
 * - probes, twice a second: a change to a reserved record, timed from publish until PowerDNS
 *   serves it over DNS (the event latency);
 * - full reconciles from the daemon's cron every BENCH_SOAK_RECONCILE_SECONDS (default 30);
 * - BENCH_SOAK_OUTAGES PowerDNS outages (default 2 from 6 minutes on, else 1) of
 *   BENCH_SOAK_OUTAGE_SECONDS (15): pdns_server stopped and started again on the same ports.
 * Every BENCH_SOAK_REPORT_SECONDS (60) a line: RSS and heap (after a GC), peak RSS, latency p50 /
 * p99, full reconcile outcomes, changes, messages and what the daemon rejected. At the end the
 * table again, the verdict and JSON in bench-results/ (or BENCH_OUT).
 *
 * BENCH_SOAK_MINUTES (default 10), BENCH_RRSETS (50 records per zone, as `make bench`), BENCH_SOAK_SEED; any
 * NETBOX_PDNS_* variable is passed to the daemon, BENCH_DAEMON_NODE_ARGS to its node.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import mqtt from 'mqtt';
import { startPdns, type PdnsServer } from '../support/pdns-server.js';
import { freePort } from '../support/ports.js';
import { waitFor } from '../support/wait.js';
import { FAKE_NETBOX_TOKEN, FakeNetboxStore, bulkLoad, startFakeNetbox, syntheticSeed, type FakeNetbox, type WebhookEnvelope } from '../fakes/netbox/index.js';
import { bundleDaemon, diffCounts, forkDaemon, sumCounts, type DaemonProc } from './daemon-proc.js';
import { NAMESERVER } from './data.js';
import { captureEvents, publish, served } from './events.js';
import { fmt, formatTable } from './report.js';
import { percentile, round } from './stats.js';
import type { ReconcileRecord } from './protocol.js';
import { LATENCY_TIMEOUT_MS, judge, overlaps, type LatencySample, type MemorySample, type Window } from './soak-verdict.js';

const KEY = 'bench-pdns-api-key-5e1f';
const num = (name: string, fallback: number, min = Number.MIN_VALUE): number => {
  const raw = process.env[name];
  const value = raw === undefined || raw === '' ? Number.NaN : Number(raw);
  return Number.isFinite(value) && value >= min ? value : fallback;
};
const minutes = num('BENCH_SOAK_MINUTES', 10);
const settings = {
  minutes,
  zones: Math.round(num('BENCH_ZONES', 500, 1)),
  rrsets: Math.max(5, Math.round(num('BENCH_RRSETS', 50, 1))),
  changesPerSecond: num('BENCH_SOAK_RATE', 50),
  malformedPerSecond: num('BENCH_SOAK_MALFORMED_RATE', 2, 0),
  outages: Math.round(num('BENCH_SOAK_OUTAGES', minutes >= 6 ? 2 : 1, 0)),
  outageSeconds: num('BENCH_SOAK_OUTAGE_SECONDS', 15),
  recoverySeconds: num('BENCH_SOAK_RECOVERY_SECONDS', 30, 0),
  reconcileSeconds: Math.round(num('BENCH_SOAK_RECONCILE_SECONDS', 30, 1)),
  reportSeconds: num('BENCH_SOAK_REPORT_SECONDS', 60, 1),
  warmupMinutes: minutes >= 10 ? 2 : minutes >= 3 ? 1 : minutes / 3,
  probesPerSecond: 2,
  seed: Math.round(num('BENCH_SOAK_SEED', 1)),
};

const log = (message: string): void => void process.stderr.write(`[soak] ${message}\n`);

/** Deterministic PRNG (the same stream of changes on every run with one seed). */
function prng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
}

/** Messages the daemon must count and drop, never act on or die of. */
function malformed(zone: string): Array<[string, string]> {
  return [
    ['netbox/netbox_dns/record/updated', 'not json {'],
    ['netbox/netbox_dns/record/updated', JSON.stringify({ event: 'updated', object_type: 'netbox_dns.record' })],
    ['netbox/netbox_dns/zone/created', JSON.stringify({ event: 'created', timestamp: 'yesterday', object_type: 'netbox_dns.zone', data: { id: 'x' } })],
    [`dns/zones/${zone}/update`, JSON.stringify({ zone: `not-${zone}`, serial: 1, event: 'update', timestamp: 0 })],
    [`dns/zones/${zone}/update`, ''],
    ['netbox/dcim/device/created', JSON.stringify({ event: 'created', object_type: 'dcim.device', data: { id: 1 } })],
  ];
}

interface WindowRow {
  to: number;
  changes: number;
  messages: number;
  malformed: number;
  rejected: number;
  latency: { n: number; p50: number; p99: number; timeouts: number };
  reconciles: Record<string, number>;
  rssMb: number;
  heapMb: number;
  peakRssMb: number;
  netboxRequests: number;
  pdnsRequests: number;
  queued: number;
  /** CPU used in the window, % of one core: the daemon's, and the bench process's (the fake NetBox, publisher, probes). */
  daemonCpuPct: number;
  benchCpuPct: number;
  outage: boolean;
}

let daemon: DaemonProc | null = null;
let netbox: FakeNetbox | null = null;
let pdns: PdnsServer | null = null;

async function main(): Promise<void> {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const outDir = resolve('bench-results');
  const outFile = resolve(process.env.BENCH_OUT ?? join(outDir, `soak-${stamp}.json`));
  mkdirSync(dirname(outFile), { recursive: true });
  mkdirSync(outDir, { recursive: true });
  const daemonLog = join(dirname(outFile), `soak-daemon-${stamp}.log`);
  const rand = prng(settings.seed);

  log(`loading the fake NetBox: ${settings.zones} zones × ${settings.rrsets} records, with reverse zones`);
  const store = new FakeNetboxStore();
  bulkLoad(store, syntheticSeed({ zones: settings.zones, recordsPerZone: settings.rrsets, nameserver: NAMESERVER, reverse: true }));
  const forward = store.listZones().filter((z) => !z.name.endsWith('.arpa'));
  const aOf = (zoneId: number): Array<{ id: number; fqdn: string; value: string }> =>
    store.listRecords({ zone: zoneId, type: 'A', managed: false }).map((r) => ({ id: r.id, fqdn: r.fqdn ?? '', value: r.value }));
  // Probes: the first A record of zones spread over the data set, changed by nothing else.
  const probeZones = forward.filter((_, i) => i % Math.max(1, Math.floor(forward.length / 20)) === 0).slice(0, 20);
  const probes = probeZones.map((z) => aOf(z.id)[0]).filter((r) => r !== undefined);
  const probeIds = new Set(probes.map((p) => p.id));
  const pool = forward.flatMap((z) => aOf(z.id).filter((r) => !probeIds.has(r.id)).map((r) => ({ id: r.id, zone: z.name, prefix: r.value.split('.').slice(0, 3).join('.') })));
  const texts = forward.flatMap((z) => store.listRecords({ zone: z.id, type: 'TXT', managed: false }).map((r) => r.id));
  const created: number[] = [];

  netbox = await startFakeNetbox({ store });
  pdns = await startPdns({ apiKey: KEY });
  // Inside the repository, so the bundle finds the npm packages it leaves external.
  const script = await bundleDaemon(join(outDir, '.build'));
  const nodeArgs = ['--expose-gc', ...(process.env.BENCH_DAEMON_NODE_ARGS ?? '').split(/\s+/).filter((a) => a !== '')];
  daemon = forkDaemon(script, { nodeArgs });
  const passThrough = Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('NETBOX_PDNS_'))) as Record<string, string>;
  const every = settings.reconcileSeconds;
  const started = await daemon.start({
    NETBOX_PDNS_NB_URL: netbox.url, NETBOX_PDNS_NB_TOKEN: FAKE_NETBOX_TOKEN, NETBOX_PDNS_NB_NS_ID: '1',
    NETBOX_PDNS_PDNS_URL: pdns.apiUrl, NETBOX_PDNS_PDNS_TOKEN: KEY,
    NETBOX_PDNS_HTTP_HOST: '127.0.0.1', NETBOX_PDNS_HTTP_PORT: String(await freePort()),
    NETBOX_PDNS_MQTT_BROKER_URL: 'embedded', NETBOX_PDNS_EMBEDDED_BROKER_HOST: '127.0.0.1',
    NETBOX_PDNS_EMBEDDED_BROKER_PORT: String(await freePort()), NETBOX_PDNS_MQTT_CLIENT_ID: `netbox-pdns-soak-${process.pid}`,
    NETBOX_PDNS_SYNC_ON_STARTUP: 'false', NETBOX_PDNS_LOG_FORMAT: 'json',
    NETBOX_PDNS_SYNC_CRONTAB: every < 60 ? `*/${every} * * * * *` : `0 */${Math.max(1, Math.round(every / 60))} * * * *`,
    ...passThrough,
  }, daemonLog);
  const base = `http://127.0.0.1:${started.httpPort}`;
  await waitFor(async () => ((await (await fetch(`${base}/status`)).json()) as { mqtt?: { connected?: boolean } }).mqtt?.connected === true,
    { message: 'the daemon to connect to its broker' });
  log('cold full sync');
  const cold = await daemon.full();
  if (cold.outcome !== 'success') throw new Error(`the cold sync did not succeed: ${cold.outcome} ${cold.error ?? ''}`);
  await daemon.reconciles();
  const client = await mqtt.connectAsync(started.brokerUrl, { protocolVersion: 4, clientId: `soak-pub-${process.pid}` });
  const capture = captureEvents(store);

  const durationMs = settings.minutes * 60_000;
  const windowMs = settings.reportSeconds * 1000;
  const t0 = Date.now();
  const until = t0 + durationMs;
  const warmupMs = settings.warmupMinutes * 60_000;
  const outages: Window[] = [];
  const latency: LatencySample[] = [];
  const memory: MemorySample[] = [];
  const reconciles: ReconcileRecord[] = [];
  const rows: WindowRow[] = [];
  const counts = { changes: 0, messages: 0, malformed: 0, failedChanges: 0 };
  let running = true;
  log(`soak: ${settings.minutes} min, ${settings.changesPerSecond} changes/s, ${settings.outages} PowerDNS outage(s) of ${settings.outageSeconds} s, full reconcile every ${every} s`);

  /**
   * One NetBox change; its webhook bodies are taken right after it (everything here is synchronous).
   * The mix: 45 % an address changed (its PTR moves in the reverse zone), 25 % a TXT value changed,
   * 15 % an A record created (with its PTR), 15 % one of those deleted again, so the data stays the
   * same size.
   */
  function change(): WebhookEnvelope[] {
    const r = rand();
    const pick = pool[Math.floor(rand() * pool.length)];
    const text = texts[Math.floor(rand() * texts.length)];
    try {
      if (r < 0.15 && pick) {
        const id = store.createRecord({ zone: pick.zone, name: `soak${counts.changes}`, type: 'A', value: `${pick.prefix}.${1 + Math.floor(rand() * 254)}` }).id;
        created.push(id);
      } else if (r < 0.3 && created.length > 0) {
        store.deleteRecord(created.shift() as number);
      } else if (r < 0.55 && text !== undefined) {
        store.updateRecord(text, { value: `"soak change ${counts.changes}"` });
      } else if (pick) {
        store.updateRecord(pick.id, { value: `${pick.prefix}.${1 + Math.floor(rand() * 254)}` });
      }
    } catch {
      counts.failedChanges += 1;
    }
    counts.changes += 1;
    return capture.take();
  }

  const changes = (async () => {
    const tickMs = 100;
    for (let due = 0; running; ) {
      due += (settings.changesPerSecond * tickMs) / 1000;
      const envelopes: WebhookEnvelope[] = [];
      for (; due >= 1; due -= 1) envelopes.push(...change());
      store.clearEvents();
      counts.messages += envelopes.length;
      const tick = sleep(tickMs);
      await publish(client, envelopes).catch(() => undefined);
      await tick;
    }
  })();

  const bad = (async () => {
    if (settings.malformedPerSecond <= 0) return;
    for (let i = 0; running; i++) {
      const kinds = malformed(forward[i % forward.length]?.name ?? 'zone0.example');
      const [topic, payload] = kinds[i % kinds.length] as [string, string];
      await client.publishAsync(topic, payload, { qos: 1 }).catch(() => undefined);
      counts.malformed += 1;
      await sleep(1000 / settings.malformedPerSecond);
    }
  })();

  const inFlight = new Set<number>();
  const probing = (async () => {
    const pending = new Set<Promise<void>>();
    for (let i = 0; running; i++) {
      const probe = probes[i % probes.length];
      if (probe && !inFlight.has(probe.id)) {
        inFlight.add(probe.id);
        const ip = `${probe.value.split('.').slice(0, 3).join('.')}.${1 + Math.floor(rand() * 254)}`;
        store.updateRecord(probe.id, { value: ip });
        const envelopes = capture.take();
        const at = Date.now();
        const from = performance.now();
        const p = publish(client, envelopes)
          .then(() => served(pdns?.dnsPort ?? 0, probe.fqdn, ip, from, LATENCY_TIMEOUT_MS, 5))
          .then((ms) => void latency.push({ at, ms }), () => void latency.push({ at, ms: null }))
          .finally(() => { inFlight.delete(probe.id); pending.delete(p); });
        pending.add(p);
      }
      await sleep(1000 / settings.probesPerSecond);
    }
    await Promise.all(pending);
  })();

  const sampling = (async () => {
    while (running) {
      const m = await daemon?.memory();
      if (m) memory.push({ at: Date.now(), rssMb: round(m.rssMb), heapMb: round(m.heapUsedMb) });
      await sleep(10_000);
    }
  })();

  const outageRuns = (async () => {
    for (let k = 0; k < settings.outages; k++) {
      // Evenly after warm-up, never in the last report window (memory is compared there).
      const at = t0 + warmupMs + ((k + 1) * Math.max(0, durationMs - warmupMs - windowMs)) / (settings.outages + 1);
      await sleep(Math.max(0, at - Date.now()));
      if (!running || !pdns) return;
      log(`PowerDNS outage ${k + 1}: pdns_server stopped for ${settings.outageSeconds} s`);
      const start = Date.now();
      await pdns.restart({ downUntil: sleep(settings.outageSeconds * 1000) });
      outages.push({ start, end: Date.now() });
      log(`PowerDNS outage ${k + 1} over`);
    }
  })();

  const header = ['to', 'RSS MB', 'heap MB', 'peak RSS', 'latency p50 / p99 ms (n, timeouts)', 'full reconciles', 'changes', 'messages', 'malformed / rejected', 'NetBox req', 'PowerDNS req', 'queued', 'CPU daemon / bench', 'outage'];
  const cells = (w: WindowRow): string[] => [
    `${round((w.to - t0) / 60_000, 1)} min`, fmt(w.rssMb), fmt(w.heapMb), fmt(w.peakRssMb),
    `${fmt(w.latency.p50)} / ${fmt(w.latency.p99)} (${w.latency.n}, ${w.latency.timeouts})`,
    Object.entries(w.reconciles).map(([k, v]) => `${k} ${v}`).join(', ') || '–',
    String(w.changes), String(w.messages), `${w.malformed} / ${w.rejected}`, String(w.netboxRequests), String(w.pdnsRequests), String(w.queued),
    `${w.daemonCpuPct} / ${w.benchCpuPct} %`, w.outage ? 'yes' : '',
  ];
  process.stdout.write(`${header.join(' | ')}\n`);
  let last = { at: t0, changes: 0, messages: 0, malformed: 0, state: await daemon.state(), counters: await daemon.counters(), cpu: process.cpuUsage() };
  await daemon.resetPeak();
  while (Date.now() < until) {
    await sleep(Math.max(0, Math.min(until, last.at + windowMs) - Date.now()));
    const now = Date.now();
    const [state, counters, m, runs] = await Promise.all([daemon.state(), daemon.counters(), daemon.memory(), daemon.reconciles()]);
    await daemon.resetPeak();
    reconciles.push(...runs);
    const benchCpu = process.cpuUsage(last.cpu);
    const inWindow = latency.filter((s) => s.at >= last.at && s.at < now);
    const served_ = inWindow.filter((s) => s.ms !== null).map((s) => s.ms as number);
    const outcomes: Record<string, number> = {};
    for (const r of runs) outcomes[r.outcome] = (outcomes[r.outcome] ?? 0) + 1;
    const row: WindowRow = {
      to: now, changes: counts.changes - last.changes, messages: counts.messages - last.messages, malformed: counts.malformed - last.malformed,
      rejected: state.eventsRejected - last.state.eventsRejected,
      latency: { n: inWindow.length, p50: round(percentile(served_, 50)), p99: round(percentile(served_, 99)), timeouts: inWindow.length - served_.length },
      reconciles: outcomes, rssMb: round(m.rssMb), heapMb: round(m.heapUsedMb), peakRssMb: round(counters.peakRssMb),
      netboxRequests: netbox.requests.length, pdnsRequests: sumCounts(diffCounts(counters.requests, last.counters.requests), 'pdns '),
      queued: state.queuePending + state.queueRunning, outage: overlaps({ start: last.at, end: now }, outages),
      daemonCpuPct: Math.round(((counters.cpuMs - last.counters.cpuMs) / (now - last.at)) * 100),
      benchCpuPct: Math.round(((benchCpu.user + benchCpu.system) / 1000 / (now - last.at)) * 100),
    };
    netbox.resetRequests();
    memory.push({ at: now, rssMb: row.rssMb, heapMb: row.heapMb });
    rows.push(row);
    process.stdout.write(`${cells(row).join(' | ')}\n`);
    last = { at: now, changes: counts.changes, messages: counts.messages, malformed: counts.malformed, state, counters, cpu: process.cpuUsage() };
  }

  running = false;
  log('stopping the load; waiting for the last probes');
  await Promise.all([changes, bad, probing, sampling, outageRuns]);
  capture.stop();
  await client.endAsync();
  reconciles.push(...await daemon.reconciles());
  const finalState = await daemon.state();
  const affected = outages.map((o) => ({ start: o.start, end: o.end + settings.recoverySeconds * 1000 }));
  const verdict = judge({ startedAt: t0, endedAt: until, warmupMs, windowMs, affected, reconciles, memory, latency });

  const lines = [
    `netbox-pdns soak: ${settings.minutes} min, ${forward.length} zones (+ ${store.listZones().length - forward.length} reverse) × ${settings.rrsets} records, `
      + `${settings.changesPerSecond} changes/s, full reconcile every ${every} s, ${outages.length} PowerDNS outage(s)`,
    formatTable([header, ...rows.map(cells)]),
    '',
    `full reconciles: ${verdict.reconciles.ok ? 'ok' : 'NO'}: ${verdict.reconciles.detail}`
      + (verdict.reconciles.failures.length > 0 ? `; failed: ${verdict.reconciles.failures.map((f) => `${f.at} ${f.outcome} ${f.error ?? ''}`).join('; ')}` : ''),
    `RSS after warm-up: ${verdict.rss.ok ? 'ok' : 'NO'}: ${verdict.rss.detail}`,
    `heap after warm-up (after GC): ${verdict.heap.ok ? 'ok' : 'NO'}: ${verdict.heap.detail}`,
    `event latency flat: ${verdict.latency.ok ? 'ok' : 'NO'}: ${verdict.latency.detail}`,
    `changes ${counts.changes} (${counts.failedChanges} refused by NetBox), messages ${counts.messages}, malformed ${counts.malformed}; `
      + `daemon received ${finalState.eventsReceived}, rejected ${finalState.eventsRejected}, ignored ${finalState.eventsIgnored}; `
      + `at the end: queue ${finalState.queuePending} pending / ${finalState.queueRunning} running, read ledger ${finalState.ledger}, rejected rrsets ${finalState.rejectedRrsets}`,
    `VERDICT: ${verdict.ok ? 'PASS' : 'FAIL'}`,
  ];
  writeFileSync(outFile, `${JSON.stringify({ settings, startedAt: new Date(t0).toISOString(), outages, counts, finalState, rows, reconciles, memory, latency, verdict, daemonLog }, null, 2)}\n`);
  process.stdout.write(`\n${lines.join('\n')}\nJSON: ${outFile}\n`);
}

async function cleanup(): Promise<void> {
  await daemon?.stop().catch(() => undefined);
  await netbox?.close().catch(() => undefined);
  await pdns?.stop().catch(() => undefined);
}

main().then(cleanup, async (err: unknown) => {
  log(`failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
  await cleanup();
  process.exitCode = 1;
});
