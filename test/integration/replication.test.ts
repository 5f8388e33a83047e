/**
 * Replication to a real secondary: the daemon keeps a catalog zone (RFC 9432) on the primary and
 * makes every zone it creates a member; a second PowerDNS consumes the catalog. The primary's own
 * xfr cycle is far longer than the timeouts, so what reaches the secondary got there by the daemon's
 * NOTIFYs and catalog bumps, and only through ALSO-NOTIFY metadata the daemon wrote (no global
 * also-notify). The daemon is never told the secondary's API: nothing can be written there by it;
 * the members on the secondary are Slave zones the consumer created from the catalog.
 * Propagation times are printed (they are the figures the README quotes).
 */
import { expect } from 'chai';
import { startSyncEnv, PDNS_KEY, type SyncEnv } from '../support/sync-env.js';
import { startDaemon, type RunningDaemon } from '../support/daemon-env.js';
import { makeClient, type TestClient } from '../support/pdns-fixtures.js';
import { queryDns, soaSerial } from '../support/dns.js';
import { pdnsCall } from '../support/pdns-api.js';
import { apiSerial, CATALOG, createConsumerZone, startReplicationPair, waitForSoaSerial, type ReplicationPair } from '../support/replication.js';
import { waitFor } from '../support/wait.js';
import type { WebhookEnvelope } from '../fakes/netbox/index.js';
import type { StatusDocument } from '../../src/observability/status-store.js';

