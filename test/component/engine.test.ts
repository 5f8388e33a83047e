/**
 * The engine over the strict in-memory fakes: the full reconcile and the event queue meeting at the
 * zone lock, stale bulk data never written back, retries for the failing target only, and the full
 * reconcile's deletion rules.
 */
import { expect } from 'chai';
import { harness, netboxZone, OWNER } from './harness.js';
import { MemoryNetbox } from '../fakes/netbox-memory.js';
import type { MemoryPdns } from '../fakes/pdns-memory.js';
import { waitFor } from '../support/wait.js';

const contentOf = (pdns: MemoryPdns | undefined, zone: string, name: string, type = 'A'): string[] =>
  pdns?.rrset(zone, name, type)?.records.map((r) => r.content) ?? [];

describe('component: engine', () => {
  it('an event for a zone the full reconcile holds waits at the lock, is logged, and is then applied', async () => {
    const h = harness({ lockWarnMs: 50 });
    netboxZone(h.store, 'lock.example', [['www', 'A', '192.0.2.1']]);
    await h.engine.fullReconcile('startup');
    const pdns = h.pdns[0] as MemoryPdns;
    h.store.createRecord({ zone: 'lock.example', name: 'a', type: 'A', value: '192.0.2.10', disable_ptr: true });
    const held = pdns.hold('patchRRsets');
    const full = h.engine.fullReconcile('cron');
    await held.reached;
    // While the full reconcile is writing the zone, NetBox changes again and the event arrives.
    h.store.createRecord({ zone: 'lock.example', name: 'b', type: 'A', value: '192.0.2.11', disable_ptr: true });
    h.engine.runner.enqueue('lock.example.', 'event', 0);
    await waitFor(() => h.logged(/^lock: waiting for zone lock\.example\. for more than 0\.05s/, 'warn').length === 1, { message: 'the contention warning' });
    expect(contentOf(pdns, 'lock.example.', 'b.lock.example.')).to.deep.equal([]);
    held.release();
    await full;
    await h.engine.runner.idle();
    expect(contentOf(pdns, 'lock.example.', 'a.lock.example.')).to.deep.equal(['192.0.2.10']);
    expect(contentOf(pdns, 'lock.example.', 'b.lock.example.')).to.deep.equal(['192.0.2.11']);
    const warning = h.logged(/^lock: waiting/, 'warn')[0];
    expect(warning).to.include({ zone: 'lock.example.' });
    expect(warning?.holder).to.deep.equal({ trigger: 'cron' });
  });

  it('shutdown while a full reconcile runs and another waits: the waiting one never starts, nothing is logged after drain', async () => {
    const h = harness();
    netboxZone(h.store, 'drain.example', [['www', 'A', '192.0.2.1']]);
    await h.engine.fullReconcile('startup');
    h.store.createRecord({ zone: 'drain.example', name: 'a', type: 'A', value: '192.0.2.10', disable_ptr: true });
    const pdns = h.pdns[0] as MemoryPdns;
    const held = pdns.hold('patchRRsets');
    const before = h.logged(/^full reconcile /).length;
    const first = h.engine.fullReconcile('cron');
    await held.reached;
    const waiting = h.engine.fullReconcile('api');
    const drained = h.engine.drain(5000);
    held.release();
    expect((await drained).completed).to.equal(true);
    const after = { reads: h.netbox.reads.length, logs: h.logs.length };
    // The waiting request is answered by the run that was under way, and no second run reads NetBox.
    expect(await waiting).to.equal(await first);
    await new Promise((resolve) => setImmediate(resolve));
    expect({ reads: h.netbox.reads.length, logs: h.logs.length }).to.deep.equal(after);
    expect(h.logged(/^full reconcile /)).to.have.length(before + 1);
    expect(contentOf(pdns, 'drain.example.', 'a.drain.example.')).to.deep.equal(['192.0.2.10']);
  });

  it('never writes bulk-read data back over a change an event applied after the bulk read', async () => {
    const h = harness({ workers: 1 });
    netboxZone(h.store, 'y.example', [['www', 'A', '192.0.2.1']]);
    netboxZone(h.store, 'z.example', [['www', 'A', '192.0.2.1']]);
    await h.engine.fullReconcile('startup');
    const pdns = h.pdns[0] as MemoryPdns;
    // The full reconcile reads both zones' records, then is held on its first zone (y).
    const held = pdns.hold('getZone');
    const full = h.engine.fullReconcile('cron');
    await held.reached;
    const www = h.store.listRecords({ zone: 'z.example', type: 'A' })[0];
    h.store.updateRecord(Number(www?.id), { value: '192.0.2.2' });
    h.engine.runner.enqueue('z.example.', 'event', 0);
    await waitFor(() => contentOf(pdns, 'z.example.', 'www.z.example.')[0] === '192.0.2.2', { message: 'the event applied' });
    held.release();
    const result = await full;
    expect(contentOf(pdns, 'z.example.', 'www.z.example.')).to.deep.equal(['192.0.2.2']);
    expect(result.zones.find((z) => z.zone === 'z.example.')?.outcome).to.equal('unchanged');
    expect(h.engine.ledger.size()).to.equal(0);
  });

  it('retries a zone for the target that failed only, with backoff, while the other target is done', async () => {
    const h = harness({ targets: [{ name: 'dc1' }, { name: 'dc2' }] });
    netboxZone(h.store, 'two.example', [['www', 'A', '192.0.2.1']]);
    const [dc1, dc2] = h.pdns;
    dc2?.failNext('getZone', MemoryNetbox.unavailable());
    h.engine.runner.enqueue('two.example.', 'event', 0);
    await waitFor(() => contentOf(dc2, 'two.example.', 'www.two.example.')[0] === '192.0.2.1', { message: 'dc2 converged after its retry' });
    await h.engine.runner.idle();
    expect(contentOf(dc1, 'two.example.', 'www.two.example.')).to.deep.equal(['192.0.2.1']);
    const byTarget = h.results.map((r) => [r.target, r.outcome, r.trigger]);
    expect(byTarget).to.deep.equal([['dc1', 'created', 'event'], ['dc2', 'failed', 'event'], ['dc2', 'created', 'retry']]);
    // NetBox was read once per run: the event's run and dc2's retry.
    expect(h.netbox.reads.filter((r) => r === 'findZones')).to.have.length(2);
  });

  it("a full reconcile's result drops each zone's plan once the zone is done, unless asked to keep them or to be told of each", async () => {
    const h = harness();
    netboxZone(h.store, 'p.example', [['www', 'A', '192.0.2.1']]);
    const daemonRun = await h.engine.fullReconcile('cron');
    expect(daemonRun.zones.map((z) => [z.outcome, z.plan])).to.deep.equal([['created', undefined]]);
    expect(h.results[0]?.plan?.creates.length).to.be.greaterThan(0); // observers saw it first
    netboxZone(h.store, 'q.example', [['www', 'A', '192.0.2.1']]);
    const cliRun = await h.engine.fullReconcile('cli', { keepPlans: true });
    expect(cliRun.zones.find((z) => z.zone === 'q.example.')?.plan?.creates.length).to.be.greaterThan(0);
    // Or told of each zone's plan as it is made, holding none (the CLI's text output).
    netboxZone(h.store, 'r.example', [['www', 'A', '192.0.2.1']]);
    const told: Array<[string, number | undefined]> = [];
    const streamed = await h.engine.fullReconcile('cli', { onZone: (r) => told.push([r.zone, r.plan?.creates.length]) });
    expect(told.find(([zone]) => zone === 'r.example.')?.[1]).to.be.greaterThan(0);
    expect(told.map(([zone]) => zone).sort()).to.deep.equal(['p.example.', 'q.example.', 'r.example.']);
    expect(streamed.zones.every((z) => z.plan === undefined)).to.equal(true);
  });

  it('a PowerDNS target whose zone list cannot be read fails alone; the other converges', async () => {
    const h = harness({ targets: [{ name: 'dc1' }, { name: 'dc2' }] });
    netboxZone(h.store, 'a.example', [['www', 'A', '192.0.2.1']]);
    h.pdns[1]?.failNext('listZones', MemoryNetbox.unavailable());
    const result = await h.engine.fullReconcile('cron');
    expect(result.outcome).to.equal('failure');
    expect(result.zones.map((z) => [z.target, z.outcome])).to.deep.equal([['dc1', 'created'], ['dc2', 'failed']]);
    expect(contentOf(h.pdns[0], 'a.example.', 'www.a.example.')).to.deep.equal(['192.0.2.1']);
  });

  describe('zone deletions', () => {
    it('deletes an owned zone that left NetBox, never a foreign one', async () => {
      const h = harness();
      for (const z of ['keep.example', 'gone.example']) netboxZone(h.store, z);
      await h.engine.fullReconcile('startup');
      const pdns = h.pdns[0] as MemoryPdns;
      await pdns.createZone({ name: 'foreign.example.', kind: 'Native', account: 'someone', soa_edit_api: '', nameservers: ['ns.x.'], rrsets: [] });
      h.store.deleteZone(Number(h.store.findZone('gone.example')?.id));
      const result = await h.engine.fullReconcile('cron');
      expect(result.zones.map((z) => [z.zone, z.outcome])).to.deep.equal([['gone.example.', 'deleted'], ['keep.example.', 'unchanged']]);
      expect([...pdns.zones.keys()].sort()).to.deep.equal(['foreign.example.', 'keep.example.']);
    });

    it('refuses to delete everything when NetBox suddenly lists no zones, and to delete too many at once', async () => {
      const h = harness();
      for (let i = 0; i < 12; i++) netboxZone(h.store, `z${i}.example`);
      await h.engine.fullReconcile('startup');
      const pdns = h.pdns[0] as MemoryPdns;
      pdns.calls.length = 0;
      h.netbox.failNext('listZones', 'empty');
      const empty = await h.engine.fullReconcile('cron');
      expect(empty.outcome).to.equal('refused');
      expect(empty.refusal).to.match(/NetBox lists no zones but 12 owned zone\(s\)/);
      for (const id of [0, 1].map((i) => Number(h.store.findZone(`z${i}.example`)?.id))) h.store.deleteZone(id);
      const two = await h.engine.fullReconcile('cron');
      expect(two.refusal).to.match(/too many zone deletions, 16\.67% is over 10\.00% \(2\/12 owned zones\)/);
      expect(pdns.writes().filter((c) => c.op === 'deleteZone')).to.deep.equal([]);
      const forced = await h.engine.fullReconcile('cli', { force: true });
      expect(forced.zones.filter((z) => z.outcome === 'deleted')).to.have.length(2);
      expect([...pdns.zones.values()].every((z) => z.account === OWNER)).to.equal(true);
    });
  });

  it('a complete full reconcile forgets what it remembered about zones gone from NetBox and PowerDNS', async () => {
    const h = harness();
    netboxZone(h.store, 'kept.example', [['lua', 'LUA', 'A 1.2.3.4']]);
    netboxZone(h.store, 'gone.example', [['lua', 'LUA', 'A 1.2.3.4']]);
    const pdns = h.pdns[0] as MemoryPdns;
    pdns.refuseContent('A 1.2.3.4', 'Data field in DNS should start with quote (") at position 0');
    await h.engine.fullReconcile('startup');
    expect(h.engine.rejectedRrsets()).to.equal(2);
    // The zone leaves both sides without a zone task ever seeing it go (deleted by hand in PowerDNS).
    h.store.deleteZone(Number(h.store.findZone('gone.example')?.id));
    await pdns.deleteZone('gone.example.');
    // A run restricted to some zones proves nothing about the others: nothing is forgotten.
    await h.engine.fullReconcile('cli', { zones: ['kept.example.'] });
    expect(h.engine.rejectedRrsets()).to.equal(2);
    expect((await h.engine.fullReconcile('cron')).outcome).to.equal('success');
    expect(h.engine.rejectedRrsets()).to.equal(1);
  });
});
