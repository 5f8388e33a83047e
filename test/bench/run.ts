/**
 * `make bench`: scale, latency and cost of netbox-pdns against a real PowerDNS (loopback; sqlite3, or
 * gpgsql on a throw-away PostgreSQL with BENCH_BACKEND) and the fake NetBox, each beside its floor
 * (the same work done by a bare script, on the same backend), in one run.
 * Prints a table and writes the same figures as JSON (path printed). Benchmarks are not tests:
 * nothing here fails on a timing.
 *
 * Processes: this orchestrator holds the fake NetBox (its CPU is reported per section, so its cost
 * is visible rather than hidden in the daemon's figures); the daemon runs in a child process
 * (daemon-child.ts) so its RSS and CPU are its own; PowerDNS instances are started fresh per floor.
 *
 * Sizes: BENCH_ZONES (2000), BENCH_RRSETS (50), BENCH_QUICK=1 (a small smoke run), BENCH_OUT (JSON
 * path), BENCH_BACKEND (sqlite3 | gpgsql | both: the whole run once per backend, then the headline
 * figures side by side), BENCH_CPU_PROF=1 (profile the daemon child into bench-results/prof),
 * BENCH_DAEMON_NODE_ARGS (node flags for the daemon, e.g. --max-old-space-size=128), BENCH_REVERSE=0
 * (no reverse zones, so a change is one zone's instead of NetBox's record + PTR + zone fan-out),
 * BENCH_SECTIONS=sync (only the cold, no-op, quick and drift sections: what `make bench-curve` runs at
 * each size). Any NETBOX_PDNS_*
 * variable set here is passed to the daemon (e.g. NETBOX_PDNS_WORKERS=8).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import mqtt from 'mqtt';
import { startPdns, type PdnsServer } from '../support/pdns-server.js';
import { freePort } from '../support/ports.js';
import { waitFor } from '../support/wait.js';
import { FAKE_NETBOX_TOKEN, startFakeNetbox, type FakeNetbox } from '../fakes/netbox/index.js';
import { benchDiff, createSpecs, desiredZones, loadStore } from './data.js';
import { bundleDaemon, forkDaemon, diffCounts, meanDurations, sumCounts, type DaemonProc } from './daemon-proc.js';
import { changeFloor, createFloor, fanOutFloor, listingFloor, netboxReadFloor, readFloor, type ChangeFloor } from './floors.js';
import { aRecords, burst, eventLatency, type ARecord } from './events.js';
import { measureFull } from './sections.js';
import { bareNode, bundleCli, runCliSync, type CliRun } from './cli-sync.js';
import { listZones, patchZone, replaceA, type Pdns } from './pdns-direct.js';
import { printTable } from './report.js';
import { round, since } from './stats.js';
import { benchBackends, createBenchStorage } from './backend.js';
import { runEachBackend } from './both.js';

const KEY = 'bench-pdns-api-key-5e1f';
/** The original Python connector's serial-skipping no-op run at 2,000 zones (issue 17), for comparison. */
const ORIGINAL_QUICK_MS = 1500;
const quick = process.env.BENCH_QUICK === '1';
const intEnv = (name: string, fallback: number): number => {
  const value = Number(process.env[name]);
  return Number.isInteger(value) && value > 0 ? value : fallback;
};
const sizes = {
  zones: intEnv('BENCH_ZONES', quick ? 50 : 2000),
  rrsets: intEnv('BENCH_RRSETS', quick ? 10 : 50),
  diffZones: quick ? 100 : 2000,
  diffRrsets: 50,
  driftZones: 0,
  latencyChanges: quick ? 20 : 200,
  burstZones: quick ? 10 : 100,
  burstPerZone: quick ? 10 : 100,
};
sizes.driftZones = Math.max(1, Math.round(sizes.zones * 0.01));
sizes.burstZones = Math.min(sizes.burstZones, sizes.zones);

