/**
 * NetBox faults against the running daemon (the fake NetBox injects them): 5xx, 403, requests that
 * hang past the timeout, a page cut off mid-listing, and an empty zone list. The promise: a failed
 * or empty read never writes and never deletes (PowerDNS is byte-for-byte what it was), the error is
 * clear in the log and in /status, and an event that arrived during an outage is applied after it.
 */
import { expect } from 'chai';
import { startSyncEnv, type SyncEnv } from '../support/sync-env.js';
import { startDaemon, API_KEY, type RunningDaemon } from '../support/daemon-env.js';
import { queryDns } from '../support/dns.js';
import { waitFor } from '../support/wait.js';
import type { StatusDocument } from '../../src/observability/status-store.js';
import type { Fault, WebhookEnvelope } from '../fakes/netbox/index.js';

const ZONES = ['nf-a.example', 'nf-b.example', 'nf-c.example'];

describe('faults: NetBox', function () {
  this.timeout(60_000);
  let env: SyncEnv;
  let d: RunningDaemon;
  const events: WebhookEnvelope[] = [];

  const status = async (): Promise<StatusDocument> => (await (await d.get('/status')).json()) as StatusDocument;
  const idle = (): Promise<boolean> => waitFor(() => d.daemon.core.engine.runner.pending() === 0 && d.daemon.core.engine.runner.running() === 0, { message: 'queue idle' });
  const runs = (outcome: string): Promise<number> => d.metric('netbox_pdns_reconcile_runs_total', { trigger: 'api', outcome });
  /** Every zone's rrsets as PowerDNS holds them, read directly. */
  const snapshot = async (): Promise<string> => JSON.stringify(await Promise.all(ZONES.map(async (z) => {
    const zone = await env.direct.client.getZone(`${z}.`);
    return (zone?.rrsets ?? []).map((r) => `${r.name} ${r.type} ${r.records.map((c) => c.content).sort().join(',')}`).sort();
  })));

  /** POST /sync with `faults` queued in NetBox; resolves once that reconcile ended as `outcome`. */
  async function reconcileWith(faults: Array<[Fault, number]>, outcome: 'failure' | 'refused'): Promise<{ lines: string[]; doc: StatusDocument }> {
    await idle();
    const before = await snapshot();
    const count = await runs(outcome);
    const logsBefore = d.logs.length;
    for (const [fault, n] of faults) env.netbox.faults.next(fault, n);
    env.resetRequests();
    env.netbox.resetRequests();
    expect((await fetch(`${d.base}/sync`, { method: 'POST', headers: { 'x-api-key': API_KEY } })).status).to.equal(202);
    await waitFor(async () => (await runs(outcome)) === count + 1, { timeoutMs: 20_000, message: `a reconcile ending as ${outcome}` });
    await idle();
    env.netbox.faults.clear();
    expect(env.writes(), 'writes to PowerDNS').to.deep.equal([]);
    expect(await snapshot(), 'PowerDNS content').to.equal(before);
    return { lines: d.logs.slice(logsBefore).filter((l) => l.level === 'error' || l.level === 'warn').map((l) => String(l.message)), doc: await status() };
  }

  before(async () => {
    // Small pages: a zone's records span several, so a page can fail in the middle of a listing.
    env = await startSyncEnv({ maxPageSize: 5 });
    for (const zone of ZONES) {
      env.netbox.store.createZone({ name: zone, nameservers: ['ns1.example.net'], soa_mname: 'ns1.example.net', soa_rname: `hostmaster.${zone}` });
      for (let i = 0; i < 8; i++) env.netbox.store.createRecord({ zone, name: `h${i}`, type: 'A', value: `192.0.2.${i + 1}`, disable_ptr: true });
    }
    env.netbox.onEvent((e) => events.push(e));
    d = await startDaemon(env, { NETBOX_PDNS_NB_TIMEOUT: '0.3' });
    await waitFor(async () => (await status()).initial_sync.completed, { message: 'initial sync' });
    // A pending change: if any of the faulty reads below wrote anything, it would show.
    for (const zone of ZONES) env.netbox.store.createRecord({ zone, name: 'pending', type: 'TXT', value: 'not yet' });
  });
  after(async () => {
    await d?.stop();
    await env?.stop();
  });

  it('5xx on every attempt: retried, then a failed reconcile with the status in the log and /status', async () => {
    const { lines, doc } = await reconcileWith([[{ status: 500 }, 1], [{ status: 502 }, 1], [{ status: 503 }, 1]], 'failure');
    expect(lines.some((l) => /^Function listNetboxZones failed \(attempt 1\/3\): NetBox GET .*HTTP 500/.test(l))).to.equal(true);
    expect(lines.some((l) => /^Function listNetboxZones failed after 3 attempts: .*HTTP 503/.test(l))).to.equal(true);
    expect(lines.some((l) => /^full reconcile failed reading zone lists: .*503/.test(l))).to.equal(true);
    expect(doc.status).to.equal('Degraded');
    expect(doc.reliability.last_reconcile?.error).to.match(/HTTP 503/);
    expect(doc.upstreams.netbox.ok).to.equal(false);
  });

  it('403: not retried, and the error says to check the token', async () => {
    const { lines, doc } = await reconcileWith([[{ status: 403 }, 1]], 'failure');
    expect(lines.filter((l) => /Retrying in/.test(l))).to.deep.equal([]);
    expect(doc.reliability.last_reconcile?.error).to.match(/HTTP 403.*check NB_TOKEN/);
    expect(doc.upstreams.netbox.last_error).to.match(/403/);
    expect(doc.status).to.equal('Degraded');
  });

  it('requests hanging past the timeout: retried, then failed, nothing written', async () => {
    const { lines, doc } = await reconcileWith([[{ hang: true }, 3]], 'failure');
    expect(lines.filter((l) => /^Function listNetboxZones failed \(attempt [12]\/3\): .*(timed out|timeout)/i.test(l))).to.have.length(2);
    expect(doc.reliability.last_reconcile?.error).to.match(/timed out|timeout/i);
    expect(doc.upstreams.netbox.last_error).to.match(/timeout/);
  });

  it('a records page cut off mid-listing: the whole read fails, no write from the partial data', async () => {
    // Zone list and first records page answer; the second records page is cut off on every attempt.
    const { lines, doc } = await reconcileWith([[{ delayMs: 0 }, 2], [{ truncate: true }, 3]], 'failure');
    expect(lines.some((l) => /^Function listNetboxRecords failed after 3 attempts/.test(l))).to.equal(true);
    expect(lines.some((l) => /^full reconcile failed reading NetBox records/.test(l))).to.equal(true);
    expect(doc.reliability.last_reconcile?.outcome).to.equal('failure');
    // Page 1 once, page 2 three times (retried), and never a page 3: the listing stopped at the cut.
    const pages = env.netbox.requests.filter((r) => r.path.endsWith('/records/')).map((r) => new URLSearchParams(r.query).get('id__gt') ?? 'first');
    expect(pages).to.have.length(4);
    expect(pages[0]).to.equal('first');
    expect(new Set(pages.slice(1)).size, 'the same page after the first, three times').to.equal(1);
  });

  it('an empty zone list: every deletion refused, the reason in the log and /status', async () => {
    const { lines, doc } = await reconcileWith([[{ emptyZones: true }, 1]], 'refused');
    expect(lines.some((l) => /^zone deletions refused: NetBox lists no zones but 3 owned zone\(s\)/.test(l))).to.equal(true);
    expect(doc.reliability.last_reconcile?.outcome).to.equal('refused');
    expect(doc.reliability.last_reconcile?.error).to.match(/NetBox lists no zones/);
    for (const zone of ZONES) expect((await queryDns(env.pdns.dnsPort, `h0.${zone}`, 'A')).answers).to.deep.equal(['192.0.2.1']);
  });

  it('an event during a NetBox outage is applied once NetBox answers, and a clean reconcile converges', async () => {
    await idle();
    const failedBefore = await d.metric('netbox_pdns_zone_task_failures_total', { reason: 'netbox_unavailable' });
    // A zone task reads the zone and its records in parallel, 3 attempts each: 6 failures exhaust both.
    env.netbox.faults.next({ status: 503 }, 6);
    events.length = 0;
    env.netbox.store.createRecord({ zone: 'nf-a.example', name: 'outage', type: 'TXT', value: 'sent during the outage' });
    const envelope = events.find((e) => e.object_type === 'netbox_dns.record') as WebhookEnvelope;
    expect((await d.webhook(envelope)).status).to.equal(202);
    await waitFor(async () => (await queryDns(env.pdns.dnsPort, 'outage.nf-a.example', 'TXT')).answers[0] === '"sent during the outage"',
      { timeoutMs: 20_000, message: 'the event applied after the outage' });
    expect(await d.metric('netbox_pdns_zone_task_failures_total', { reason: 'netbox_unavailable' })).to.equal(failedBefore + 1);

    const successes = await runs('success');
    expect((await fetch(`${d.base}/sync`, { method: 'POST', headers: { 'x-api-key': API_KEY } })).status).to.equal(202);
    await waitFor(async () => (await runs('success')) === successes + 1, { message: 'a clean reconcile' });
    await idle();
    for (const zone of ZONES) expect((await queryDns(env.pdns.dnsPort, `pending.${zone}`, 'TXT')).answers).to.deep.equal(['"not yet"']);
    expect((await status()).status).to.equal('Healthy');
  });
});
