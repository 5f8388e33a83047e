/**
 * The NetBox client's listings over HTTP against the fake NetBox: keyset paging (`ordering=id`,
 * `id__gt` after the last id, `limit`), a listing that stays whole while records are created and
 * deleted between its pages, and the reads it must refuse (a failed page, a page that announces
 * items it does not return, ids NetBox did not order).
 */
import { expect } from 'chai';
import { createNetboxClient } from '../../../src/netbox/client.js';
import type { NetboxSource } from '../../../src/netbox/source.js';
import { createRetrier } from '../../../src/upstream/retry.js';
import { UpstreamError } from '../../../src/util/errors.js';
import { createMemoryLogger } from '../../../src/util/log.js';
import { FAKE_NETBOX_TOKEN, startFakeNetbox, type FakeNetbox } from '../../fakes/netbox/index.js';

const RECORDS = '/api/plugins/netbox-dns/records/';

function client(nb: FakeNetbox, pageSize: number): NetboxSource {
  const { logger } = createMemoryLogger();
  return createNetboxClient({
    baseUrl: nb.url, token: FAKE_NETBOX_TOKEN, authScheme: 'auto', scopes: [{ nameserverId: nb.store.nameserverId('ns1.example.net') }],
    pageSize, timeoutMs: 5000, tlsVerify: true, logger,
    retrier: createRetrier({ attempts: 1, baseDelayMs: 1, factor: 2, maxDelayMs: 1, jitter: false, logger, upstream: 'netbox' }),
  });
}

/** `"count, next, results"` of a page body the fake would never send, for the refusal cases. */
const body = (count: number, results: Array<{ id: number }>): string => JSON.stringify({ count, next: null, previous: null, results });

