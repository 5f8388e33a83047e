/**
 * One daemon, two real PowerDNS servers: zones served by both and by one, different zone sets per
 * server (each its own NetBox nameserver), an event applied to both from one NetBox read, and one
 * server stopped mid-run while the other converges and the stopped one catches up on restart.
 */
import { expect } from 'chai';
import { startSyncEnv, PDNS_KEY, type SyncEnv } from '../support/sync-env.js';
import { startDaemon, type RunningDaemon } from '../support/daemon-env.js';
import { startPdns, type PdnsServer } from '../support/pdns-server.js';
import { makeClient, type TestClient } from '../support/pdns-fixtures.js';
import { queryDns } from '../support/dns.js';
import { waitFor } from '../support/wait.js';
import type { WebhookEnvelope } from '../fakes/netbox/index.js';
import type { StatusDocument } from '../../src/observability/status-store.js';

describe('several PowerDNS servers from one daemon', function () {
  this.timeout(60_000);
  let env: SyncEnv;
  let dc2: PdnsServer;
  let dc2Client: TestClient;
  let d: RunningDaemon;
  const events: WebhookEnvelope[] = [];
  const deliver = async (): Promise<void> => {
    for (const e of events.splice(0)) expect((await d.webhook(e)).status).to.equal(202);
  };
  const answers = async (port: number, name: string, type = 'A'): Promise<string[]> => (await queryDns(port, name, type)).answers;
  const status = async (): Promise<StatusDocument> => (await (await d.get('/status')).json()) as StatusDocument;
  const settings = (): Record<string, string> => ({
    NETBOX_PDNS_PDNS_URL: '', NETBOX_PDNS_PDNS_TOKEN: '',
    NETBOX_PDNS_PDNS_TARGETS: JSON.stringify([
      { name: 'dc1', url: env.proxy.url },
      { name: 'dc2', url: dc2.apiUrl, nb_ns_id: env.otherNsId, zone_kind: 'Master', notify: false },
    ]),
    NETBOX_PDNS_PDNS_TOKEN_DC1: PDNS_KEY,
    NETBOX_PDNS_PDNS_TOKEN_DC2: PDNS_KEY,
  });

  before(async () => {
    env = await startSyncEnv();
    dc2 = await startPdns({ apiKey: PDNS_KEY });
    dc2Client = makeClient(dc2.apiUrl, { apiKey: PDNS_KEY });
    const s = env.netbox.store;
    const zone = (name: string, nameservers: string[]): void => {
      s.createZone({ name, nameservers, soa_mname: nameservers[0] as string, soa_rname: `hostmaster.${name}` });
      s.createRecord({ zone: name, name: 'www', type: 'A', value: '192.0.2.1', disable_ptr: true });
    };
    zone('both.example', ['ns1.example.net', 'ns9.elsewhere.net']);
    zone('one.example', ['ns1.example.net']);
    zone('two.example', ['ns9.elsewhere.net']);
    env.netbox.onEvent((e) => events.push(e));
    d = await startDaemon(env, settings());
    await waitFor(async () => (await status()).reliability.last_reconcile?.outcome === 'success', { message: 'the startup reconcile' });
  });
  after(async () => {
    await d?.stop();
    await dc2?.stop();
    await env?.stop();
  });

  it('gives each server the zones of its own NetBox nameserver, with its own zone kind', async () => {
    const names = async (c: TestClient): Promise<string[]> => (await c.client.listZones()).map((z) => z.name).sort();
    expect(await names(env.direct)).to.deep.equal(['both.example.', 'one.example.']);
    expect(await names(dc2Client)).to.deep.equal(['both.example.', 'two.example.']);
    expect((await dc2Client.client.getZone('both.example.'))?.kind).to.equal('Master');
    expect((await env.direct.client.getZone('both.example.'))?.kind).to.equal('Native');
    const doc = await status();
    expect(Object.keys(doc.targets)).to.deep.equal(['dc1', 'dc2']);
    expect(doc.targets.dc1).to.include({ reachable: true, zones_managed: 2, zones_failing: 0 });
    expect(doc.targets.dc2).to.include({ reachable: true, zones_managed: 2 });
    expect(await d.metric('netbox_pdns_zones_managed', { server: 'dc2' })).to.equal(2);
    expect(await d.metric('netbox_pdns_upstream_requests_total', { upstream: 'pdns', server: 'dc2', method: 'POST' })).to.equal(2);
  });

  it('applies an event to both servers from one NetBox read', async () => {
    const www = env.netbox.store.listRecords({ zone: 'both.example', type: 'A' })[0];
    env.netbox.store.updateRecord(Number(www?.id), { value: '192.0.2.2' });
    const before = env.netbox.requests.length;
    const runsBefore = await d.metric('netbox_pdns_zone_tasks_processed_total', { server: 'dc1' });
    await deliver();
    await waitFor(async () => (await answers(env.pdns.dnsPort, 'www.both.example'))[0] === '192.0.2.2'
      && (await answers(dc2.dnsPort, 'www.both.example'))[0] === '192.0.2.2', { message: 'both servers updated' });
    await d.daemon.core.engine.runner.idle();
    // The record and zone events coalesce into zone task runs; each run reads NetBox once (the zone
    // and its records, two requests) for both servers, and gives one result per server.
    const reads = env.netbox.requests.slice(before).filter((r) => r.path.endsWith('/zones/') || r.path.endsWith('/records/'));
    const runs = (await d.metric('netbox_pdns_zone_tasks_processed_total', { server: 'dc1' })) - runsBefore;
    expect(runs).to.be.at.least(1);
    expect(await d.metric('netbox_pdns_zone_tasks_processed_total', { server: 'dc2' })).to.be.at.least(runs);
    expect(reads.length).to.equal(2 * runs);
  });

  it('keeps serving one server while the other is down, and the other catches up on restart', async () => {
    let comeBack = (): void => undefined;
    const restarted = dc2.restart({ downUntil: new Promise<void>((resolve) => { comeBack = resolve; }) });
    await waitFor(async () => !(await fetch(`${dc2.apiUrl}/api/v1/servers/localhost`).then(() => true, () => false)), { message: 'dc2 down' });
    const s = env.netbox.store;
    s.createRecord({ zone: 'both.example', name: 'new', type: 'A', value: '192.0.2.7', disable_ptr: true });
    await deliver();
    await waitFor(async () => (await answers(env.pdns.dnsPort, 'new.both.example'))[0] === '192.0.2.7', { message: 'dc1 applied it' });
    await waitFor(async () => (await status()).targets.dc2?.reachable === false, { message: 'dc2 reported unreachable' });
    const doc = await status();
    expect(doc.targets.dc1?.reachable).to.equal(true);
    expect(doc.status).to.equal('Degraded');
    expect(doc.problems.some((p) => /^PowerDNS dc2 is failing/.test(p))).to.equal(true);
    expect(await d.metric('netbox_pdns_server_up', { server: 'dc2' })).to.equal(0);
    expect(await d.metric('netbox_pdns_server_up', { server: 'dc1' })).to.equal(1);

    comeBack();
    await restarted;
    await waitFor(async () => (await answers(dc2.dnsPort, 'new.both.example'))[0] === '192.0.2.7', { timeoutMs: 20_000, message: 'dc2 caught up by its own retry' });
    await waitFor(async () => (await status()).targets.dc2?.reachable === true, { message: 'dc2 reachable again' });
  });

  it('plan --server shows one server only', async () => {
    const { core } = env.core(settings());
    const result = await core.engine.fullReconcile('cli', { dryRun: true, targets: ['dc2'] });
    expect(new Set(result.zones.map((z) => z.target))).to.deep.equal(new Set(['dc2']));
    expect(result.zones.map((z) => z.zone).sort()).to.deep.equal(['both.example.', 'two.example.']);
  });
});
