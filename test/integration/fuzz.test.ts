/**
 * Bad input at scale: 10,000 generated malformed inputs (seeded, test/support/fuzz-inputs.ts)
 * through MQTT and POST /webhook, interleaved with valid events. The promise under test: the daemon
 * never falls over, counts every bad input with a reason, still applies every valid event, and never
 * builds a PowerDNS request from a name that is not a NetBox zone. A recording proxy in front of
 * PowerDNS keeps every request's URL and body, so the last claim is checked on what was really sent.
 */
import { expect } from 'chai';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startSyncEnv, type SyncEnv } from '../support/sync-env.js';
import { startDaemon, WEBHOOK_SECRET, type RunningDaemon } from '../support/daemon-env.js';
import { waitFor } from '../support/wait.js';
import { compact, generateBadInputs, signBody, type FuzzCase } from '../support/fuzz-inputs.js';
import { serializeWebhook, type WebhookEnvelope } from '../fakes/netbox/index.js';
import { pdnsZoneId } from '../../src/pdns/zone-id.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20260501);
/** 10,000 by default; a soak run sets FUZZ_COUNT higher (and FUZZ_SEED to vary the inputs). */
const BAD_INPUTS = Math.max(10_000, Number(process.env.FUZZ_COUNT ?? 0));
/** One valid event every this many inputs. */
const VALID_EVERY = 25;
const BATCH = 500;
const MAX_BYTES = 16_384;
const ZONES = ['fuzz-a.example', 'fuzz-b.example', 'fuzz-c.example'];

interface Recorded { method: string; url: string; body: string }

/** A pass-through HTTP proxy that keeps every request's method, URL and body. */
async function startRecorder(target: string): Promise<{ url: string; requests: Recorded[]; close(): Promise<void> }> {
  const to = new URL(target);
  const requests: Recorded[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      requests.push({ method: req.method ?? 'GET', url: req.url ?? '', body: body.toString('utf8') });
      const up = httpRequest({ host: to.hostname, port: to.port, method: req.method, path: req.url, headers: { ...req.headers, host: to.host } }, (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      });
      up.on('error', () => res.destroy());
      up.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** Runs `fn` over `items` with at most `limit` in flight. */
async function pool<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await fn(items[next++] as T);
  }));
}

