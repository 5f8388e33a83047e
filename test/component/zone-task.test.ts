/** The zone task and its plan over the strict in-memory PowerDNS and NetBox: every safety rule. */
import { expect } from 'chai';
import { harness, netboxZone, OWNER } from './harness.js';
import type { MemoryPdns } from '../fakes/pdns-memory.js';

const Z = 'example.com.';
const SOA = 'ns1.example.net. hostmaster.example.com. 1 10800 3600 604800 3600';

/** A zone made by hand in PowerDNS (account not ours), holding `rrsets`. */
async function handMade(pdns: MemoryPdns, rrsets: Array<[string, string, string]>): Promise<void> {
  await pdns.createZone({
    name: Z, kind: 'Native', account: 'hand-made', soa_edit_api: 'DEFAULT', nameservers: [],
    rrsets: ([[Z, 'SOA', SOA], [Z, 'NS', 'ns1.example.net.'], ...rrsets] as Array<[string, string, string]>).map(([name, type, content]) => ({
      name, type, changetype: 'REPLACE' as const, ttl: 300, records: [{ content, disabled: false }],
    })),
  });
  pdns.calls.length = 0;
}

describe('component: zone task', () => {
  it('creates a zone, then finds nothing to do (no write at all on the second run)', async () => {
    const h = harness();
    netboxZone(h.store, 'example.com', [['www', 'A', '192.0.2.1']]);
    const [first] = await h.engine.reconcileZone(Z, { trigger: 'cli' });
    expect(first?.outcome).to.equal('created');
    expect(first?.plan?.settings.map((s) => s.field)).to.deep.equal(['kind', 'account', 'soa_edit_api']);
    h.pdns[0]?.calls.splice(0);
    const [second] = await h.engine.reconcileZone(Z, { trigger: 'cli' });
    expect(second?.outcome).to.equal('unchanged');
    expect(h.pdns[0]?.writes()).to.deep.equal([]);
  });

  describe('adoption (safe by default)', () => {
    it('refuses to adopt a hand-made zone whose content NetBox would replace, writing nothing', async () => {
      const h = harness();
      netboxZone(h.store, 'example.com', [['www', 'A', '192.0.2.80']]);
      const pdns = h.pdns[0] as MemoryPdns;
      await handMade(pdns, [['www.example.com.', 'A', '198.51.100.9'], ['old.example.com.', 'A', '198.51.100.10']]);
      const [r] = await h.engine.reconcileZone(Z, { trigger: 'cli' });
      expect(r?.outcome).to.equal('refused');
      expect(r?.refusal?.code).to.equal('adoption');
      expect(r?.error).to.match(/adopting this zone would change 1 and delete 1 existing rrset/);
      expect(pdns.writes()).to.deep.equal([]);
      expect((await pdns.getZone(Z))?.account).to.equal('hand-made');
    });

    it('adopts when that only adds rrsets (and sets the apex SOA/NS), marking the zone ours last', async () => {
      const h = harness();
      netboxZone(h.store, 'example.com', [['new', 'A', '192.0.2.7']]);
      h.store.createRecord({ zone: 'example.com', name: 'www', type: 'A', value: '198.51.100.9', ttl: 300, disable_ptr: true });
      const pdns = h.pdns[0] as MemoryPdns;
      await handMade(pdns, [['www.example.com.', 'A', '198.51.100.9']]);
      const [r] = await h.engine.reconcileZone(Z, { trigger: 'cli' });
      expect(r?.outcome).to.equal('changed');
      expect(pdns.writes().map((c) => c.op)).to.deep.equal(['updateZone', 'patchRRsets', 'updateZone']);
      expect(pdns.writes()[0]?.fields).to.deep.equal({ soa_edit_api: '' });
      expect(pdns.writes()[2]?.fields).to.deep.equal({ account: OWNER });
      expect(pdns.rrset(Z, 'new.example.com.', 'A')?.records.map((x) => x.content)).to.deep.equal(['192.0.2.7']);
    });

    it('applies the refused adoption once forced (the approval path), and never adopts in mode never', async () => {
      const h = harness();
      netboxZone(h.store, 'example.com', [['www', 'A', '192.0.2.80']]);
      const pdns = h.pdns[0] as MemoryPdns;
      await handMade(pdns, [['www.example.com.', 'A', '198.51.100.9']]);
      const [forced] = await h.engine.reconcileZone(Z, { trigger: 'cli', force: true });
      expect(forced?.outcome).to.equal('changed');
      expect(pdns.rrset(Z, 'www.example.com.', 'A')?.records[0]?.content).to.equal('192.0.2.80');

      const never = harness({ targets: [{ adoption: 'never' }] });
      netboxZone(never.store, 'example.com', [['www', 'A', '192.0.2.80']]);
      await handMade(never.pdns[0] as MemoryPdns, []);
      const [left] = await never.engine.reconcileZone(Z, { trigger: 'cli' });
      expect(left?.outcome).to.equal('skipped');
      expect(never.pdns[0]?.writes()).to.deep.equal([]);
    });
  });

  it('refuses to empty a zone when NetBox answers with nothing beyond SOA and NS, whatever its size', async () => {
    const h = harness();
    netboxZone(h.store, 'example.com', [['a', 'A', '192.0.2.1'], ['b', 'A', '192.0.2.2']]);
    await h.engine.reconcileZone(Z, { trigger: 'cli' });
    const pdns = h.pdns[0] as MemoryPdns;
    pdns.calls.length = 0;
    h.netbox.failNext('listRecordsByZoneName', 'empty');
    const [r] = await h.engine.reconcileZone(Z, { trigger: 'event' });
    expect(r?.outcome).to.equal('refused');
    expect(r?.refusal?.code).to.equal('empty_answer');
    expect(pdns.writes()).to.deep.equal([]);
    expect(pdns.rrset(Z, 'a.example.com.', 'A')).to.not.equal(undefined);
  });

  it('keeps an ACME challenge written beside NetBox through later changes, and shows it as kept', async () => {
    const h = harness();
    netboxZone(h.store, 'example.com', [['www', 'A', '192.0.2.1']]);
    await h.engine.reconcileZone(Z, { trigger: 'cli' });
    const pdns = h.pdns[0] as MemoryPdns;
    pdns.put(Z, { name: '_acme-challenge.www.example.com.', type: 'TXT', ttl: 60, records: ['"token-123"'] });
    h.store.createRecord({ zone: 'example.com', name: 'mail', type: 'A', value: '192.0.2.25', disable_ptr: true });
    const [r] = await h.engine.reconcileZone(Z, { trigger: 'event' });
    expect(r?.outcome).to.equal('changed');
    expect(r?.plan?.kept).to.deep.include({
      name: '_acme-challenge.www.example.com.', type: 'TXT', reason: 'protected', detail: 'protected by the rule _acme-challenge.*:TXT',
      current: { name: '_acme-challenge.www.example.com.', type: 'TXT', ttl: 60, records: ['"token-123"'] },
    });
    expect(pdns.rrset(Z, '_acme-challenge.www.example.com.', 'TXT')).to.not.equal(undefined);
    // Anything else not in NetBox still goes: NetBox is the source of truth.
    pdns.put(Z, { name: 'stray.example.com.', type: 'A', records: ['192.0.2.99'] });
    await h.engine.reconcileZone(Z, { trigger: 'cron' });
    expect(pdns.rrset(Z, 'stray.example.com.', 'A')).to.equal(undefined);
    expect(pdns.rrset(Z, '_acme-challenge.www.example.com.', 'TXT')).to.not.equal(undefined);
  });

  it('record ownership: marks what it writes, never changes or deletes an unmarked rrset, and reports it', async () => {
    const h = harness({ targets: [{ recordOwnership: true }] });
    netboxZone(h.store, 'example.com', [['www', 'A', '192.0.2.1']]);
    await h.engine.reconcileZone(Z, { trigger: 'cli' });
    const pdns = h.pdns[0] as MemoryPdns;
    expect(pdns.rrset(Z, 'www.example.com.', 'A')?.comments?.[0]?.account).to.equal(OWNER);
    pdns.put(Z, { name: 'manual.example.com.', type: 'A', records: ['198.51.100.1'] });
    h.store.updateRecord(Number(h.store.listRecords({ zone: 'example.com', type: 'A' })[0]?.id), { value: '192.0.2.2' });
    const [r] = await h.engine.reconcileZone(Z, { trigger: 'event' });
    expect(r?.outcome).to.equal('changed');
    expect(pdns.rrset(Z, 'www.example.com.', 'A')?.records[0]?.content).to.equal('192.0.2.2');
    expect(pdns.rrset(Z, 'manual.example.com.', 'A')?.records[0]?.content).to.equal('198.51.100.1');
    expect(r?.plan?.kept.map((k) => [k.name, k.reason])).to.deep.equal([['manual.example.com.', 'not_marked']]);
  });

  describe('content PowerDNS refuses (422)', () => {
    it('in a new zone: the zone is created with everything else, the refused rrset reported and not resent', async () => {
      const h = harness();
      netboxZone(h.store, 'example.com', [['www', 'A', '192.0.2.1'], ['mail', 'A', '192.0.2.25'], ['lua', 'LUA', 'A 1.2.3.4']]);
      const pdns = h.pdns[0] as MemoryPdns;
      pdns.refuseContent('A 1.2.3.4', 'Data field in DNS should start with quote (") at position 0');
      const [r] = await h.engine.reconcileZone(Z, { trigger: 'cli' });
      expect(r?.outcome).to.equal('created');
      expect(r?.rejected).to.deep.equal([{ name: 'lua.example.com.', type: 'LUA', error: "Record lua.example.com./LUA 'A 1.2.3.4': Data field in DNS should start with quote (\") at position 0" }]);
      expect(pdns.rrset(Z, 'www.example.com.', 'A')).to.not.equal(undefined);
      expect(pdns.rrset(Z, 'mail.example.com.', 'A')).to.not.equal(undefined);
      expect(h.logged(/PowerDNS refused lua\.example\.com\. LUA/, 'warn')).to.have.length(1);
      pdns.calls.length = 0;
      const [again] = await h.engine.reconcileZone(Z, { trigger: 'cron' });
      expect(again?.outcome).to.equal('unchanged');
      expect(pdns.writes()).to.deep.equal([]);
      expect(again?.plan?.kept.map((k) => [k.name, k.reason])).to.deep.equal([['lua.example.com.', 'rejected']]);
      expect(again?.rejected).to.have.length(1);
    });

    it('in an existing zone: the rest of the change is applied, and a fixed value is sent again', async () => {
      const h = harness();
      netboxZone(h.store, 'example.com', [['www', 'A', '192.0.2.1']]);
      await h.engine.reconcileZone(Z, { trigger: 'cli' });
      const pdns = h.pdns[0] as MemoryPdns;
      pdns.refuseContent('A 1.2.3.4', 'Data field in DNS should start with quote');
      h.store.createRecord({ zone: 'example.com', name: 'lua', type: 'LUA', value: 'A 1.2.3.4' });
      for (const n of ['a', 'b', 'c', 'd', 'e']) h.store.createRecord({ zone: 'example.com', name: n, type: 'TXT', value: n });
      const [r] = await h.engine.reconcileZone(Z, { trigger: 'event' });
      expect(r?.outcome).to.equal('changed');
      expect(r?.rejected.map((x) => x.name)).to.deep.equal(['lua.example.com.']);
      for (const n of ['a', 'b', 'c', 'd', 'e']) expect(pdns.rrset(Z, `${n}.example.com.`, 'TXT'), n).to.not.equal(undefined);
      // The serial moved on: NetBox's, or PowerDNS's + 1 when NetBox's is not newer (changes within one second).
      expect(pdns.zones.get(Z)?.serial).to.be.at.least(Number(h.store.findZone('example.com')?.soa_serial));
      const lua = h.store.listRecords({ zone: 'example.com', type: 'LUA' })[0];
      h.store.updateRecord(Number(lua?.id), { value: 'A "1.2.3.4"' });
      const [fixed] = await h.engine.reconcileZone(Z, { trigger: 'event' });
      expect(fixed?.rejected).to.deep.equal([]);
      expect(pdns.rrset(Z, 'lua.example.com.', 'LUA')?.records[0]?.content).to.equal('A "1.2.3.4"');
    });
  });

  it('leaves out a CNAME that conflicts with other data at its name, and syncs the rest', async () => {
    const h = harness();
    netboxZone(h.store, 'example.com', [['www', 'A', '192.0.2.1'], ['www', 'CNAME', 'web'], ['mail', 'A', '192.0.2.25']]);
    const [r] = await h.engine.reconcileZone(Z, { trigger: 'cli' });
    expect(r?.outcome).to.equal('created');
    expect(r?.plan?.kept.map((k) => [k.name, k.type, k.reason])).to.deep.equal([['www.example.com.', 'CNAME', 'invalid']]);
    expect(h.pdns[0]?.rrset(Z, 'www.example.com.', 'A')).to.not.equal(undefined);
  });

  it('logs a refused plan at warn when it starts or changes, not on every run', async () => {
    const h = harness();
    netboxZone(h.store, 'example.com', [['www', 'A', '192.0.2.80']]);
    await handMade(h.pdns[0] as MemoryPdns, [['www.example.com.', 'A', '198.51.100.9']]);
    for (let i = 0; i < 3; i++) await h.engine.reconcileZone(Z, { trigger: 'cron' });
    expect(h.logged(/^plan refused/, 'warn')).to.have.length(1);
    expect(h.logged(/^plan refused/, 'debug')).to.have.length(2);
    h.store.createRecord({ zone: 'example.com', name: 'other', type: 'A', value: '192.0.2.81', disable_ptr: true });
    await h.engine.reconcileZone(Z, { trigger: 'cron' });
    expect(h.logged(/^plan refused/, 'warn')).to.have.length(2);
  });
});
