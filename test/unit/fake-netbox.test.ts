/**
 * Contract tests for the fake NetBox (test/fakes/netbox): what the daemon's tests rely on, checked over
 * real HTTP where HTTP is the contract, and against shared/reference/netbox-api.md where the plugin's
 * behaviour is the contract (managed records, serials, PTRs, event order and shapes).
 */
import { expect } from 'chai';
import { createHmac } from 'node:crypto';
import {
  FAKE_NETBOX_TOKEN,
  FAKE_NETBOX_V2_TOKEN,
  FakeNetboxStore,
  loadSeed,
  readSeedFile,
  serializeWebhook,
  signWebhook,
  startFakeNetbox,
  syntheticSeed,
  type FakeNetbox,
  type WebhookEnvelope,
} from '../fakes/netbox/index.js';

const API = '/api/plugins/netbox-dns';
const AUTH = `Token ${FAKE_NETBOX_TOKEN}`;

interface Reply {
  status: number;
  body: unknown;
  headers: Headers;
}

async function call(nb: FakeNetbox, path: string, init: { method?: string; auth?: string | null; body?: unknown } = {}): Promise<Reply> {
  const headers: Record<string, string> = {};
  const auth = init.auth === undefined ? AUTH : init.auth;
  if (auth !== null) headers.Authorization = auth;
  if (init.body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(`${nb.url}${path}`, {
    method: init.method ?? 'GET',
    headers,
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
    redirect: 'manual',
  });
  const text = await res.text();
  return { status: res.status, body: text === '' ? undefined : (JSON.parse(text) as unknown), headers: res.headers };
}

type Page = { count: number; next: string | null; previous: string | null; results: Array<Record<string, unknown>> };

/** A manual clock in ms, advanced by the tests. */
function manualClock(startMs: number): { now: () => number; set: (ms: number) => void } {
  let t = startMs;
  return { now: () => t, set: (ms) => (t = ms) };
}

function basicStore(nb: FakeNetbox): { ns1: number; ns2: number } {
  const ns1 = nb.store.createNameserver({ name: 'ns1.example.net', id: 5 }).id as number;
  const ns2 = nb.store.createNameserver({ name: 'ns2.example.net.' }).id as number;
  return { ns1, ns2 };
}

function collect(nb: FakeNetbox): WebhookEnvelope[] {
  const events: WebhookEnvelope[] = [];
  nb.onEvent((e) => events.push(e));
  return events;
}

const summary = (events: WebhookEnvelope[]): string[] =>
  events.map((e) => `${e.object_type.split('.')[1]} ${e.event} ${String(e.data.display ?? e.data.name)}`);

describe('fake NetBox', () => {
  let nb: FakeNetbox;
  const clock = manualClock(Date.UTC(2026, 0, 5, 10, 0, 0));

  beforeEach(async () => {
    clock.set(Date.UTC(2026, 0, 5, 10, 0, 0));
    nb = await startFakeNetbox({ now: clock.now, maxPageSize: 3 });
  });
  afterEach(async () => {
    await nb.close();
  });

  describe('pagination', () => {
    beforeEach(() => {
      const { ns1 } = basicStore(nb);
      nb.store.batch(() => {
        for (let i = 0; i < 7; i++) nb.store.createZone({ name: `z${i}.example`, nameservers: [ns1] });
      });
    });

    it('clamps limit at MAX_PAGE_SIZE and links the next page with sorted params', async () => {
      const r = await call(nb, `${API}/zones/?status=active&limit=100&active=true`);
      const page = r.body as Page;
      expect(page.count).to.equal(7);
      expect(page.results.map((z) => z.name)).to.deep.equal(['z0.example', 'z1.example', 'z2.example']);
      expect(page.next).to.equal(`${nb.url}${API}/zones/?active=true&limit=3&offset=3&status=active`);
      expect(page.previous).to.equal(null);
    });

    it('treats limit=0 as MAX_PAGE_SIZE, drops offset from previous, and answers [] past the end', async () => {
      const zero = (await call(nb, `${API}/zones/?limit=0`)).body as Page;
      expect(zero.results).to.have.length(3);
      const second = (await call(nb, `${API}/zones/?limit=2&offset=2`)).body as Page;
      expect(second.previous).to.equal(`${nb.url}${API}/zones/?limit=2`);
      expect(second.next).to.equal(`${nb.url}${API}/zones/?limit=2&offset=4`);
      const past = (await call(nb, `${API}/zones/?offset=100`)).body as Page;
      expect(past).to.include({ count: 7, next: null });
      expect(past.results).to.deep.equal([]);
    });

    it('uses 50 as the default page and 1000 as the cap by default', async () => {
      const big = await startFakeNetbox();
      try {
        big.store.bulkLoad(() => {
          const ns = big.store.createNameserver({ name: 'ns1.example.net' }).id as number;
          for (let i = 0; i < 60; i++) big.store.addZone({ name: `b${i}.example`, nameservers: [ns] });
        });
        const page = (await call(big, `${API}/zones/`)).body as Page;
        expect(page.results).to.have.length(50);
        expect(page.next).to.equal(`${big.url}${API}/zones/?limit=50&offset=50`);
        const all = (await call(big, `${API}/records/?limit=5000`)).body as Page;
        expect(all.results).to.have.length(120);
      } finally {
        await big.close();
      }
    });
  });

  describe('auth and errors', () => {
    it('answers 403 with NetBox bodies for missing, bad v1 and bad v2 tokens', async () => {
      expect((await call(nb, `${API}/zones/`, { auth: null })).body).to.deep.equal({ detail: 'Authentication credentials were not provided.' });
      expect((await call(nb, `${API}/zones/`, { auth: 'Basic abc' })).status).to.equal(403);
      const v1 = await call(nb, `${API}/zones/`, { auth: 'Token nope' });
      expect(v1).to.deep.include({ status: 403, body: { detail: 'Invalid v1 token' } });
      const v2 = await call(nb, `${API}/zones/`, { auth: 'Bearer nbt_abc.def' });
      expect(v2).to.deep.include({ status: 403, body: { detail: 'Invalid v2 token' } });
      expect((await call(nb, `${API}/zones/`, { auth: `bearer ${FAKE_NETBOX_V2_TOKEN}` })).status).to.equal(200);
      expect((await call(nb, `${API}/zones/`, { auth: `TOKEN ${FAKE_NETBOX_TOKEN}` })).status).to.equal(200);
    });

    it('gives 404 for unknown ids, 400 for a nonexistent zone_id, and the status endpoint', async () => {
      const missing = await call(nb, `${API}/zones/999/`);
      expect(missing).to.deep.include({ status: 404, body: { detail: 'No Zone matches the given query.' } });
      const bad = await call(nb, `${API}/records/?zone_id=99999&bogus=1`);
      expect(bad).to.deep.include({ status: 400, body: { zone_id: ['Select a valid choice. 99999 is not one of the available choices.'] } });
      const status = await call(nb, '/api/status/');
      expect(status.body).to.deep.include({ 'netbox-version': '4.5.2', plugins: { netbox_dns: '1.5.2' } });
      expect(status.headers.get('api-version')).to.equal('4.5');
      expect(status.headers.get('x-request-id')).to.match(/^[0-9a-f-]{36}$/);
      expect((await call(nb, `${API}/zones`)).status).to.equal(301);
    });
  });

  describe('data model', () => {
    it('filters zones by nameserver_id (OR), records by zone_id (OR) and active', async () => {
      const { ns1, ns2 } = basicStore(nb);
      const a = nb.store.createZone({ name: 'a.example', nameservers: [ns1] });
      const b = nb.store.createZone({ name: 'b.example', nameservers: [ns2] });
      nb.store.createZone({ name: 'c.example', nameservers: [ns2], status: 'parked' });
      const both = (await call(nb, `${API}/zones/?nameserver_id=${ns1}&nameserver_id=${ns2}&limit=10`)).body as Page;
      expect(both.results.map((z) => z.name)).to.deep.equal(['a.example', 'b.example', 'c.example']);
      const active = (await call(nb, `${API}/zones/?nameserver_id=${ns2}&active=true`)).body as Page;
      expect(active.results.map((z) => z.name)).to.deep.equal(['b.example']);
      nb.store.createRecord({ zone: 'a.example', name: 'www', type: 'A', value: '192.0.2.1' });
      nb.store.createRecord({ zone: b.id, name: 'off', type: 'A', value: '192.0.2.2', status: 'inactive' });
      const recs = (await call(nb, `${API}/records/?zone_id=${a.id}&zone_id=${b.id}&managed=false&limit=0`)).body as Page;
      expect(recs.results.map((r) => r.fqdn)).to.deep.equal(['off.b.example.', 'www.a.example.']);
      const act = (await call(nb, `${API}/records/?zone_id=${a.id}&zone_id=${b.id}&managed=false&active=true`)).body as Page;
      expect(act.results.map((r) => r.fqdn)).to.deep.equal(['www.a.example.']);
    });

    it('maintains managed SOA and NS records and refuses to touch them', async () => {
      const { ns1, ns2 } = basicStore(nb);
      const zone = nb.store.createZone({ name: 'example.com.', nameservers: [ns1, 'ns2.example.net'], soa_rname: 'hostmaster.example.com', default_ttl: 3600 });
      expect(zone.name).to.equal('example.com');
      const serial = Math.ceil(clock.now() / 1000);
      const managed = nb.store.listRecords({ zone: zone.id, managed: true });
      expect(managed.map((r) => [r.type, r.name, r.value, r.ttl])).to.deep.equal([
        ['NS', '@', 'ns1.example.net.', null],
        ['NS', '@', 'ns2.example.net.', null],
        ['SOA', '@', `ns1.example.net. hostmaster.example.com. ${serial} 43200 7200 2419200 3600`, 3600],
      ]);
      nb.store.updateZone(zone.id, { nameservers: [ns2] });
      expect(nb.store.listRecords({ zone: zone.id, type: 'NS' }).map((r) => r.value)).to.deep.equal(['ns2.example.net.']);
      const soa = managed[2];
      const refused = await call(nb, `${API}/records/${soa?.id}/`, { method: 'DELETE' });
      expect(refused).to.deep.include({ status: 400, body: ['example.com [SOA] is managed, refusing deletion'] });
    });

    it('bumps the auto serial on record changes and rewrites the SOA record', () => {
      const { ns1 } = basicStore(nb);
      const zone = nb.store.createZone({ name: 'example.com', nameservers: [ns1] });
      const events = collect(nb);
      clock.set(clock.now() + 60_500);
      nb.store.createRecord({ zone: zone.id, name: 'www.example.com.', type: 'CNAME', value: '@' });
      const serial = Math.ceil(clock.now() / 1000);
      expect(nb.store.getZone(zone.id)?.soa_serial).to.equal(serial);
      expect(summary(events)).to.deep.equal(['record created www.example.com [CNAME]', 'zone updated example.com', 'record updated example.com [SOA]']);
      expect(events[1]?.snapshots.prechange).to.equal(null);
      expect(String(events[2]?.data.value)).to.contain(` ${serial} `);
      const rec = nb.store.listRecords({ zone: zone.id, type: 'CNAME' })[0];
      expect(rec).to.include({ name: 'www', fqdn: 'www.example.com.', absolute_value: 'example.com.', active: true });
      events.length = 0;
      nb.store.updateZone(zone.id, { status: 'parked' });
      expect(nb.store.getZone(zone.id)?.soa_serial).to.equal(serial);
      expect(nb.store.getRecord(rec?.id ?? 0)?.active).to.equal(false);
    });

    it('keeps TXT verbatim, chunks long unquoted TXT, and allows one name in several views', () => {
      const { ns1 } = basicStore(nb);
      nb.store.createView({ name: 'internal' });
      const pub = nb.store.createZone({ name: 'example.com', nameservers: [ns1] });
      const internal = nb.store.createZone({ name: 'example.com', view: 'internal', nameservers: [ns1] });
      expect(internal.display).to.equal('[internal] example.com');
      expect(nb.store.createRecord({ zone: pub.id, name: '@', type: 'TXT', value: 'v=spf1 -all' }).value).to.equal('v=spf1 -all');
      const long = nb.store.createRecord({ zone: 'example.com', view: 'internal', name: 'k', type: 'TXT', value: 'x'.repeat(300) });
      expect(long.value).to.equal(`"${'x'.repeat(255)}" "${'x'.repeat(45)}"`);
      expect(long.zone.id).to.equal(internal.id);
    });
  });

  describe('auto-PTR and event ripples', () => {
    let fwd: number;
    let rev24: number;
    beforeEach(() => {
      const { ns1 } = basicStore(nb);
      fwd = nb.store.createZone({ name: 'example.com', nameservers: [ns1] }).id;
      rev24 = nb.store.createZone({ name: '2.0.192.in-addr.arpa', nameservers: [ns1] }).id;
    });

    it('creates the PTR first, bumping both zones, in NetBox order', () => {
      const events = collect(nb);
      const a = nb.store.createRecord({ zone: fwd, name: 'www', type: 'A', value: '192.0.2.10', ttl: 300 });
      expect(summary(events)).to.deep.equal([
        'record created 10.2.0.192.in-addr.arpa [PTR]',
        'zone updated 2.0.192.in-addr.arpa',
        'record updated 2.0.192.in-addr.arpa [SOA]',
        'record created www.example.com [A]',
        'zone updated example.com',
        'record updated example.com [SOA]',
      ]);
      const ptr = nb.store.listRecords({ zone: rev24, type: 'PTR' })[0];
      expect(ptr).to.include({ name: '10', value: 'www.example.com.', ttl: 300, managed: true });
      expect((a.ptr_record as { id: number }).id).to.equal(ptr?.id);
      expect(new Set(events.map((e) => e.request_id)).size).to.equal(1);
    });

    it('moves the PTR to a more specific reverse zone, then deletes it with the A', () => {
      const a = nb.store.createRecord({ zone: fwd, name: 'www', type: 'A', value: '192.0.2.10' });
      const { ns1 } = { ns1: 5 };
      const rfc = nb.store.createZone({ name: '0-63.2.0.192.in-addr.arpa', nameservers: [ns1], rfc2317_prefix: '192.0.2.0/26' });
      expect(nb.store.listRecords({ zone: rev24, type: 'PTR' })).to.deep.equal([]);
      expect(nb.store.listRecords({ zone: rfc.id, type: 'PTR' }).map((r) => r.name)).to.deep.equal(['10']);
      nb.store.updateRecord(a.id, { value: '192.0.2.200' });
      expect(nb.store.listRecords({ zone: rfc.id, type: 'PTR' })).to.deep.equal([]);
      expect(nb.store.listRecords({ zone: rev24, type: 'PTR' }).map((r) => r.name)).to.deep.equal(['200']);
      const events = collect(nb);
      nb.store.deleteRecord(a.id);
      expect(summary(events)).to.deep.equal([
        'record deleted 200.2.0.192.in-addr.arpa [PTR]',
        'zone updated 2.0.192.in-addr.arpa',
        'record updated 2.0.192.in-addr.arpa [SOA]',
        'record deleted www.example.com [A]',
        'zone updated example.com',
        'record updated example.com [SOA]',
      ]);
      expect(events[0]?.snapshots.postchange).to.equal(null);
      expect(events[0]?.snapshots.prechange).to.include({ name: '200', type: 'PTR' });
    });

    it('renames a zone: old name in prechange, records re-saved, PTR values follow', () => {
      nb.store.createRecord({ zone: fwd, name: 'www', type: 'A', value: '192.0.2.10' });
      const events = collect(nb);
      nb.store.updateZone(fwd, { name: 'example.net' });
      expect(events[0]?.object_type).to.equal('netbox_dns.zone');
      expect(events[0]?.snapshots.prechange).to.include({ name: 'example.com' });
      expect(events[0]?.snapshots.postchange).to.include({ name: 'example.net' });
      const recordEvents = events.filter((e) => e.object_type === 'netbox_dns.record' && e.data.fqdn !== undefined);
      expect(recordEvents.map((e) => e.data.fqdn)).to.include.members(['www.example.net.', 'example.net.', '10.2.0.192.in-addr.arpa.']);
      expect(nb.store.listRecords({ zone: rev24, type: 'PTR' })[0]?.value).to.equal('www.example.net.');
    });

    it('deletes a zone: PTRs elsewhere first, then its records, then the zone', () => {
      nb.store.createRecord({ zone: fwd, name: 'www', type: 'A', value: '192.0.2.10' });
      const events = collect(nb);
      nb.store.deleteZone(fwd);
      const s = summary(events);
      expect(s.slice(0, 3)).to.deep.equal(['record deleted 10.2.0.192.in-addr.arpa [PTR]', 'zone updated 2.0.192.in-addr.arpa', 'record updated 2.0.192.in-addr.arpa [SOA]']);
      expect(s.at(-1)).to.equal('zone deleted example.com');
      expect(s.slice(3, -1).every((x) => x.startsWith('record deleted') && x.includes('example.com'))).to.equal(true);
      expect(s.slice(3, -1)).to.have.length(3); // SOA, NS, A
      expect(events.at(-1)?.data.url).to.equal(`${API}/zones/${fwd}/`);
    });
  });

  describe('webhook bodies', () => {
    for (const shape of ['4.4', '4.5', '4.6'] as const) {
      it(`has the NetBox ${shape} envelope`, () => {
        const store = new FakeNetboxStore({ bodyShape: shape, now: clock.now });
        const ns = store.createNameserver({ name: 'ns1.example.net' }).id as number;
        const events: WebhookEnvelope[] = [];
        store.onEvent((e) => events.push(e));
        const zone = store.createZone({ name: 'example.com', nameservers: [ns] });
        const e = events[0];
        expect(e && Object.keys(e)).to.deep.equal(
          shape === '4.4'
            ? ['event', 'timestamp', 'object_type', 'model', 'username', 'request_id', 'data', 'snapshots']
            : shape === '4.5'
              ? ['event', 'timestamp', 'object_type', 'username', 'request_id', 'data', 'snapshots']
              : ['event', 'timestamp', 'object_type', 'username', 'request_id', 'data', 'request', 'snapshots'],
        );
        expect(e).to.include({ event: 'created', object_type: 'netbox_dns.zone', username: 'admin', timestamp: '2026-01-05T10:00:00.000000+00:00' });
        if (shape === '4.4') expect(e?.model).to.equal('zone');
        if (shape === '4.6') expect(e?.request).to.include({ method: 'POST', path: `${API}/zones/`, user: 'admin', id: e?.request_id });
        expect(e?.data).to.include({ url: `${API}/zones/${zone.id}/`, active: true });
        expect(e?.snapshots.prechange).to.equal(null);
        expect(e?.snapshots.postchange).to.include({ name: 'example.com', view: 1, soa_mname: ns });
        expect(e?.snapshots.postchange).to.deep.include({ nameservers: [ns] });
        expect(e?.snapshots.postchange).to.not.have.any.keys('active', 'last_updated', 'id');
      });
    }

    it('serialises like Python json.dumps and signs with HMAC-SHA512', () => {
      const body = serializeWebhook({ event: 'updated', data: { name: 'café', n: [1, true, null] } });
      expect(body).to.equal('{"event": "updated", "data": {"name": "caf\\u00e9", "n": [1, true, null]}}');
      const expected = createHmac('sha512', 's3cret').update(body).digest('hex');
      expect(signWebhook(body, 's3cret')).to.equal(expected).and.to.match(/^[0-9a-f]{128}$/);
    });

    it('tags HTTP writes with the response X-Request-ID, one flush per request', async () => {
      const { ns1 } = basicStore(nb);
      const events = collect(nb);
      const created = await call(nb, `${API}/zones/`, { method: 'POST', body: { name: 'example.com', nameservers: [ns1], soa_mname: { id: ns1 } } });
      expect(created.status).to.equal(201);
      expect((created.body as { url: string }).url).to.equal(`${nb.url}${API}/zones/${(created.body as { id: number }).id}/`);
      const rid = created.headers.get('x-request-id');
      expect(events.map((e) => e.request_id)).to.satisfy((ids: string[]) => ids.length === 3 && ids.every((i) => i === rid));
      const patched = await call(nb, `${API}/zones/${(created.body as { id: number }).id}/`, { method: 'PATCH', body: { description: 'x' } });
      expect(patched.status).to.equal(200);
      expect(events.at(-1)?.snapshots.prechange).to.include({ description: '' });
    });
  });

  describe('shaping and faults', () => {
    beforeEach(() => {
      const { ns1 } = basicStore(nb);
      nb.store.createZone({ name: 'example.com', nameservers: [ns1] });
    });

    it('supports brief, fields and omit', async () => {
      const brief = ((await call(nb, `${API}/zones/?brief=1`)).body as Page).results[0];
      expect(Object.keys(brief ?? {})).to.deep.equal(['id', 'url', 'name', 'view', 'display', 'status', 'description', 'rfc2317_prefix', 'active']);
      const fields = ((await call(nb, `${API}/zones/?fields=id,name,soa_serial`)).body as Page).results[0];
      expect(Object.keys(fields ?? {})).to.deep.equal(['id', 'name', 'soa_serial']);
      const omit = ((await call(nb, `${API}/records/?omit=zone,ptr_record`)).body as Page).results[0];
      expect(omit).to.not.have.any.keys('zone', 'ptr_record');
      expect(omit).to.have.property('fqdn');
    });

    it('injects status faults, truncation, empty zone lists and hangs', async () => {
      nb.faults.next({ status: 503 }, 2);
      expect((await call(nb, `${API}/zones/`)).status).to.equal(503);
      expect((await call(nb, `${API}/zones/`)).status).to.equal(503);
      expect((await call(nb, `${API}/zones/`)).status).to.equal(200);

      nb.faults.next({ emptyZones: true });
      expect(((await call(nb, `${API}/records/`)).body as Page).count).to.equal(2); // SOA + NS: not consumed
      expect(((await call(nb, `${API}/zones/`)).body as Page).count).to.equal(0);
      expect(((await call(nb, `${API}/zones/`)).body as Page).count).to.equal(1);

      nb.faults.next({ truncate: true });
      let failed = false;
      try {
        await call(nb, `${API}/zones/`);
      } catch {
        failed = true;
      }
      expect(failed).to.equal(true);

      nb.resetRequests();
      nb.faults.next({ hang: true });
      const controller = new AbortController();
      const hung = fetch(`${nb.url}${API}/zones/`, { headers: { Authorization: AUTH }, signal: controller.signal }).then(
        () => 'answered',
        () => 'aborted',
      );
      // The hung request must reach the server before the next one, or that one would take the fault.
      while (nb.requests.length === 0) await new Promise((resolve) => setImmediate(resolve));
      const ok = await call(nb, '/api/status/');
      expect(ok.status).to.equal(200);
      expect(nb.requests.map((r) => [r.path, r.status])).to.deep.equal([[`${API}/zones/`, 0], ['/api/status/', 200]]);
      controller.abort();
      expect(await hung).to.equal('aborted');
      nb.faults.clear();
    });
  });

  describe('seed and bulk load', () => {
    it('loads the sample seed with auto-PTRs and varied values', () => {
      const store = new FakeNetboxStore();
      const s = loadSeed(store, readSeedFile('config/sample-netbox.json'));
      expect(s.zones).to.equal(4);
      expect(store.findZone('example.com')?.nameservers.map((n) => n.id)).to.include(1);
      const ptrs = store.listRecords({ zone: '2.0.192.in-addr.arpa', type: 'PTR' }).map((r) => `${r.name} ${r.value}`);
      expect(ptrs).to.include.members(['1 example.com.', '10 www.example.com.', '254 gateway.example.com.']);
      expect(ptrs).to.not.include('50 printer.example.com.');
      const v6 = store.listRecords({ zone: '8.b.d.0.1.0.0.2.ip6.arpa', type: 'PTR' }).map((r) => r.value);
      expect(v6).to.include('www.example.com.');
      const mx = store.listRecords({ zone: 'example.com', type: 'MX' })[0];
      expect(mx?.absolute_value).to.equal('10 mail.example.com.');
      expect(store.eventLog).to.deep.equal([]);
    });

    it('bulk-loads 2,000 zones × 50 records quickly', function () {
      this.timeout(20000);
      const store = new FakeNetboxStore();
      const seed = syntheticSeed({ zones: 2000, recordsPerZone: 50 });
      const started = performance.now();
      loadSeed(store, seed);
      const elapsed = performance.now() - started;
      expect(store.db.records.size).to.equal(2000 * 52); // + SOA + NS each
      expect(elapsed).to.be.below(10000);
    });
  });
});