const backends = benchBackends(process.env.BENCH_BACKEND);
const storage = createBenchStorage(backends[0] ?? 'sqlite3');
const servers: PdnsServer[] = [];
let daemon: DaemonProc | null = null;
let netbox: FakeNetbox | null = null;

/** A new PowerDNS on the run's backend (on gpgsql: a new database in the run's cluster). */
async function freshPdns(): Promise<PdnsServer> {
  const server = await startPdns({ apiKey: KEY, ...(await storage.pdnsOptions()) });
  servers.push(server);
  return server;
}
const asPdns = (s: PdnsServer): Pdns => ({ url: s.apiUrl, key: KEY });

function log(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

async function main(): Promise<void> {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const outDir = resolve('bench-results');
  mkdirSync(outDir, { recursive: true });
  const outFile = resolve(process.env.BENCH_OUT ?? join(outDir, `bench-${stamp}.json`));
  const daemonLog = join(dirname(outFile), `daemon-${stamp}.log`);
  const results: Record<string, unknown> = {
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? '?', memGb: round(totalmem() / 2 ** 30), node: process.version, platform: process.platform },
    sizes, quick, startedAt: new Date().toISOString(), pdnsBackend: storage.describe(),
  };

  log(`pure diff: ${sizes.diffZones} zones × ${sizes.diffRrsets} rrsets`);
  results.diff = benchDiff(sizes.diffZones, sizes.diffRrsets);

  log(`loading the fake NetBox: ${sizes.zones} zones × ${sizes.rrsets} records`);
  const store = loadStore(sizes.zones, sizes.rrsets, process.env.BENCH_REVERSE !== '0');
  const specs = createSpecs(desiredZones(store));
  const zoneNames = specs.map((s) => s.name);
  const rrsetsTotal = specs.reduce((n, s) => n + s.rrsets.length, 0);
  results.data = { zones: specs.length, rrsets: rrsetsTotal };

  const createFloors = [];
  for (const concurrency of [1, 4, 8]) {
    log(`floor: create ${specs.length} zones at concurrency ${concurrency}`);
    const server = await freshPdns();
    createFloors.push(await createFloor(asPdns(server), specs, concurrency));
    await server.stop();
  }

  netbox = await startFakeNetbox({ store });
  log('floor: read all of NetBox (every page, 4 at a time)');
  const netboxFloor = await netboxReadFloor({ url: netbox.url, token: FAKE_NETBOX_TOKEN, concurrency: 4 });
  results.netboxReadFloor = netboxFloor;
  const pdns = await freshPdns();
  const script = await bundleDaemon(join(outDir, '.build'));
  const nodeArgs = (process.env.BENCH_DAEMON_NODE_ARGS ?? '').split(/\s+/).filter((a) => a !== '');
  daemon = forkDaemon(script, { nodeArgs, ...(process.env.BENCH_CPU_PROF === '1' ? { cpuProfDir: join(outDir, 'prof') } : {}) });
  const passThrough = Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('NETBOX_PDNS_'))) as Record<string, string>;
  const started = await daemon.start({
    NETBOX_PDNS_NB_URL: netbox.url, NETBOX_PDNS_NB_TOKEN: FAKE_NETBOX_TOKEN, NETBOX_PDNS_NB_NS_ID: '1',
    NETBOX_PDNS_PDNS_URL: pdns.apiUrl, NETBOX_PDNS_PDNS_TOKEN: KEY,
    NETBOX_PDNS_HTTP_HOST: '127.0.0.1', NETBOX_PDNS_HTTP_PORT: String(await freePort()),
    NETBOX_PDNS_MQTT_BROKER_URL: 'embedded', NETBOX_PDNS_EMBEDDED_BROKER_HOST: '127.0.0.1',
    NETBOX_PDNS_EMBEDDED_BROKER_PORT: String(await freePort()), NETBOX_PDNS_MQTT_CLIENT_ID: `netbox-pdns-bench-${process.pid}`,
    NETBOX_PDNS_SYNC_ON_STARTUP: 'false', NETBOX_PDNS_SYNC_CRONTAB: '0 0 1 1 *', NETBOX_PDNS_QUICK_SYNC_CRONTAB: 'off', NETBOX_PDNS_LOG_FORMAT: 'json',
    ...passThrough,
  }, daemonLog);
  const base = `http://127.0.0.1:${started.httpPort}`;
  await waitFor(async () => ((await (await fetch(`${base}/status`)).json()) as { mqtt?: { connected?: boolean } }).mqtt?.connected === true,
    { message: 'the daemon to connect to its broker' });
  results.daemon = { pid: daemon.pid, idleRssMb: round(started.rssMb), nodeArgs, log: daemonLog };

  log('cold full sync');
  const cold = await measureFull(daemon, netbox);
  const inPdns = (await listZones(asPdns(pdns))).length;
  const fastestCreate = Math.min(...createFloors.map((f) => f.ms));
  // The floor a bare script meets: read all of NetBox, then create every zone at its best concurrency.
  const coldFloor = netboxFloor.ms + fastestCreate;
  results.cold = {
    ...cold, writtenZones: cold.writtenZones.length, zonesInPdns: inPdns, floors: createFloors, floorWithNetboxMs: round(coldFloor),
    ratio: round(cold.ms / coldFloor, 2), ratioWithoutNetbox: round(cold.ms / fastestCreate, 2), pdnsRatio: round(cold.pdnsPhaseMs / fastestCreate, 2),
    msPerZone: round(cold.ms / specs.length, 3),
  };

  log('floor: read every zone');
  const readFloors = [await readFloor(asPdns(pdns), zoneNames, 1), await readFloor(asPdns(pdns), zoneNames, 4)];
  log('no-op full reconcile');
  const noop = await measureFull(daemon, netbox);
  const readConc = readFloors[1]?.ms ?? Number.NaN;
  const noopFloor = netboxFloor.ms + readConc;
  results.noop = {
    ...noop, writtenZones: noop.writtenZones.length, floors: readFloors, floorWithNetboxMs: round(noopFloor),
    ratio: round(noop.ms / noopFloor, 2), ratioWithoutNetbox: round(noop.ms / readConc, 2), pdnsRatio: round(noop.pdnsPhaseMs / readConc, 2),
    msPerZone: round(noop.ms / specs.length, 3),
  };

  log('quick reconcile with nothing changed');
  const listing = await listingFloor({ url: netbox.url, token: FAKE_NETBOX_TOKEN, pdns: asPdns(pdns) });
  const quickRun = await measureFull(daemon, netbox, true);
  results.quick = {
    ...quickRun, writtenZones: quickRun.writtenZones.length, listingFloorMs: round(listing.ms), ratio: round(quickRun.ms / listing.ms, 2),
    originalMs: ORIGINAL_QUICK_MS, originalRatio: round(quickRun.ms / ORIGINAL_QUICK_MS, 2), msPerZone: round(quickRun.ms / specs.length, 3),
  };

  log(`drift: ${sizes.driftZones} zones changed directly in PowerDNS`);
  const step = Math.max(1, Math.floor(zoneNames.length / sizes.driftZones));
  const drifted = Array.from({ length: sizes.driftZones }, (_, i) => zoneNames[i * step] as string);
  for (const zone of drifted) await patchZone(asPdns(pdns), zone, [replaceA(`host0.${zone}`, '192.0.2.99')]);
  const drift = await measureFull(daemon, netbox);
  const onlyThose = drift.writtenZones.length === drifted.length && drift.writtenZones.every((z) => drifted.includes(z));
  results.drift = { ...drift, drifted: drifted.length, onlyDriftedZonesWritten: onlyThose };

  results.cli = await measureCliSync(outDir, netbox.url, passThrough);

  if (process.env.BENCH_SECTIONS === 'sync') {
    await finish(results, outFile, base);
    return;
  }

  log('floor: one change by hand (NetBox read + PowerDNS GET + PATCH)');
  // The changes are made to forward zones' A records (their PTRs follow in the reverse zones).
  const zones = store.listZones().filter((z) => !z.name.endsWith('.arpa'));
  const zone0 = zones[0];
  const rec0 = aRecords(store, zone0?.id ?? 0)[0];
  const rec0Value = store.getRecord(rec0?.id ?? 0)?.value ?? '';
  const floorChange = await changeFloor({
    pdns: asPdns(pdns), dnsPort: pdns.dnsPort, netboxUrl: netbox.url, netboxToken: FAKE_NETBOX_TOKEN, zone: `${zone0?.name ?? ''}.`, zoneId: zone0?.id ?? 0,
    fqdn: rec0?.fqdn ?? '', originalIp: rec0Value, n: sizes.latencyChanges,
  });
  // With reverse zones a change is two zones' work: the floor for that does both zones by hand.
  const reverse0 = store.listZones().find((z) => z.name.endsWith('.arpa') && rec0Value.split('.').slice(0, 3).reverse().join('.') === z.name.replace('.in-addr.arpa', ''));
  let floorFanOut: ChangeFloor | null = null;
  if (reverse0) {
    log('floor: the same change with its PTR by hand (both zones read at once, two PATCHes)');
    floorFanOut = await fanOutFloor({
      pdns: asPdns(pdns), dnsPort: pdns.dnsPort, netboxUrl: netbox.url, netboxToken: FAKE_NETBOX_TOKEN, n: sizes.latencyChanges,
      forward: { zone: `${zone0?.name ?? ''}.`, zoneId: zone0?.id ?? 0, fqdn: rec0?.fqdn ?? '', originalIp: rec0Value },
      reverse: { zone: `${reverse0.name}.`, zoneId: reverse0.id, spareName: `255.${reverse0.name}.` },
    });
  }

  const client = await mqtt.connectAsync(started.brokerUrl, { protocolVersion: 4, clientId: `bench-pub-${process.pid}` });
  log(`event latency: ${sizes.latencyChanges} sequential changes`);
  const latencyRecords = zones.slice(1).map((z) => aRecords(store, z.id)[0]).filter((r): r is ARecord => r !== undefined);
  let before = await daemon.counters();
  netbox.resetRequests();
  const latency = await eventLatency({ store, client, dnsPort: pdns.dnsPort, records: latencyRecords, n: sizes.latencyChanges });
  await daemon.idle();
  let after = await daemon.counters();
  results.latency = {
    ...latency, floor: floorChange,
    ratioP50: round(latency.p50 / floorChange.served.p50, 2), ratioP99: round(latency.p99 / floorChange.served.p99, 2),
    callsRatioP50: round(latency.p50 / floorChange.p50, 2), callsRatioP99: round(latency.p99 / floorChange.p99, 2),
    ...(floorFanOut ? {
      floorFanOut, fanOutRatioP50: round(latency.p50 / floorFanOut.served.p50, 2), fanOutRatioP99: round(latency.p99 / floorFanOut.served.p99, 2),
    } : {}),
    pdnsRequests: diffCounts(after.requests, before.requests), netboxRequests: netbox.requests.length, peakRssMb: round(after.peakRssMb),
    daemonTimings: meanDurations(after.durations, before.durations),
  };

  log(`burst: ${sizes.burstZones} zones × ${sizes.burstPerZone} record changes`);
  const byZone = zones.slice(-sizes.burstZones).map((z) => aRecords(store, z.id));
  await daemon.resetPeak();
  before = await daemon.counters();
  netbox.resetRequests();
  const burstResult = await burst({ store, client, dnsPort: pdns.dnsPort, byZone, perZone: sizes.burstPerZone, timeoutMs: 60_000 });
  await daemon.idle();
  after = await daemon.counters();
  const burstPdns = diffCounts(after.requests, before.requests);
  const patches = burstPdns['pdns PATCH'] ?? 0;
  results.burst = {
    ...burstResult, pdnsRequests: burstPdns, patches, patchesPerZone: round(patches / sizes.burstZones, 2),
    pdnsWrites: sumCounts(burstPdns, 'pdns ', true), netboxRequests: netbox.requests.length, peakRssMb: round(after.peakRssMb),
  };
  await client.endAsync();

  await finish(results, outFile, base);
}

