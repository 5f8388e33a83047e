/**
 * Contract tests for the fake NetBox's ordering, id lookups and between-pages hook: what keyset
 * paging (`ordering=id&id__gt=<last>&limit=N`) relies on, checked over real HTTP against
 * shared/reference/netbox-api.md §2 (DRF OrderingFilter, NetBox's `id` lookups).
 */
import { expect } from 'chai';
import { FAKE_NETBOX_TOKEN, startFakeNetbox, type FakeNetbox, type PageRequest } from '../fakes/netbox/index.js';

const API = '/api/plugins/netbox-dns';

type Page = { count: number; next: string | null; results: Array<{ id: number; name: string }> };

async function get(nb: FakeNetbox, path: string): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${nb.url}${path}`, { headers: { Authorization: `Token ${FAKE_NETBOX_TOKEN}` } });
  return { status: res.status, body: (await res.json()) as unknown };
}
const page = async (nb: FakeNetbox, path: string): Promise<Page> => (await get(nb, path)).body as Page;
const ids = (p: Page): number[] => p.results.map((r) => r.id);

describe('fake NetBox: ordering, id lookups, pages', () => {
  let nb: FakeNetbox;
  /** Zone ids in creation order; names run backwards so name order and id order differ. */
  let zoneIds: number[];

  beforeEach(async () => {
    nb = await startFakeNetbox({ maxPageSize: 3 });
    nb.store.createNameserver({ name: 'ns1.example.net' });
    zoneIds = [];
    for (let i = 6; i >= 0; i--) zoneIds.push(nb.store.createZone({ name: `z${i}.example`, nameservers: ['ns1.example.net'] }).id as number);
  });
  afterEach(async () => nb.close());

  it('orders by ?ordering= (descending with -, the last one given wins, unknown fields ignored)', async () => {
    expect((await page(nb, `${API}/zones/?ordering=id`)).results.map((z) => z.name)).to.deep.equal(['z6.example', 'z5.example', 'z4.example']);
    expect(ids(await page(nb, `${API}/zones/?ordering=-id`))).to.deep.equal([...zoneIds].reverse().slice(0, 3));
    expect(ids(await page(nb, `${API}/zones/?ordering=name&ordering=id`))).to.deep.equal(zoneIds.slice(0, 3));
    // Only unknown fields: the default ordering (view, name) stands.
    expect((await page(nb, `${API}/zones/?ordering=bogus`)).results.map((z) => z.name)).to.deep.equal(['z0.example', 'z1.example', 'z2.example']);
    expect(ids(await page(nb, `${API}/zones/?ordering=bogus,id`))).to.deep.equal(zoneIds.slice(0, 3));
  });

  it('filters by id, id__n, id__gt, id__gte, id__lt, id__lte (repeats OR, lookups AND), and refuses a non-number', async () => {
    const [a, b, c, d] = zoneIds as [number, number, number, number];
    expect(ids(await page(nb, `${API}/zones/?ordering=id&id__gt=${b}&id__lte=${d}`))).to.deep.equal([c, d]);
    expect(ids(await page(nb, `${API}/zones/?ordering=id&id__gte=${b}&id__lt=${d}&id__n=${c}`))).to.deep.equal([b]);
    expect(ids(await page(nb, `${API}/zones/?ordering=id&id=${a}&id=${d}`))).to.deep.equal([a, d]);
    const bad = await get(nb, `${API}/zones/?id__gt=x`);
    expect(bad).to.deep.equal({ status: 400, body: { id__gt: ['Enter a number.'] } });
  });

  it('pages by id: count is what matches past the bound, so the last page announces only itself', async () => {
    const first = await page(nb, `${API}/zones/?ordering=id&limit=3`);
    expect(first).to.include({ count: 7 });
    const second = await page(nb, `${API}/zones/?ordering=id&limit=3&id__gt=${ids(first).at(-1) ?? 0}`);
    expect(second.count).to.equal(4);
    const last = await page(nb, `${API}/zones/?ordering=id&limit=3&id__gt=${ids(second).at(-1) ?? 0}`);
    expect(last).to.include({ count: 1, next: null });
    expect([...ids(first), ...ids(second), ...ids(last)]).to.deep.equal(zoneIds);
  });

  it('orders and bounds records by id too', async () => {
    const records = nb.store.listRecords().map((r) => r.id).sort((x, y) => x - y);
    expect(ids(await page(nb, `${API}/records/?ordering=id`))).to.deep.equal(records.slice(0, 3));
    const after = await page(nb, `${API}/records/?ordering=id&id__gt=${records[4] ?? 0}`);
    expect(after.count).to.equal(records.length - 5);
    expect(ids(after)).to.deep.equal(records.slice(5, 8));
  });

  it('runs the between-pages hook before every page after the first, and a page waits for its promise', async () => {
    const seen: PageRequest[] = [];
    const remove = nb.betweenPages((p) => { seen.push(p); });
    await page(nb, `${API}/zones/?ordering=id&limit=3`);
    await page(nb, `${API}/zones/?limit=3&offset=0`);
    expect(seen).to.deep.equal([]);
    await page(nb, `${API}/zones/?ordering=id&limit=3&id__gt=${zoneIds[2] ?? 0}`);
    await page(nb, `${API}/records/?limit=3&offset=3`);
    expect(seen.map((p) => [p.resource, p.query.get('id__gt') ?? p.query.get('offset')])).to.deep.equal([['zones', String(zoneIds[2])], ['records', '3']]);
    remove();

    // A hook that changes the data: the page is built after it, so it sees the change.
    let release = (): void => undefined;
    const held = new Promise<void>((resolve) => { release = resolve; });
    nb.betweenPages(async () => {
      nb.store.deleteZone(zoneIds[3] ?? 0);
      await held;
    });
    let answered = false;
    const pending = page(nb, `${API}/zones/?ordering=id&limit=3&id__gt=${zoneIds[2] ?? 0}`).then((p) => { answered = true; return p; });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(answered).to.equal(false);
    release();
    expect(ids(await pending)).to.deep.equal(zoneIds.slice(4, 7));
  });
});
