/**
 * Events never wait behind a failing or stuck full reconcile: an event's zone converges while the
 * full reconcile is stuck on a NetBox read, while the retries of the zones a failed run left behind
 * are stuck, and an event that timed out at a zone lock a stuck reconcile held is retried rather
 * than dropped. Every check is a condition (the event's zone converges while the other work is
 * still held), never a timing threshold; time-based parts run on the manual clock.
 */
import { expect } from 'chai';
import { harness, netboxZone } from './harness.js';
import type { MemoryPdns } from '../fakes/pdns-memory.js';
import { ManualClock, settle } from '../support/manual-clock.js';
import { waitFor } from '../support/wait.js';
import { UpstreamError } from '../../src/util/errors.js';

const wwwOf = (pdns: MemoryPdns | undefined, zone: string): string[] => pdns?.rrset(zone, `www.${zone}`, 'A')?.records.map((r) => r.content) ?? [];
const unavailable = (): UpstreamError => new UpstreamError('PowerDNS GET /zones/x: HTTP 503: Service Unavailable', 'pdns', 'transient', { operation: 'getZone', status: 503 });

describe('component: events first', () => {
  it('serves an event while the full reconcile is stuck on a NetBox read', async () => {
    const h = harness();
    const zones = ['s0.example', 's1.example', 's2.example'];
    for (const z of zones) netboxZone(h.store, z, [['www', 'A', '192.0.2.1']]);
    expect((await h.engine.fullReconcile('startup')).outcome).to.equal('success');
    const held = h.netbox.hold('listRecords');
    let fullDone = false;
    const full = h.engine.fullReconcile('cron').then((r) => { fullDone = true; return r; });
    await held.reached;

    const www = h.store.listRecords({ zone: 's1.example', type: 'A' })[0];
    h.store.updateRecord(Number(www?.id), { value: '192.0.2.2' });
    h.engine.runner.enqueue('s1.example.', 'event', 0);
    await waitFor(() => wwwOf(h.pdns[0], 's1.example.')[0] === '192.0.2.2', { message: 'the event served while the full reconcile is stuck' });
    expect(fullDone, 'the full reconcile is still stuck').to.equal(false);
    held.release();
    expect((await full).outcome).to.equal('success');
    expect(wwwOf(h.pdns[0], 's1.example.')).to.deep.equal(['192.0.2.2']);
  });

  it('serves an event while the retries of the zones a failed full reconcile left behind are stuck', async () => {
    const clock = new ManualClock();
    const h = harness({ workers: 2, clock });
    const zones = Array.from({ length: 6 }, (_, i) => `r${i}.example`);
    for (const z of zones) netboxZone(h.store, z, [['www', 'A', '192.0.2.1']]);
    expect((await h.engine.fullReconcile('startup')).outcome).to.equal('success');
    const pdns = h.pdns[0] as MemoryPdns;

    // PowerDNS fails four zones of the next run: it fails, and those zones are retried on their own.
    pdns.failNext('getZone', unavailable(), unavailable(), unavailable(), unavailable());
    const failedRun = await h.engine.fullReconcile('cron');
    expect(failedRun.outcome).to.equal('failure');
    const retried = failedRun.zones.filter((z) => z.outcome === 'failed').map((z) => z.zone);
    expect(retried).to.have.length(4);
    // Each retry re-reads NetBox itself, and NetBox is slow for them: their reads hang.
    const holds = retried.map((z) => h.netbox.hold('findZones', z.replace(/\.$/, '')));
    clock.advance(60_000);
    await holds[0]?.reached;

    const other = zones.find((z) => !retried.includes(`${z}.`)) as string;
    const www = h.store.listRecords({ zone: other, type: 'A' })[0];
    h.store.updateRecord(Number(www?.id), { value: '192.0.2.2' });
    h.engine.runner.enqueue(`${other}.`, 'event', clock.monotonic());
    await waitFor(() => wwwOf(pdns, `${other}.`)[0] === '192.0.2.2', { timeoutMs: 5000, message: 'the event served while the retries are stuck' });
    expect(h.engine.runner.pending() + h.engine.runner.running(), 'retries still waiting or stuck').to.be.greaterThan(0);

    for (const hold of holds) hold.release();
    await waitFor(async () => {
      await clock.advanceAsync(1000);
      return h.engine.runner.pending() === 0 && h.engine.runner.running() === 0;
    }, { message: 'the retries done' });
    const retriedResults = h.results.filter((r) => r.trigger === 'retry');
    expect(retriedResults.map((r) => r.outcome)).to.deep.equal(['unchanged', 'unchanged', 'unchanged', 'unchanged']);
  });

  it('retries an event that timed out at a zone lock held by a stuck full reconcile, instead of dropping it', async () => {
    const clock = new ManualClock();
    const h = harness({ clock, lockWarnMs: 500, lockTimeoutMs: 1000 });
    netboxZone(h.store, 'lk.example', [['www', 'A', '192.0.2.1']]);
    expect((await h.engine.fullReconcile('startup')).outcome).to.equal('success');
    const pdns = h.pdns[0] as MemoryPdns;
    const www = Number(h.store.listRecords({ zone: 'lk.example', type: 'A' })[0]?.id);

    // The full reconcile's write of the zone hangs while it holds the zone's lock.
    h.store.updateRecord(www, { value: '192.0.2.2' });
    const held = pdns.hold('patchRRsets');
    const full = h.engine.fullReconcile('cron');
    await held.reached;
    h.store.updateRecord(www, { value: '192.0.2.3' });
    h.engine.runner.enqueue('lk.example.', 'event', clock.monotonic());
    await settle();
    clock.advance(1000);
    await waitFor(() => h.results.some((r) => r.trigger === 'event' && r.failureReason === 'lock_timeout'), { message: 'the event timed out at the lock' });

    held.release();
    await full;
    await waitFor(async () => {
      await clock.advanceAsync(100);
      return wwwOf(pdns, 'lk.example.')[0] === '192.0.2.3';
    }, { message: 'the event retried once the lock was free' });
  });
});