/**
 * `netbox-pdns sync` cold into a fresh PowerDNS, as configured and with V8 left to size the heap
 * itself (HEAP_GROWTH_PERCENT=0), beside a bare node process: what the pacing buys and costs.
 */
async function measureCliSync(outDir: string, netboxUrl: string, passThrough: Record<string, string>): Promise<Record<string, unknown>> {
  const bundle = await bundleCli(join(outDir, '.build'));
  const bare = await bareNode(bundle);
  const run = async (extra: Record<string, string>): Promise<CliRun & { zonesInPdns: number }> => {
    const server = await freshPdns();
    const result = await runCliSync(bundle, {
      NETBOX_PDNS_NB_URL: netboxUrl, NETBOX_PDNS_NB_TOKEN: FAKE_NETBOX_TOKEN, NETBOX_PDNS_NB_NS_ID: '1',
      NETBOX_PDNS_PDNS_URL: server.apiUrl, NETBOX_PDNS_PDNS_TOKEN: KEY, ...passThrough, ...extra,
    });
    const zonesInPdns = (await listZones(asPdns(server))).length;
    await server.stop();
    return { ...result, ms: round(result.ms), maxRssMb: round(result.maxRssMb), zonesInPdns };
  };
  log('sync command, cold, as configured');
  const configured = await run({});
  log('sync command, cold, V8 sizing the heap itself (HEAP_GROWTH_PERCENT=0)');
  const v8Default = await run({ NETBOX_PDNS_HEAP_GROWTH_PERCENT: '0' });
  return {
    bareNodeRssMb: round(bare.maxRssMb), configured, v8Default,
    rssRatioToBare: round(configured.maxRssMb / bare.maxRssMb, 2), timeRatioToV8Default: round(configured.ms / v8Default.ms, 2),
  };
}