describe('fuzz: malformed events through MQTT and POST /webhook', function () {
  this.timeout(120_000 * Math.ceil(BAD_INPUTS / 10_000));
  let env: SyncEnv;
  let d: RunningDaemon;
  let recorder: Awaited<ReturnType<typeof startRecorder>>;
  const envelopes: WebhookEnvelope[] = [];

  before(async () => {
    env = await startSyncEnv();
    for (const zone of ZONES) {
      env.netbox.store.createZone({ name: zone, nameservers: ['ns1.example.net'], soa_mname: 'ns1.example.net', soa_rname: `hostmaster.${zone}` });
      env.netbox.store.createRecord({ zone, name: 'www', type: 'A', value: '192.0.2.1', disable_ptr: true });
    }
    env.netbox.onEvent((e) => envelopes.push(e));
    recorder = await startRecorder(env.proxy.url);
    d = await startDaemon(env, {
      NETBOX_PDNS_PDNS_URL: recorder.url,
      NETBOX_PDNS_MQTT_MAX_PAYLOAD_BYTES: String(MAX_BYTES),
      NETBOX_PDNS_WEBHOOK_MAX_BODY_BYTES: String(MAX_BYTES),
      NETBOX_PDNS_WEBHOOK_RATE_LIMIT: '10000000',
      // The bad inputs reuse bodies with a fixed timestamp; replay protection has its own tests.
      NETBOX_PDNS_WEBHOOK_MAX_AGE: '0',
    });
    await waitFor(async () => ((await (await d.get('/status')).json()) as { initial_sync: { completed: boolean }; mqtt: { connected: boolean } })
      .initial_sync.completed, { message: 'initial sync' });
    await waitFor(async () => ((await (await d.get('/status')).json()) as { mqtt: { connected: boolean } }).mqtt.connected, { message: 'MQTT connected' });
  });
  after(async () => {
    await d?.stop();
    await recorder?.close();
    await env?.stop();
  });

  it(`survives ${BAD_INPUTS} bad inputs, counts each one, and applies every valid event`, async () => {
    const bad = generateBadInputs({ seed: SEED, count: BAD_INPUTS, zones: ZONES, nameserverId: env.nsId, maxBytes: MAX_BYTES, webhookSecret: WEBHOOK_SECRET });
    const rejectedBefore = await d.metric('netbox_pdns_events_rejected_total');
    const ignoredBefore = await d.metric('netbox_pdns_events_ignored_total');
    const receivedBefore = await d.metric('netbox_pdns_events_received_total', { source: 'netbox' }) + await d.metric('netbox_pdns_events_received_total', { source: 'compact' })
      + await d.metric('netbox_pdns_events_received_total', { source: 'webhook' });
    const pub = await d.publisher();
    const statusMismatches: string[] = [];
    const valid: Array<{ zone: string; name: string; value: string }> = [];
    let expectRejected = 0;
    let expectIgnored = 0;

    const sendWebhook = async (body: Buffer, signature: string | null): Promise<number> => {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (signature !== null) headers['x-hook-signature'] = signature;
      try {
        const res = await fetch(`${d.base}/webhook`, { method: 'POST', headers, body });
        await res.arrayBuffer();
        return res.status;
      } catch {
        return -1; // the server may close the socket while a 413 body is still being sent
      }
    };

    let index = 0;
    for (let start = 0; start < bad.length; start += BATCH) {
      const mqttJobs: Array<Promise<unknown>> = [];
      const hooks: Array<{ c: FuzzCase | null; body: Buffer; signature: string | null }> = [];
      for (const c of bad.slice(start, start + BATCH)) {
        if (index++ % VALID_EVERY === 0) {
          // A valid event: a real NetBox change, announced on MQTT (compact or envelope) or the webhook.
          const n = valid.length;
          const zone = ZONES[n % ZONES.length] as string;
          envelopes.length = 0;
          env.netbox.store.createRecord({ zone, name: `v${n}`, type: 'TXT', value: `fuzz valid ${n}` });
          valid.push({ zone, name: `v${n}`, value: `fuzz valid ${n}` });
          const envelope = envelopes.find((e) => e.object_type === 'netbox_dns.record') as WebhookEnvelope;
          const form = n % 3;
          if (form === 0) mqttJobs.push(pub.publishAsync(`dns/zones/${zone}/update`, JSON.stringify(compact(zone)), { qos: 1 }));
          else if (form === 1) mqttJobs.push(pub.publishAsync(`netbox/netbox_dns/record/${envelope.event}`, serializeWebhook(envelope), { qos: 1 }));
          else {
            const body = Buffer.from(serializeWebhook(envelope), 'utf8');
            hooks.push({ c: null, body, signature: signBody(WEBHOOK_SECRET, body) });
          }
        }
        if (c.expect === 'rejected') expectRejected += 1;
        else expectIgnored += 1;
        if (c.channel === 'mqtt') mqttJobs.push(pub.publishAsync(c.topic, c.payload, { qos: 1 }));
        else hooks.push({ c, body: c.payload, signature: c.signature });
      }
      await Promise.all([
        Promise.all(mqttJobs),
        pool(hooks, 16, async (h) => {
          const status = await sendWebhook(h.body, h.signature);
          const wanted = h.c?.status ?? 202;
          if (status !== wanted && !(wanted === 413 && status === -1)) statusMismatches.push(`${h.c?.family ?? 'valid'}: ${status} != ${wanted}`);
        }),
      ]);
      expect((await d.get('/health')).status, `health after ${start + BATCH} inputs`).to.equal(200);
    }

    expect(statusMismatches, 'webhook answers').to.deep.equal([]);
    const counted = async (): Promise<number> =>
      (await d.metric('netbox_pdns_events_rejected_total')) - rejectedBefore + (await d.metric('netbox_pdns_events_ignored_total')) - ignoredBefore;
    await waitFor(async () => (await counted()) === BAD_INPUTS, { timeoutMs: 60_000, message: `${BAD_INPUTS} inputs counted as rejected or ignored` });
    expect((await d.metric('netbox_pdns_events_rejected_total')) - rejectedBefore).to.equal(expectRejected);
    expect((await d.metric('netbox_pdns_events_ignored_total')) - ignoredBefore).to.equal(expectIgnored);
    for (const reason of ['too_large', 'invalid_json', 'invalid_shape', 'topic_mismatch', 'invalid_zone_name', 'unknown_topic', 'bad_signature']) {
      expect(await d.metric('netbox_pdns_events_rejected_total', { reason }), reason).to.be.greaterThan(0);
    }
    // Each event is counted once, by where it came from (a webhook's echo from the broker counts as the webhook).
    const receivedNow = async (): Promise<number> =>
      (await d.metric('netbox_pdns_events_received_total', { source: 'netbox' })) + (await d.metric('netbox_pdns_events_received_total', { source: 'compact' }))
      + (await d.metric('netbox_pdns_events_received_total', { source: 'webhook' }));
    await waitFor(async () => (await receivedNow()) - receivedBefore === valid.length, { timeoutMs: 30_000, message: `${valid.length} valid events received` });
    // A few more than counted would mean a bad input was taken as valid.
    expect((await receivedNow()) - receivedBefore).to.equal(valid.length);

    // Every valid event applied: each record is in PowerDNS.
    await waitFor(async () => {
      for (const zone of ZONES) {
        const z = await env.direct.client.getZone(`${zone}.`);
        const txt = new Set((z?.rrsets ?? []).filter((r) => r.type === 'TXT').map((r) => r.name));
        if (!valid.filter((v) => v.zone === zone).every((v) => txt.has(`${v.name}.${zone}.`))) return false;
      }
      return true;
    }, { timeoutMs: 30_000, message: `all ${valid.length} valid records in PowerDNS` });
    const plan = await env.core().core.engine.fullReconcile('cli', { dryRun: true });
    expect(plan.zones.map((z) => z.outcome)).to.deep.equal(ZONES.map(() => 'unchanged'));
    expect((await d.get('/health')).status).to.equal(200);
    console.log(`      fuzz seed ${SEED}: ${BAD_INPUTS} bad (${expectRejected} rejected, ${expectIgnored} ignored), ${valid.length} valid`);
  });

  it('never sent PowerDNS a request built from a name that is not a NetBox zone', () => {
    const allowed = new Set(ZONES.map((z) => pdnsZoneId(`${z}.`)));
    const offending: string[] = [];
    for (const r of recorder.requests) {
      const path = decodeURIComponent(r.url.split('?')[0] ?? '').replace(/^\/api\/v1\/servers\/localhost\/?/, '');
      // The one request about no zone: the write gate reading the backend (GET /config) once.
      if (r.method === 'GET' && path === 'config') continue;
      const [collection, id, ...rest] = path.split('/');
      if (collection !== 'zones' || (id !== undefined && !allowed.has(id)) || rest.some((p) => p !== 'notify')) offending.push(`${r.method} ${r.url}`);
      if (r.body === '') continue;
      const body = JSON.parse(r.body) as { name?: string; rrsets?: Array<{ name: string }> };
      const names = [...(body.name ? [body.name] : []), ...(body.rrsets ?? []).map((s) => s.name)];
      for (const name of names) {
        if (!ZONES.some((z) => name === `${z}.` || name.endsWith(`.${z}.`)) || !/^[a-z0-9.-]+$/.test(name)) offending.push(`${r.method} ${r.url}: ${name}`);
      }
    }
    expect(recorder.requests.length).to.be.greaterThan(0);
    expect(offending).to.deep.equal([]);
  });
});
