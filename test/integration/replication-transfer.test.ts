/**
 * Transfer settings from configuration on every zone we own, against a real primary with no global
 * transfer ACL (`allow-axfr-ips=`) and a real catalog-consumer secondary whose transfers come from
 * 127.0.0.2 (`query-local-address`), so a transfer from 127.0.0.1 is a stranger's:
 * - with TSIG configured an unsigned transfer is refused and a signed one works;
 * - the secondary consumes the catalog signed with that key (configured on the secondary by the
 *   test, as its operator would), and the members it creates, which PowerDNS 4.7 gives no TSIG key
 *   (PowerDNS/pdns#13682), transfer through the ALLOW-AXFR-FROM the daemon keeps for its address;
 * - changing the configuration updates existing zones; the key material never shows in logs,
 *   /status or /metrics.
 */
import { expect } from 'chai';
import { startSyncEnv, PDNS_KEY, type SyncEnv } from '../support/sync-env.js';
import { startDaemon, type RunningDaemon } from '../support/daemon-env.js';
import { axfr, type TsigKey } from '../support/axfr.js';
import { queryDns } from '../support/dns.js';
import { pdnsCall } from '../support/pdns-api.js';
import { CATALOG, startReplicationPair, type ReplicationPair } from '../support/replication.js';
import { waitFor } from '../support/wait.js';
import type { StatusDocument } from '../../src/observability/status-store.js';

const KEY: TsigKey = { name: 'xfr-key', algorithm: 'hmac-sha256', secret: 'c2VjcmV0LXRzaWcta2V5LWZvci10ZXN0cy0wMTIzNDU2Nzg5YWJjZGVm' };

