/**
 * The quick reconcile in a running daemon against a real PowerDNS: a NetBox change whose event was
 * lost is served on the next quick run, which reads only the zone that moved; /status and /metrics
 * show the quick runs apart from the deep one.
 */
import { expect } from 'chai';
import { startSyncEnv, type SyncEnv } from '../support/sync-env.js';
import { startDaemon, type RunningDaemon } from '../support/daemon-env.js';
import { queryDns } from '../support/dns.js';
import { waitFor } from '../support/wait.js';

interface QuickStatus {
  initial_sync: { completed: boolean };
  scheduler: { next_quick_run: string | null };
  reliability: { last_quick_reconcile: { outcome: string; zones: number } | null; last_reconcile: { outcome: string } | null };
}

describe('quick reconcile (daemon, real PowerDNS)', function () {
  this.timeout(60_000);
  let env: SyncEnv;
  let d: RunningDaemon;

  before(async () => {
    env = await startSyncEnv();
    const s = env.netbox.store;
    for (const name of ['q1.example', 'q2.example', 'q3.example']) {
      s.createZone({ name, nameservers: ['ns1.example.net'], soa_mname: 'ns1.example.net', soa_rname: `hostmaster.${name}` });
      s.createRecord({ zone: name, name: 'www', type: 'A', value: '203.0.113.1', disable_ptr: true });
    }
    // Every second, looking back one second: the test's data is older than that once synced.
    d = await startDaemon(env, { NETBOX_PDNS_QUICK_SYNC_CRONTAB: '* * * * * *', NETBOX_PDNS_QUICK_SYNC_SKEW: '0', NETBOX_PDNS_SYNC_CRONTAB: '0 0 1 1 *' });
    await waitFor(async () => (await (await d.get('/status')).json() as QuickStatus).initial_sync.completed, { message: 'the initial sync' });
  });
  after(async () => {
    await d?.stop();
    await env?.stop();
  });

  it('serves a NetBox change that arrived without an event, reading only that zone', async () => {
    await waitFor(async () => (await (await d.get('/status')).json() as QuickStatus).reliability.last_quick_reconcile?.zones === 0,
      { message: 'a quick run with nothing to do' });
    const www = env.netbox.store.listRecords({ type: 'A' }).find((r) => r.fqdn === 'www.q2.example.');
    env.netbox.store.updateRecord(www?.id ?? 0, { value: '203.0.113.2' });
    await waitFor(async () => (await queryDns(env.pdns.dnsPort, 'www.q2.example', 'A')).answers[0] === '203.0.113.2',
      { message: 'the change served by a quick run' });
    const status = await (await d.get('/status')).json() as QuickStatus;
    expect(status.scheduler.next_quick_run).to.be.a('string');
    expect(status.reliability.last_reconcile?.outcome).to.equal('success'); // the startup run, deep
    // Only the moved zone was read and planned: quick runs with nothing to do run no zone task at all.
    expect(await d.metric('netbox_pdns_zone_tasks_processed_total', { outcome: 'changed', server: 'default' })).to.equal(1);
    expect(await d.metric('netbox_pdns_zone_tasks_processed_total', { outcome: 'unchanged', server: 'default' })).to.equal(0);
    expect(await d.metric('netbox_pdns_reconcile_runs_total', { trigger: 'quick', outcome: 'success' })).to.be.greaterThan(0);
  });
});