async function finish(results: Record<string, unknown>, outFile: string, base: string): Promise<void> {
  // What the daemon found (its /status): the backend it detected and the write concurrency it used.
  const target = ((await (await fetch(`${base}/status`)).json()) as { targets?: Record<string, { backend?: string; write_concurrency?: number }> }).targets?.default;
  results.pdnsBackend = { ...storage.describe(), detected: target?.backend ?? null, writeConcurrency: target?.write_concurrency ?? null };
  const final = await (daemon as DaemonProc).counters();
  results.daemon = { ...(results.daemon as object), maxRssMb: round(final.maxRssMb), cpuMs: round(final.cpuMs) };
  results.finishedAt = new Date().toISOString();
  writeFileSync(outFile, `${JSON.stringify(results, null, 2)}\n`);
  printTable(results);
  process.stdout.write(`\nJSON: ${outFile}\n`);
}

async function cleanup(): Promise<void> {
  await daemon?.stop().catch(() => undefined);
  await netbox?.close().catch(() => undefined);
  for (const s of servers) await s.stop().catch(() => undefined);
  await storage.close().catch(() => undefined);
}

const t0 = performance.now();
const run = backends.length > 1
  ? () => {
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    return runEachBackend(backends, (b) => resolve(join('bench-results', `bench-${stamp}-${b}.json`)));
  }
  : main;
run().then(
  async () => {
    await cleanup();
    log(`done in ${round(since(t0) / 1000)} s`);
  },
  async (err: unknown) => {
    log(`failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
    await cleanup();
    process.exitCode = 1;
  },
);