describe('NetBox client: listings', () => {
  let nb: FakeNetbox;
  let zoneId: number;
  const recordPages = (): URLSearchParams[] => nb.requests.filter((r) => r.path === RECORDS).map((r) => new URLSearchParams(r.query));
  const hosts = async (c: NetboxSource): Promise<string[]> =>
    ((await c.listRecords([zoneId])).get(zoneId) ?? []).filter((r) => r.type === 'A').map((r) => r.name).sort();

  beforeEach(async () => {
    nb = await startFakeNetbox({ maxPageSize: 5 });
    nb.store.createNameserver({ name: 'ns1.example.net' });
    zoneId = nb.store.createZone({ name: 'paged.example', nameservers: ['ns1.example.net'] }).id as number;
    nb.store.batch(() => {
      for (let i = 0; i < 10; i++) nb.store.createRecord({ zone: zoneId, name: `h${String(i).padStart(2, '0')}`, type: 'A', value: `192.0.2.${i + 1}`, disable_ptr: true });
    });
  });
  afterEach(async () => nb.close());

  it('pages by id: ordering=id, limit, and id__gt the last id of the page before; no request past a page that held the rest', async () => {
    // 12 records (SOA, NS, 10 A), pages of 5 though 50 were asked for: MAX_PAGE_SIZE clamps them.
    const all = nb.store.listRecords({ zone: zoneId }).map((r) => r.id).sort((a, b) => a - b);
    nb.resetRequests();
    const got = (await client(nb, 50).listRecords([zoneId])).get(zoneId) ?? [];
    expect(got.map((r) => r.id)).to.deep.equal(all);
    const pages = recordPages();
    expect(pages.map((q) => [q.get('ordering'), q.get('limit'), q.get('offset'), q.get('id__gt')])).to.deep.equal([
      ['id', '50', null, null], ['id', '50', null, String(all[4])], ['id', '50', null, String(all[9])],
    ]);
  });

  it('a listing stays whole while records are created and deleted between its pages', async () => {
    const c = client(nb, 5);
    const before = await hosts(c);
    let page = 0;
    // Before page 2: delete a record already read and one not read yet, create two. Offset paging
    // would skip a record here (and count would disagree); keyset paging cannot.
    nb.betweenPages(() => {
      if (page++ !== 0) return;
      const a = nb.store.listRecords({ zone: zoneId, type: 'A' }).sort((x, y) => x.id - y.id);
      nb.store.deleteRecord(a[0]?.id ?? 0);
      nb.store.deleteRecord(a[8]?.id ?? 0);
      nb.store.createRecord({ zone: zoneId, name: 'new1', type: 'A', value: '192.0.2.101', disable_ptr: true });
      nb.store.createRecord({ zone: zoneId, name: 'new2', type: 'A', value: '192.0.2.102', disable_ptr: true });
    });
    const during = await hosts(c);
    // Every record that existed from the first page to the last is there, once; the one deleted
    // after it was read may still be (a read of a moving source), the one deleted before it is not,
    // and records created meanwhile (higher ids) are read on the later pages.
    const survivors = before.filter((h) => h !== 'h00' && h !== 'h08');
    expect(during).to.deep.equal([...new Set(during)]);
    expect(during).to.include.members([...survivors, 'new1', 'new2']);
    expect(during).to.not.include('h08');
    expect(await hosts(c)).to.deep.equal([...survivors, 'new1', 'new2'].sort());
  });

  it('fails the whole listing when a page fails', async () => {
    nb.betweenPages(() => nb.faults.next({ status: 403 }));
    const err = await client(nb, 5).listRecords([zoneId]).then(() => null, (e: unknown) => e);
    expect(err).to.be.instanceOf(UpstreamError);
    expect((err as UpstreamError).details.status).to.equal(403);
  });

  it('refuses a page that announces items but returns none', async () => {
    nb.faults.next({ status: 200, body: body(3, []) });
    const err = await client(nb, 5).listRecords([zoneId]).then(() => null, (e: unknown) => e);
    expect((err as Error).message).to.match(/announced 3 more items but returned none: refusing a partial listing/);
    expect((err as UpstreamError).errorClass).to.equal('transient');
  });

  it('refuses ids that are not ascending past the last one (NetBox ignoring ordering=id or id__gt)', async () => {
    nb.faults.next({ status: 200, body: body(3, [{ id: 9 }, { id: 4 }]) });
    const err = await client(nb, 5).listZones().then(() => null, (e: unknown) => e);
    expect((err as Error).message).to.match(/ids out of order \(4 after 9\).*refusing a partial listing/);
    expect((err as UpstreamError).errorClass).to.equal('terminal');
  });

  it('asks NetBox for the zone fields the daemon reads only, and keeps only ids and names of nested objects', async () => {
    nb.resetRequests();
    const [zone] = await client(nb, 5).listZones();
    const asked = new URLSearchParams(nb.requests[0]?.query).get('fields')?.split(',') ?? [];
    expect(asked).to.include.members(['id', 'name', 'view', 'nameservers', 'active', 'soa_mname', 'soa_serial', 'dnssec_policy', 'last_updated']);
    for (const unread of ['tenant', 'tags', 'registrar', 'rfc2317_child_zones', 'status']) expect(asked).to.not.include(unread);
    expect(zone).to.not.have.property('tenant');
    expect(zone?.view).to.deep.equal({ id: zone?.view.id, name: '_default_' });
    expect(zone?.nameservers).to.deep.equal([{ id: nb.store.nameserverId('ns1.example.net'), name: 'ns1.example.net' }]);
    expect(zone?.soa_mname).to.have.all.keys('id', 'name');
    expect(zone?.last_updated).to.be.a('string');
  });

  it('reads on past a last page that returned fewer items than it counted, and stops at an empty one', async () => {
    // count 4 but 2 results and no next (an item deleted between NetBox's COUNT and its SELECT): read on.
    nb.faults.next({ status: 200, body: body(4, [{ id: 1 }, { id: 2 }]) });
    nb.resetRequests();
    const zones = await client(nb, 5).listZones();
    expect(zones.map((z) => z.id)).to.deep.equal([1, 2]);
    expect(nb.requests.map((r) => new URLSearchParams(r.query).get('id__gt'))).to.deep.equal([null, '2']);
  });
});