describe('replication: ALSO-NOTIFY, ALLOW-AXFR-FROM and TSIG from configuration', function () {
  this.timeout(90_000);
  let pair: ReplicationPair;
  let env: SyncEnv;
  let d: RunningDaemon;
  const settings = (over: Record<string, string> = {}): Record<string, string> => ({
    NETBOX_PDNS_CATALOG_ZONE: CATALOG, NETBOX_PDNS_ALSO_NOTIFY: pair.secondaryDns, NETBOX_PDNS_ALLOW_AXFR_FROM: '127.0.0.2/32',
    NETBOX_PDNS_TSIG_KEY_NAME: KEY.name, NETBOX_PDNS_TSIG_SECRET: KEY.secret, NETBOX_PDNS_SECONDARIES: pair.secondaryDns, ...over,
  });
  const metadata = async (zone: string, kind: string): Promise<string[]> =>
    (await env.direct.client.getMetadata(zone)).find((m) => m.kind === kind)?.metadata ?? [];

  before(async () => {
    pair = await startReplicationPair({
      apiKey: PDNS_KEY, primary: { xfrCycleInterval: 300, notifySecondary: false, allowAxfrIps: '' },
      secondary: { extraConf: ['query-local-address=127.0.0.2'] },
    });
    env = await startSyncEnv({ pdns: pair.primary });
    const s = env.netbox.store;
    s.createZone({ name: 'signed.example', nameservers: ['ns1.example.net'], soa_mname: 'ns1.example.net', soa_rname: 'hostmaster.signed.example' });
    s.createRecord({ zone: 'signed.example', name: 'www', type: 'A', value: '192.0.2.5', disable_ptr: true });
    d = await startDaemon(env, settings());
    await waitFor(async () => ((await (await d.get('/status')).json()) as StatusDocument).reliability.last_reconcile?.outcome === 'success', { message: 'the startup reconcile' });
  });
  after(async () => {
    await d?.stop();
    await env?.stop();
    await pair?.stop();
  });

  it('keeps the TSIG key in PowerDNS and the transfer settings on every zone we own, the catalog included', async () => {
    const key = (await pdnsCall(pair.primary, 'GET', '/tsigkeys/xfr-key.', undefined, 200)) as { algorithm: string; key: string };
    expect(key).to.include({ algorithm: 'hmac-sha256', key: KEY.secret });
    for (const zone of ['signed.example.', CATALOG]) {
      expect(await metadata(zone, 'ALSO-NOTIFY'), zone).to.deep.equal([pair.secondaryDns]);
      expect(await metadata(zone, 'ALLOW-AXFR-FROM'), zone).to.deep.equal(['127.0.0.2/32']);
      expect((await env.direct.client.getZone(zone))?.master_tsig_key_ids, zone).to.deep.equal(['xfr-key.']);
    }
  });

  it('refuses an unsigned transfer from elsewhere and serves a signed one', async () => {
    for (const zone of ['signed.example.', CATALOG]) {
      expect((await axfr(pair.primary.dnsPort, zone)).rcode, `${zone} unsigned`).to.be.oneOf(['REFUSED', 'NOTAUTH']);
      const signed = await axfr(pair.primary.dnsPort, zone, { key: KEY });
      expect(signed.rcode, `${zone} signed`).to.equal('NOERROR');
      expect(signed.types.filter((t) => t === 6).length, `${zone} signed: SOA first and last`).to.equal(2);
    }
    const wrong = await axfr(pair.primary.dnsPort, 'signed.example.', { key: { ...KEY, secret: Buffer.from('not-the-key').toString('base64') } });
    expect(wrong.rcode).to.be.oneOf(['REFUSED', 'NOTAUTH']);
  });

  it('a secondary consuming the catalog with the key serves the members', async () => {
    expect((await queryDns(pair.secondary.dnsPort, 'www.signed.example', 'A')).rcode).to.equal('REFUSED');
    const t = Date.now();
    // The secondary's own configuration, done by its operator (here: the test), never by the daemon.
    await pdnsCall(pair.secondary, 'POST', '/tsigkeys', { name: KEY.name, algorithm: KEY.algorithm, key: KEY.secret }, 201);
    await pdnsCall(pair.secondary, 'POST', '/zones', { name: CATALOG, kind: 'Consumer', masters: [pair.primaryDns], slave_tsig_key_ids: ['xfr-key.'] }, 201);
    await pdnsCall(pair.secondary, 'PUT', `/zones/${CATALOG}/axfr-retrieve`, undefined, 200);
    await waitFor(async () => (await queryDns(pair.secondary.dnsPort, 'www.signed.example', 'A')).answers[0] === '192.0.2.5', { timeoutMs: 30_000, intervalMs: 50, message: 'the member on the secondary' });
    console.log(`      signed catalog consumed and member served by the secondary ${Date.now() - t} ms after the consumer zone was added`);
    const member = (await pdnsCall(pair.secondary, 'GET', '/zones/signed.example.', undefined, 200)) as { kind: string; catalog: string };
    expect(member).to.include({ kind: 'Slave', catalog: CATALOG });
  });

  it('changing the configuration updates existing zones', async () => {
    const { core } = env.core(settings({ NETBOX_PDNS_ALLOW_AXFR_FROM: '127.0.0.2/32,192.0.2.0/24', NETBOX_PDNS_ALSO_NOTIFY: '' }));
    const result = await core.engine.fullReconcile('cli', { keepPlans: true });
    expect(result.outcome).to.equal('success');
    for (const zone of ['signed.example.', CATALOG]) {
      expect(await metadata(zone, 'ALLOW-AXFR-FROM'), zone).to.deep.equal(['127.0.0.2/32', '192.0.2.0/24']);
      expect(await metadata(zone, 'ALSO-NOTIFY'), zone).to.deep.equal([]);
    }
    expect(result.zones.find((z) => z.zone === 'signed.example.')?.plan?.settings).to.deep.include({ field: 'also_notify', from: pair.secondaryDns, to: '' });
    // And back, by the running daemon's own reconcile.
    expect((await d.daemon.core.engine.fullReconcile('api')).outcome).to.equal('success');
    expect(await metadata('signed.example.', 'ALSO-NOTIFY')).to.deep.equal([pair.secondaryDns]);
  });

  it('never shows the key material in logs, /status or /metrics', async () => {
    const text = [JSON.stringify(d.logs), await (await d.get('/status')).text(), await (await d.get('/metrics')).text()].join('\n');
    expect(text).to.not.include(KEY.secret);
  });
});
