/**
 * The daemon end to end: NetBox change → event (MQTT or webhook) → queue → PowerDNS answers it.
 * Real PowerDNS, embedded aedes broker, fake NetBox; nothing of ours is mocked.
 */
import { expect } from 'chai';
import { startSyncEnv, type SyncEnv } from '../support/sync-env.js';
import { startDaemon, API_KEY, type RunningDaemon } from '../support/daemon-env.js';
import { queryDns } from '../support/dns.js';
import { waitFor } from '../support/wait.js';
import { serializeWebhook, type WebhookEnvelope } from '../fakes/netbox/index.js';

describe('daemon', function () {
  this.timeout(60_000);
  let env: SyncEnv;
  let d: RunningDaemon;
  const events: WebhookEnvelope[] = [];

  before(async () => {
    env = await startSyncEnv();
    const s = env.netbox.store;
    s.createZone({ name: 'live.example', nameservers: ['ns1.example.net'], soa_mname: 'ns1.example.net', soa_rname: 'hostmaster.live.example' });
    s.createZone({ name: '113.0.203.in-addr.arpa', nameservers: ['ns1.example.net'], soa_mname: 'ns1.example.net', soa_rname: 'hostmaster.live.example' });
    s.createRecord({ zone: 'live.example', name: 'www', type: 'A', value: '203.0.113.1' });
    env.netbox.onEvent((e) => events.push(e));
    d = await startDaemon(env);
    await waitFor(async () => (await (await d.get('/status')).json() as { initial_sync: { completed: boolean } }).initial_sync.completed,
      { message: 'initial sync did not complete' });
  });
  after(async () => {
    await d?.stop();
    await env?.stop();
  });

  it('serves /health, and /status shows the initial sync and the MQTT connection', async () => {
    expect((await d.get('/health')).status).to.equal(200);
    expect(await (await d.get('/health')).json()).to.deep.equal({ status: 'Healthy' });
    const status = await (await d.get('/status')).json() as { status: string; initial_sync: Record<string, unknown> };
    expect(status.status).to.equal('Healthy');
    expect(status.initial_sync).to.include({ started: true, completed: true, error: null });
    await waitFor(async () => ((await (await d.get('/status')).json()) as { mqtt: { connected: boolean } }).mqtt.connected);
    expect((await queryDns(env.pdns.dnsPort, 'www.live.example', 'A')).answers).to.deep.equal(['203.0.113.1']);
  });

  it('applies a record published as a NetBox event on MQTT, with its PTR', async () => {
    events.length = 0;
    env.netbox.store.createRecord({ zone: 'live.example', name: 'api', type: 'A', value: '203.0.113.7' });
    const pub = await d.publisher();
    for (const e of events) await pub.publishAsync(`netbox/${String(e.object_type).replace('.', '/')}/${e.event}`, serializeWebhook(e), { qos: 1 });
    await waitFor(async () => (await queryDns(env.pdns.dnsPort, 'api.live.example', 'A')).answers[0] === '203.0.113.7');
    await waitFor(async () => (await queryDns(env.pdns.dnsPort, '7.113.0.203.in-addr.arpa', 'PTR')).answers[0] === 'api.live.example.');
    expect(await d.metric('netbox_pdns_events_received_total', { source: 'netbox' })).to.be.greaterThan(0);
  });

  it('applies a compact message of the original connector', async () => {
    env.netbox.store.createRecord({ zone: 'live.example', name: 'compact', type: 'TXT', value: 'hello compact' });
    const pub = await d.publisher();
    await pub.publishAsync('dns/zones/live.example/update', JSON.stringify({ zone: 'live.example', serial: 1, event: 'update', timestamp: Date.now() / 1000 }), { qos: 1 });
    await waitFor(async () => (await queryDns(env.pdns.dnsPort, 'compact.live.example', 'TXT')).answers[0] === '"hello compact"');
  });

  it('accepts a signed NetBox webhook and applies it; rejects bad, missing and truncated signatures', async () => {
    events.length = 0;
    env.netbox.store.createRecord({ zone: 'live.example', name: 'hook', type: 'A', value: '203.0.113.9' });
    const envelope = events.find((e) => e.object_type === 'netbox_dns.record' && (e.data as { name?: string }).name === 'hook');
    expect(envelope).to.not.equal(undefined);
    const bad = await d.webhook(envelope as WebhookEnvelope, 'ab'.repeat(64));
    expect(bad.status).to.equal(401);
    const missing = await d.webhook(envelope as WebhookEnvelope, null);
    expect(missing.status).to.equal(401);
    const truncated = await d.webhook(envelope as WebhookEnvelope, 'abcdef');
    expect(truncated.status).to.equal(401);
    expect((await queryDns(env.pdns.dnsPort, 'hook.live.example', 'A')).rcode).to.equal('NXDOMAIN');
    const good = await d.webhook(envelope as WebhookEnvelope);
    expect(good.status).to.equal(202);
    await waitFor(async () => (await queryDns(env.pdns.dnsPort, 'hook.live.example', 'A')).answers[0] === '203.0.113.9');
    expect(await d.metric('netbox_pdns_events_rejected_total', { reason: 'bad_signature' })).to.equal(3);
  });

  it('turns a burst of 1,000 events for one zone into at most 2 PATCHes', async () => {
    events.length = 0;
    env.netbox.store.createRecord({ zone: 'live.example', name: 'burst', type: 'A', value: '203.0.113.50', disable_ptr: true });
    const envelope = events.find((e) => (e.data as { name?: string }).name === 'burst') as WebhookEnvelope;
    const body = serializeWebhook(envelope);
    await waitFor(async () => (await d.daemon.core.engine.runner.pending()) === 0 && d.daemon.core.engine.runner.running() === 0);
    env.resetRequests();
    const pub = await d.publisher();
    await Promise.all(Array.from({ length: 1000 }, () => pub.publishAsync('netbox/netbox_dns/record/created', body, { qos: 1 })));
    await waitFor(async () => (await queryDns(env.pdns.dnsPort, 'burst.live.example', 'A')).answers[0] === '203.0.113.50');
    await waitFor(async () => d.daemon.core.engine.runner.pending() === 0 && d.daemon.core.engine.runner.running() === 0);
    const patches = env.writes().filter((w) => w.method === 'PATCH');
    expect(patches.length).to.be.within(1, 2);
    expect(await d.metric('netbox_pdns_zone_tasks_coalesced_total', { trigger: 'event' })).to.be.greaterThan(900);
  });

  it('counts malformed messages by reason and still processes the next valid one', async () => {
    const pub = await d.publisher();
    const before = await d.metric('netbox_pdns_events_rejected_total', { reason: 'invalid_json' });
    await pub.publishAsync('netbox/netbox_dns/record/created', '{not json', { qos: 1 });
    await pub.publishAsync('dns/zones/..%2Fetc/update', JSON.stringify({ zone: '../etc', serial: 1, event: 'update', timestamp: 1 }), { qos: 1 });
    await pub.publishAsync('dns/zones/live.example/update', JSON.stringify({ zone: 'other.example', serial: 1, event: 'update', timestamp: 1 }), { qos: 1 });
    await waitFor(async () => (await d.metric('netbox_pdns_events_rejected_total', { reason: 'invalid_json' })) === before + 1);
    await waitFor(async () => (await d.metric('netbox_pdns_events_rejected_total', { reason: 'topic_mismatch' })) >= 1);
    env.netbox.store.createRecord({ zone: 'live.example', name: 'after-bad', type: 'A', value: '203.0.113.60', disable_ptr: true });
    await pub.publishAsync('dns/zones/live.example/update', JSON.stringify({ zone: 'live.example', serial: 2, event: 'update', timestamp: 2 }), { qos: 1 });
    await waitFor(async () => (await queryDns(env.pdns.dnsPort, 'after-bad.live.example', 'A')).answers[0] === '203.0.113.60');
    expect((await d.get('/health')).status).to.equal(200);
  });

  it('deletes a zone only on an event that says it was removed, never on a plain record event', async () => {
    const s = env.netbox.store;
    const z = s.createZone({ name: 'leaving.example', nameservers: ['ns1.example.net'], soa_mname: 'ns1.example.net', soa_rname: 'hostmaster.leaving.example' });
    s.createRecord({ zone: 'leaving.example', name: 'www', type: 'A', value: '203.0.113.90', disable_ptr: true });
    const pub = await d.publisher();
    await pub.publishAsync('dns/zones/leaving.example/create', JSON.stringify({ zone: 'leaving.example', serial: 1, event: 'create', timestamp: 1 }), { qos: 1 });
    await waitFor(async () => (await queryDns(env.pdns.dnsPort, 'www.leaving.example', 'A')).answers[0] === '203.0.113.90');

    events.length = 0;
    s.updateZone(z.id, { nameservers: ['ns9.elsewhere.net'] });
    // A record-level hint for the zone: NetBox no longer lists it for us, but nothing said it was removed.
    await pub.publishAsync('dns/zones/leaving.example/update', JSON.stringify({ zone: 'leaving.example', serial: 2, event: 'update', timestamp: 2 }), { qos: 1 });
    await waitFor(() => d.logs.some((l) => l.zone === 'leaving.example.' && /did not say the zone was removed/.test(String(l.message))));
    expect(await env.direct.client.getZone('leaving.example.')).to.not.equal(null);

    // NetBox's own zone event says it left our nameserver: now it goes.
    const zoneEvent = events.find((e) => e.object_type === 'netbox_dns.zone') as WebhookEnvelope;
    expect((await d.webhook(zoneEvent)).status).to.equal(202);
    await waitFor(async () => (await env.direct.client.getZone('leaving.example.')) === null, { message: 'zone deleted after the zone event' });
    expect((await queryDns(env.pdns.dnsPort, 'www.leaving.example', 'A')).rcode).to.equal('REFUSED');
  });

  it('queues a full reconcile on POST /sync with the API key, and refuses it without', async () => {
    expect((await fetch(`${d.base}/sync`, { method: 'POST' })).status).to.equal(401);
    expect((await fetch(`${d.base}/sync`, { method: 'POST', headers: { 'x-api-key': 'wrong' } })).status).to.equal(401);
    // drift made directly in PowerDNS, repaired by the reconcile the API call queues
    await env.direct.client.patchRRsets('live.example.', [{ name: 'www.live.example.', type: 'A', changetype: 'REPLACE', ttl: 60, records: [{ content: '198.51.100.200', disabled: false }] }]);
    const before = await d.metric('netbox_pdns_reconcile_runs_total', { trigger: 'api' });
    const res = await fetch(`${d.base}/sync`, { method: 'POST', headers: { 'x-netbox-pdns-api-key': API_KEY } });
    expect(res.status).to.equal(202);
    await waitFor(async () => (await d.metric('netbox_pdns_reconcile_runs_total', { trigger: 'api' })) === before + 1);
    expect((await queryDns(env.pdns.dnsPort, 'www.live.example', 'A')).answers).to.deep.equal(['203.0.113.1']);
    expect(await d.metric('netbox_pdns_reconcile_last_success_timestamp_seconds')).to.be.greaterThan(0);
  });
});
