/**
 * The quick reconcile: three listings (NetBox zones, PowerDNS zones, NetBox records changed since the
 * last complete run) and a read of only the zones that moved. What it catches and what it leaves to
 * the deep reconcile are both asserted here, as the README states them.
 */
import { expect } from 'chai';
import type { MemoryPdns } from '../fakes/pdns-memory.js';
import { ManualClock } from '../support/manual-clock.js';
import { harness, netboxZone, type Harness } from './harness.js';

const contentOf = (pdns: MemoryPdns | undefined, zone: string, name: string): string[] =>
  pdns?.rrset(zone, name, 'A')?.records.map((r) => r.content) ?? [];

const SKEW_MS = 5_000;

describe('component: quick reconcile', () => {
  async function synced(): Promise<Harness & { clock: ManualClock }> {
    // NetBox's change times come from this clock: the data is older than the skew window.
    const clock = new ManualClock(Date.parse('2026-12-04T10:00:00Z'));
    const h = harness({ clock });
    for (const z of ['a', 'b', 'c']) netboxZone(h.store, `${z}.example`, [['www', 'A', '192.0.2.1']]);
    clock.advance(10_000);
    const deep = await h.engine.fullReconcile('cron');
    expect(deep.outcome).to.equal('success');
    clock.advance(60_000);
    h.netbox.reads.length = 0;
    return { ...h, clock };
  }

  it('with nothing changed, lists both sides and reads no zone', async () => {
    const h = await synced();
    const pdnsReadsBefore = h.pdns[0]?.calls.length ?? 0;
    const quick = await h.engine.quickReconcile('quick', SKEW_MS);
    expect(quick.mode).to.equal('quick');
    expect(quick.outcome).to.equal('success');
    expect(quick.zones).to.deep.equal([]);
    expect([...h.netbox.reads].sort()).to.deep.equal(['listZones', 'zonesWithRecordsChangedSince']);
    expect(h.pdns[0]?.calls.slice(pdnsReadsBefore).map((c) => c.op)).to.deep.equal(['listZones']);
  });

  it('applies a NetBox change no event delivered, a new zone and a zone NetBox dropped, and only those', async () => {
    const h = await synced();
    const www = h.store.listRecords({ type: 'A' }).find((r) => r.fqdn === 'www.b.example.');
    h.store.updateRecord(www?.id ?? 0, { value: '192.0.2.2' });
    netboxZone(h.store, 'new.example', [['www', 'A', '192.0.2.9']]);
    h.store.deleteZone(h.store.listZones().find((z) => z.name === 'c.example')?.id ?? 0);
    const quick = await h.engine.quickReconcile('quick', SKEW_MS);
    expect(quick.zones.map((z) => [z.zone, z.outcome])).to.deep.equal([['b.example.', 'changed'], ['c.example.', 'deleted'], ['new.example.', 'created']]);
    expect(contentOf(h.pdns[0], 'b.example.', 'www.b.example.')).to.deep.equal(['192.0.2.2']);
  });

  it('sees a record change in a zone whose serial is not automatic, by its change time', async () => {
    const h = await synced();
    const zone = h.store.listZones().find((z) => z.name === 'a.example');
    h.store.updateZone(zone?.id ?? 0, { soa_serial_auto: false, soa_serial: 1 });
    h.clock.advance(60_000); // the zone's own change time falls outside the next window
    await h.engine.fullReconcile('cron');
    const www = h.store.listRecords({ type: 'A' }).find((r) => r.fqdn === 'www.a.example.');
    h.store.updateRecord(www?.id ?? 0, { value: '192.0.2.3' });
    const quick = await h.engine.quickReconcile('quick', SKEW_MS);
    expect(quick.zones.map((z) => z.zone)).to.deep.equal(['a.example.']);
    expect(contentOf(h.pdns[0], 'a.example.', 'www.a.example.')).to.deep.equal(['192.0.2.3']);
  });

  it('leaves drift made in PowerDNS to the deep reconcile, which repairs it', async () => {
    const h = await synced();
    await h.pdns[0]?.patchRRsets('a.example.', [{ name: 'www.a.example.', type: 'A', ttl: 3600, changetype: 'REPLACE', records: [{ content: '198.51.100.1', disabled: false }] }]);
    const quick = await h.engine.quickReconcile('quick', SKEW_MS);
    expect(quick.zones).to.deep.equal([]);
    expect(contentOf(h.pdns[0], 'a.example.', 'www.a.example.')).to.deep.equal(['198.51.100.1']);
    const deep = await h.engine.fullReconcile('cron');
    expect(deep.mode).to.equal('deep');
    expect(contentOf(h.pdns[0], 'a.example.', 'www.a.example.')).to.deep.equal(['192.0.2.1']);
  });

  it('forgets nothing about the zones it did not look at (a refused rrset stays held back)', async () => {
    const h = await synced();
    h.pdns[0]?.refuseContent('A 1.2.3.4', 'Data field in DNS should start with quote (") at position 0');
    h.store.createRecord({ zone: 'a.example', name: 'lua', type: 'LUA', value: 'A 1.2.3.4' });
    h.clock.advance(10_000); // the record's change time falls outside the next window
    await h.engine.fullReconcile('cron');
    expect(h.engine.rejectedRrsets()).to.equal(1);
    h.clock.advance(60_000);
    const quick = await h.engine.quickReconcile('quick', SKEW_MS);
    expect(quick.zones).to.deep.equal([]);
    expect(h.engine.rejectedRrsets()).to.equal(1);
  });

  it('runs deep when no complete run is known yet, and a deep request waiting beside a quick one wins', async () => {
    const h = harness();
    netboxZone(h.store, 'a.example', [['www', 'A', '192.0.2.1']]);
    const first = await h.engine.quickReconcile('quick', SKEW_MS);
    expect(first.mode).to.equal('deep');
    const running = h.engine.fullReconcile('cron');
    const quick = h.engine.quickReconcile('quick', SKEW_MS);
    const deep = h.engine.fullReconcile('api');
    await running;
    expect((await quick).mode).to.equal('deep');
    expect(await deep).to.equal(await quick);
  });
});
