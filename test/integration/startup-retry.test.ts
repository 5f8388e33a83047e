/** A daemon started while NetBox is down retries its full reconcile with backoff, not just at the next cron run. */
import { expect } from 'chai';
import { startSyncEnv, type SyncEnv } from '../support/sync-env.js';
import { startDaemon, type RunningDaemon } from '../support/daemon-env.js';
import { queryDns } from '../support/dns.js';
import { waitFor } from '../support/wait.js';
import type { StatusDocument } from '../../src/observability/status-store.js';

describe('startup during a NetBox outage', function () {
  this.timeout(30_000);
  let env: SyncEnv;
  let d: RunningDaemon | undefined;

  before(async () => {
    env = await startSyncEnv();
    env.netbox.store.createZone({ name: 'late.example', nameservers: ['ns1.example.net'], soa_mname: 'ns1.example.net', soa_rname: 'hostmaster.late.example' });
    env.netbox.store.createRecord({ zone: 'late.example', name: 'www', type: 'A', value: '192.0.2.44', disable_ptr: true });
  });
  after(async () => {
    await d?.stop();
    await env?.stop();
  });

  it('fails the initial sync, reports it, then converges through its own retries once NetBox answers', async () => {
    env.netbox.faults.next({ status: 503 }, 12); // several full reconciles' worth of attempts
    d = await startDaemon(env, { NETBOX_PDNS_SYNC_CRONTAB: '0 0 1 1 *', NETBOX_PDNS_RECONCILE_RETRY_DELAY: '0.05', NETBOX_PDNS_RECONCILE_RETRY_MAX_DELAY: '0.2' });
    const running = d;
    const status = async (): Promise<StatusDocument> => (await (await running.get('/status')).json()) as StatusDocument;
    await waitFor(async () => (await status()).initial_sync.error !== null, { message: 'initial sync failed' });
    expect((await status()).status).to.equal('Degraded');
    await waitFor(async () => (await queryDns(env.pdns.dnsPort, 'www.late.example', 'A')).answers[0] === '192.0.2.44',
      { timeoutMs: 15_000, message: 'the zone synced by a retried full reconcile' });
    expect(await running.metric('netbox_pdns_reconcile_runs_total', { trigger: 'retry', outcome: 'success' })).to.equal(1);
    await waitFor(async () => (await status()).status === 'Healthy', { message: 'Healthy after the retry succeeded' });
    expect(running.logs.some((l) => /full reconcile failed \(1 in a row\): retrying in/.test(String(l.message)))).to.equal(true);
  });
});
