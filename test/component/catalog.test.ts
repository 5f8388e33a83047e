/**
 * The catalog service over the strict in-memory PowerDNS and a manual clock: the catalog zone is
 * created as a Producer with EPOCH serials, every membership change bumps and NOTIFYs it, a second
 * change within the same second waits for the next second, and a serial ahead of the clock is never
 * moved backwards.
 */
import { expect } from 'chai';
import { createCatalogService } from '../../src/reconcile/catalog.js';
import { createMemoryLogger } from '../../src/util/log.js';
import { ManualClock } from '../support/manual-clock.js';
import { MemoryPdns } from '../fakes/pdns-memory.js';
import { harness, netboxZone, targetFor } from './harness.js';

const CAT = 'catalog.invalid.';

function setup(): { pdns: MemoryPdns; clock: ManualClock; service: ReturnType<typeof createCatalogService>; logs: Array<Record<string, unknown>> } {
  const clock = new ManualClock(Date.UTC(2026, 11, 4, 12, 0, 0, 200));
  const pdns = new MemoryPdns();
  pdns.nowSeconds = () => Math.floor(clock.now() / 1000);
  const target = targetFor(pdns, { zoneKind: 'Master' });
  target.policy = { ...target.policy, catalog: CAT };
  const { logger, entries } = createMemoryLogger('debug');
  return { pdns, clock, service: createCatalogService({ target, zone: CAT, clock, logger }), logs: entries };
}