for (const backend of ['sqlite3', 'pgsql'] as const) describe(`replication: catalog zone and NOTIFY to a real secondary (${backend})`, function () {
  this.timeout(90_000);
  let pair: ReplicationPair;
  let env: SyncEnv;
  let d: RunningDaemon;
  let secondaryApi: TestClient;
  const events: WebhookEnvelope[] = [];
  const serialsSeen: number[] = [];
  const deliver = async (): Promise<void> => {
    for (const e of events.splice(0)) expect((await d.webhook(e)).status).to.equal(202);
  };
  const status = async (): Promise<StatusDocument> => (await (await d.get('/status')).json()) as StatusDocument;
  /** Polls the secondary until `check` holds for `name type`; returns how long that took. */
  const servedAfter = async (since: number, name: string, type: string, check: (r: Awaited<ReturnType<typeof queryDns>>) => boolean): Promise<number> => {
    await waitFor(async () => check(await queryDns(pair.secondary.dnsPort, name, type)), { timeoutMs: 30_000, intervalMs: 50, message: `the secondary: ${name} ${type}` });
    return Date.now() - since;
  };
  const timings: string[] = [];

  before(async () => {
    pair = await startReplicationPair({ backend, apiKey: PDNS_KEY, primary: { xfrCycleInterval: 300, notifySecondary: false } });
    await createConsumerZone(pair.secondary, pair.primaryDns);
    secondaryApi = makeClient(pair.secondary.apiUrl, { apiKey: PDNS_KEY });
    env = await startSyncEnv({ pdns: pair.primary });
    const s = env.netbox.store;
    s.createZone({ name: 'first.example', nameservers: ['ns1.example.net'], soa_mname: 'ns1.example.net', soa_rname: 'hostmaster.first.example' });
    s.createRecord({ zone: 'first.example', name: 'www', type: 'A', value: '192.0.2.1', disable_ptr: true });
    env.netbox.onEvent((e) => events.push(e));
    d = await startDaemon(env, { NETBOX_PDNS_CATALOG_ZONE: CATALOG, NETBOX_PDNS_ALSO_NOTIFY: pair.secondaryDns, NETBOX_PDNS_SECONDARY_CHECK_INTERVAL: '0.5' });
    await waitFor(async () => (await status()).reliability.last_reconcile?.outcome === 'success', { message: 'the startup reconcile' });
    events.splice(0);
  });
  after(async () => {
    if (timings.length > 0) console.log(`      ${backend}: propagation to the secondary: ${timings.join('; ')}`);
    await d?.stop();
    await env?.stop();
    await pair?.stop();
  });

  it('creates the catalog as a Producer it owns, with every zone it creates a Master member', async () => {
    const catalog = await env.direct.client.getZone(CATALOG);
    expect(catalog).to.include({ kind: 'Producer', account: 'netbox-pdns', soa_edit_api: 'EPOCH' });
    const member = await env.direct.client.getZone('first.example.');
    expect(member).to.include({ kind: 'Master', catalog: CATALOG });
    const meta = await env.direct.client.getMetadata(CATALOG);
    expect(meta.find((m) => m.kind === 'ALSO-NOTIFY')?.metadata).to.deep.equal([pair.secondaryDns]);
    await servedAfter(Date.now(), 'www.first.example', 'A', (r) => r.answers[0] === '192.0.2.1');
  });

  it('a zone created in NetBox is served by the secondary within seconds', async () => {
    const t = Date.now();
    env.netbox.store.createZone({ name: 'new.example', nameservers: ['ns1.example.net'], soa_mname: 'ns1.example.net', soa_rname: 'hostmaster.new.example' });
    env.netbox.store.createRecord({ zone: 'new.example', name: 'www', type: 'A', value: '192.0.2.10', disable_ptr: true });
    await deliver();
    const ms = await servedAfter(t, 'www.new.example', 'A', (r) => r.rcode === 'NOERROR' && r.answers[0] === '192.0.2.10');
    timings.push(`new zone ${ms} ms`);
    expect(ms).to.be.below(15_000);
    serialsSeen.push(await soaSerial(pair.secondary.dnsPort, CATALOG) ?? 0);
    const onSecondary = await secondaryApi.client.getZone('new.example.');
    expect(onSecondary).to.include({ kind: 'Slave', catalog: CATALOG });
    expect((await status()).replication?.catalogs.default).to.include({ zone: CATALOG, members: 2 });
  });

  it('a record change reaches the secondary the same way', async () => {
    const www = env.netbox.store.listRecords({ zone: 'new.example', type: 'A' })[0];
    const t = Date.now();
    env.netbox.store.updateRecord(Number(www?.id), { value: '192.0.2.11' });
    await deliver();
    const ms = await servedAfter(t, 'www.new.example', 'A', (r) => r.answers[0] === '192.0.2.11');
    timings.push(`record change ${ms} ms`);
    expect(ms).to.be.below(15_000);
    expect(await waitForSoaSerial(pair.secondary.dnsPort, 'new.example', await apiSerial(pair.primary, 'new.example.'))).to.equal(await apiSerial(pair.primary, 'new.example.'));
  });

  it('repairs membership drift, and plan shows it', async () => {
    await pdnsCall(pair.primary, 'PUT', '/zones/first.example.', { catalog: '' }, 204);
    const { core } = env.core({ NETBOX_PDNS_CATALOG_ZONE: CATALOG, NETBOX_PDNS_ALSO_NOTIFY: pair.secondaryDns });
    const planned = await core.engine.fullReconcile('cli', { dryRun: true, keepPlans: true });
    const first = planned.zones.find((z) => z.zone === 'first.example.');
    expect(first?.plan?.settings).to.deep.include({ field: 'catalog', from: '', to: CATALOG });
    const result = await d.daemon.core.engine.fullReconcile('api');
    expect(result.outcome).to.equal('success');
    expect((await env.direct.client.getZone('first.example.'))?.catalog).to.equal(CATALOG);
    // The catalog is no zone the reconcile would delete, though NetBox does not hold it.
    expect(result.zones.find((z) => z.zone === CATALOG)?.outcome).to.equal('unchanged');
    expect(await env.direct.client.getZone(CATALOG)).to.not.equal(null);
  });

  it('a zone deleted in NetBox disappears from the secondary', async () => {
    const zone = env.netbox.store.findZone('new.example');
    const t = Date.now();
    env.netbox.store.deleteZone(Number(zone?.id));
    await deliver();
    const ms = await servedAfter(t, 'new.example', 'SOA', (r) => r.rcode === 'REFUSED');
    timings.push(`zone deletion ${ms} ms`);
    expect(ms).to.be.below(15_000);
    expect(await secondaryApi.client.getZone('new.example.')).to.equal(null);
    await d.daemon.core.engine.catalogsIdle();
    serialsSeen.push(await waitForSoaSerial(pair.secondary.dnsPort, CATALOG, await apiSerial(pair.primary, CATALOG)));
    // The serial the secondary sees of the catalog only ever moves forward.
    expect([...serialsSeen].sort((a, b) => a - b)).to.deep.equal(serialsSeen);
    expect(serialsSeen[1]).to.be.above(serialsSeen[0] ?? 0);
  });

  it('/status and the lag metric show each secondary\'s serials, queried over DNS', async () => {
    const secondary = async (): Promise<NonNullable<StatusDocument['replication']>['secondaries'][number] | undefined> => (await status()).replication?.secondaries[0];
    await waitFor(async () => (await secondary())?.zones_lagging === 0 && (await secondary())?.zones_checked === 2, { message: 'the secondary in step' });
    expect(await secondary()).to.include({ address: pair.secondaryDns, target: 'default', last_error: null });
    expect(await d.metric('netbox_pdns_secondary_zones_lagging', { secondary: pair.secondaryDns })).to.equal(0);

    // A serial change on the primary that nobody NOTIFYs (its own cycle is 300 s): the secondary lags.
    const before = await apiSerial(pair.primary, 'first.example.');
    const zone = await env.direct.client.getZone('first.example.');
    const soaRecord = zone?.rrsets.find((r) => r.type === 'SOA')?.records[0]?.content.split(' ') ?? [];
    soaRecord[2] = String(before + 5);
    await pdnsCall(pair.primary, 'PATCH', '/zones/first.example.', {
      rrsets: [{ name: 'first.example.', type: 'SOA', ttl: 3600, changetype: 'REPLACE', records: [{ content: soaRecord.join(' '), disabled: false }] }],
    }, 204);
    await waitFor(async () => (await secondary())?.zones_lagging === 1, { message: 'the lag seen' });
    expect((await secondary())?.lagging[0]).to.include({ zone: 'first.example.', primary_serial: before + 5, secondary_serial: before });
    expect(await d.metric('netbox_pdns_secondary_zones_lagging', { secondary: pair.secondaryDns })).to.equal(1);
    await pdnsCall(pair.primary, 'PUT', '/zones/first.example./notify', undefined, 200);
    await waitFor(async () => (await secondary())?.zones_lagging === 0, { message: 'the lag gone after a NOTIFY' });
  });
});
