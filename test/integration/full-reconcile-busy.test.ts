/**
 * A full reconcile against a real PowerDNS while NetBox is busy: records (and a zone) are created and
 * deleted between the pages of its listings, as a steady stream of NetBox changes does. Keyset paging
 * keeps each listing whole, so the run succeeds instead of refusing a "partial listing"; what changed
 * during it is put right by the next run (or the change's own event), and then PowerDNS holds exactly
 * what NetBox holds.
 */
import { expect } from 'chai';
import { startSyncEnv, type SyncEnv } from '../support/sync-env.js';
import { queryDns } from '../support/dns.js';

const ZONES = Array.from({ length: 6 }, (_, i) => `busy${i}.example`);

describe('full reconcile while NetBox changes between its pages', function () {
  this.timeout(60_000);
  let env: SyncEnv;

  /** A names of each zone as PowerDNS holds them, and as NetBox does. */
  const inPdns = async (): Promise<Record<string, string[]>> => Object.fromEntries(await Promise.all(ZONES.map(async (z) => {
    const zone = await env.direct.client.getZone(`${z}.`);
    return [z, (zone?.rrsets ?? []).filter((r) => r.type === 'A').map((r) => `${r.name} ${r.records.map((c) => c.content).join(',')}`).sort()] as const;
  })));
  const inNetbox = (): Record<string, string[]> => Object.fromEntries(ZONES.map((z) => [z, env.netbox.store.findZone(z)
    ? env.netbox.store.listRecords({ zone: z, type: 'A' }).filter((r) => r.active).map((r) => `${r.fqdn ?? ''} ${r.value}`).sort()
    : []]));

  before(async () => {
    // Pages of 5: each listing spans many pages, so there are many "between pages" to change NetBox in.
    env = await startSyncEnv({ maxPageSize: 5 });
    for (const zone of ZONES) {
      env.netbox.store.createZone({ name: zone, nameservers: ['ns1.example.net'], soa_mname: 'ns1.example.net', soa_rname: `hostmaster.${zone}` });
      for (let i = 0; i < 20; i++) env.netbox.store.createRecord({ zone, name: `h${i}`, type: 'A', value: `192.0.2.${i + 1}`, disable_ptr: true });
    }
    expect((await env.core().core.engine.fullReconcile('cli')).outcome).to.equal('success');
  });
  after(async () => env?.stop());

  it('succeeds while records are created and deleted between its pages, and converges', async () => {
    const store = env.netbox.store;
    const untouched = new Set(ZONES.slice(0, 2));
    const churned = ZONES.filter((z) => !untouched.has(z));
    let pages = 0;
    let changes = 0;
    // Before every page after the first: a record created and another deleted in the churned zones
    // (round robin), and once a zone deleted after the zone list was read.
    const remove = env.netbox.betweenPages(({ resource }) => {
      pages += 1;
      if (resource === 'records' && pages === 3) {
        store.deleteZone(store.findZone(ZONES[5] as string)?.id ?? 0);
        return;
      }
      const zone = churned[changes % (churned.length - 1)] as string;
      // One record that PowerDNS holds goes in each zone, then records made during the run (so the
      // change stays under the safety thresholds).
      const made = store.listRecords({ zone, type: 'A' }).filter((r) => r.name.startsWith('new'));
      const victim = made.length > 1 ? made[0] : made.length === 0 ? store.listRecords({ zone, type: 'A' })[0] : undefined;
      if (victim) store.deleteRecord(victim.id);
      store.createRecord({ zone, name: `new${changes}`, type: 'A', value: `198.51.100.${changes % 250}`, disable_ptr: true });
      changes += 1;
    });
    const { core, logs } = env.core();
    const busy = await core.engine.fullReconcile('cli');
    remove();
    expect(logs.filter((l) => /partial listing/.test(String(l.message)))).to.deep.equal([]);
    expect(busy.error).to.equal(undefined);
    expect(busy.outcome).to.equal('success');
    // The zones changed during the run were written from what its pages read; the zone deleted
    // mid-run was not read as empty: it is left for the next run, not emptied.
    expect(Object.fromEntries(busy.zones.map((z) => [z.zone, z.outcome]))).to.deep.equal({
      'busy0.example.': 'unchanged', 'busy1.example.': 'unchanged', 'busy2.example.': 'changed', 'busy3.example.': 'changed',
      'busy4.example.': 'changed', 'busy5.example.': 'skipped',
    });
    expect(pages, 'pages read while NetBox changed').to.be.greaterThan(10);
    expect((await queryDns(env.pdns.dnsPort, `h11.${ZONES[5] ?? ''}`, 'A')).answers).to.deep.equal(['192.0.2.12']);
    const afterBusy = await inPdns();
    const wanted = inNetbox();
    for (const zone of untouched) expect(afterBusy[zone], zone).to.deep.equal(wanted[zone]);

    // NetBox quiet again: the next run puts right what changed during the busy one, and deletes the zone.
    const quiet = await env.core().core.engine.fullReconcile('cli');
    expect(quiet.outcome).to.equal('success');
    expect(quiet.zones.find((z) => z.zone === `${ZONES[5] ?? ''}.`)?.outcome).to.equal('deleted');
    expect(await inPdns()).to.deep.equal(inNetbox());
    for (const zone of churned.slice(0, -1)) {
      const latest = store.listRecords({ zone, type: 'A' }).filter((r) => r.name.startsWith('new')).at(-1);
      expect((await queryDns(env.pdns.dnsPort, latest?.fqdn ?? '', 'A')).answers).to.deep.equal([latest?.value]);
    }
  });
});