describe('component: catalog service', () => {
  it('creates the catalog as a Producer we own with EPOCH serials, then plans nothing', async () => {
    const { pdns, service } = setup();
    const first = await service.reconcile({ dryRun: false });
    expect(first.plan.action).to.equal('create');
    expect(pdns.zones.get(CAT)).to.include({ kind: 'Producer', account: 'netbox-pdns', soa_edit_api: 'EPOCH' });
    const again = await service.reconcile({ dryRun: false });
    expect(again).to.deep.include({ changed: false });
    expect(again.plan.settings).to.deep.equal([]);
  });

  it('bumps and NOTIFYs after membership changes; a second change in the same second waits for the next', async () => {
    const { pdns, clock, service } = setup();
    await service.ready();
    service.changed();
    await service.idle();
    const t0 = Math.floor(clock.now() / 1000);
    expect(pdns.zones.get(CAT)?.serial).to.equal(t0);
    expect(pdns.calls.filter((c) => c.op === 'notify').length).to.equal(1);
    service.changed();
    await clock.advanceAsync(0);
    expect(pdns.zones.get(CAT)?.serial, 'not bumped to the same second').to.equal(t0);
    await clock.advanceAsync(1000);
    await service.idle();
    expect(pdns.zones.get(CAT)?.serial).to.equal(t0 + 1);
    expect(pdns.calls.filter((c) => c.op === 'notify').length).to.equal(2);
    expect(service.status()).to.include({ zone: CAT, serial: t0 + 1, last_error: null });
  });

  it('never moves a serial that is ahead of the clock backwards', async () => {
    const { pdns, service, logs } = setup();
    await service.ready();
    const zone = pdns.zones.get(CAT);
    if (zone) zone.serial = 2026120401;
    service.changed();
    await service.idle();
    expect(pdns.zones.get(CAT)?.serial).to.equal(2026120401);
    expect(pdns.calls.some((c) => c.op === 'bumpSerial')).to.equal(false);
    expect(pdns.calls.filter((c) => c.op === 'notify').length).to.equal(1);
    expect(logs.some((l) => /ahead of the clock/.test(String(l.message)))).to.equal(true);
  });

  it('through the engine: the TSIG key exists before a zone names it, with or without a catalog', async () => {
    const tsigKey = { name: 'xfr-key.', algorithm: 'hmac-sha256', key: 'c2VjcmV0' };
    const transfer = { alsoNotify: ['192.0.2.53'], allowAxfrFrom: [], tsigKeys: ['xfr-key.'] };
    for (const catalog of [undefined, CAT]) {
      const h = harness({ targets: [{ zoneKind: 'Master', transfer, tsigKey, ...(catalog ? { catalog } : {}) }] });
      netboxZone(h.store, 'a.example', [['www', 'A', '192.0.2.1']]);
      const result = await h.engine.fullReconcile('cli');
      expect(result.outcome, String(catalog)).to.equal('success');
      const pdns = h.pdns[0] as MemoryPdns;
      const ops = pdns.writes().map((c) => `${c.op} ${c.zone ?? ''}`.trim());
      expect(ops.indexOf('putTsigKey'), `${String(catalog)}: ${ops.join(', ')}`).to.be.below(ops.indexOf('createZone a.example.'));
      expect(pdns.zones.get('a.example.')).to.deep.include({ kind: 'Master', master_tsig_key_ids: ['xfr-key.'], catalog: catalog ?? '' });
      expect(pdns.metadata.get('a.example.')?.get('ALSO-NOTIFY')).to.deep.equal(['192.0.2.53']);
      expect(pdns.zones.has(CAT)).to.equal(catalog !== undefined);
      expect(JSON.stringify(h.logs)).to.not.include('c2VjcmV0');
    }
  });

  it('the catalog, and a Producer of ours left from an earlier name, are never deleted nor counted by the zone-deletion threshold', async () => {
    const h = harness({ targets: [{ zoneKind: 'Master', catalog: CAT }] });
    for (let i = 0; i < 19; i++) netboxZone(h.store, `z${i}.example`, [['www', 'A', '192.0.2.1']]);
    expect((await h.engine.fullReconcile('cli')).outcome).to.equal('success');
    const pdns = h.pdns[0] as MemoryPdns;
    pdns.zones.set('old-catalog.invalid.', { id: 'old-catalog.invalid.', name: 'old-catalog.invalid.', kind: 'Producer', account: 'netbox-pdns', serial: 1, rrsets: [] });
    // Two of 19 zones gone from NetBox is over the 10 % limit; counting the two catalogs would make it 2 in 21.
    for (const name of ['z0.example', 'z1.example']) h.store.deleteZone(Number(h.store.findZone(name)?.id));
    const refused = await h.engine.fullReconcile('cli');
    expect(refused.outcome).to.equal('refused');
    expect(refused.refusal).to.match(/\(2\/19 owned zones\)/);
    const forced = await h.engine.fullReconcile('cli', { force: true });
    expect(forced.outcome).to.equal('success');
    expect([...pdns.zones.keys()].sort()).to.deep.equal([CAT, 'old-catalog.invalid.', ...Array.from({ length: 17 }, (_, i) => `z${i + 2}.example.`)].sort());
  });

  it('turning the catalog on makes the zones we own Master members, with coalesced catalog bumps', async () => {
    const plain = harness({ targets: [{ zoneKind: 'Native' }] });
    for (let i = 0; i < 3; i++) netboxZone(plain.store, `z${i}.example`, [['www', 'A', '192.0.2.1']]);
    expect((await plain.engine.fullReconcile('cli')).outcome).to.equal('success');
    const zones = plain.pdns[0] as MemoryPdns;
    expect(zones.zones.get('z0.example.')?.kind).to.equal('Native');
    // The same PowerDNS and NetBox, now with a catalog.
    const withCatalog = harness({ targets: [{ zoneKind: 'Master', catalog: CAT }] });
    for (let i = 0; i < 3; i++) netboxZone(withCatalog.store, `z${i}.example`, [['www', 'A', '192.0.2.1']]);
    for (const [name, zone] of zones.zones) (withCatalog.pdns[0] as MemoryPdns).zones.set(name, zone);
    const result = await withCatalog.engine.fullReconcile('cli', { keepPlans: true });
    expect(result.outcome).to.equal('success');
    const z0 = result.zones.find((z) => z.zone === 'z0.example.');
    expect(z0?.plan?.settings).to.deep.equal([{ field: 'kind', from: 'Native', to: 'Master' }, { field: 'catalog', from: '', to: CAT }]);
    const target = withCatalog.pdns[0] as MemoryPdns;
    expect([0, 1, 2].map((i) => target.zones.get(`z${i}.example.`)).map((z) => [z?.kind, z?.catalog])).to.deep.equal(Array(3).fill(['Master', CAT]));
    // Joins while a bump runs share the one bump after it (at most one per second, by the serial rule).
    const bumps = target.calls.filter((c) => c.op === 'bumpSerial').length;
    expect(bumps, 'bumps for the three joins').to.be.within(1, 2);
    expect(withCatalog.engine.catalogs().localhost).to.include({ zone: CAT, members: 3 });
  });
});
