import { expect } from 'chai';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pdnsZoneId } from '../../src/pdns/client.js';
import { errorClass } from '../../src/util/errors.js';
import { queryDns } from '../support/dns.js';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.js';
import { startPdns, type PdnsServer } from '../support/pdns-server.js';
import { API_KEY, ENDPOINTS, makeClient, rejection, rr, soaAndNs, type TestClient } from '../support/pdns-fixtures.js';

describe('PowerDNS client against a real pdns_server', function () {
  this.timeout(60_000);
  let pdns: PdnsServer;
  let proxy: FaultProxy;
  let t: TestClient;

  before(async () => {
    pdns = await startPdns({ apiKey: API_KEY });
    proxy = await startFaultProxy(pdns.apiUrl);
    t = makeClient(`${pdns.apiUrl}/api/v1/`);
  });
  after(async () => {
    await proxy?.close();
    await pdns?.stop();
  });
  afterEach(() => {
    for (const r of t.requests) expect(ENDPOINTS.has(r.endpoint), `endpoint ${r.endpoint}`).to.equal(true);
  });

  it('reads the server version', async () => {
    expect((await t.client.serverInfo()).version).to.match(/^4\.7\./);
  });

  it('creates a zone (201), then reports "exists" on 409 with a warning and no error', async () => {
    expect(await t.client.createZone(soaAndNs('create.example.'))).to.equal('created');
    expect(await t.client.createZone(soaAndNs('create.example.'))).to.equal('exists');
    expect(t.lines('warn')).to.deep.equal(['pdns: zone create.example. already exists (409 Conflict); treating as existing']);
    expect(t.lines('error')).to.deep.equal([]);
    const listed = (await t.client.listZones()).find((z) => z.name === 'create.example.');
    expect(listed).to.include({ id: 'create.example.', account: 'netbox-pdns', kind: 'Native', serial: 2024010101 });
    const zone = await t.client.getZone('create.example.');
    expect(zone?.rrsets.map((r) => r.type).sort()).to.deep.equal(['NS', 'SOA']);
  });

  it('returns null from getZone on 404', async () => {
    expect(await t.client.getZone('missing.example.')).to.equal(null);
    expect(t.requests.at(-1)).to.include({ endpoint: 'zone', code: '404' });
  });

  it('encodes zone ids the PowerDNS way (RFC 2317 slash, underscore)', async () => {
    expect(pdnsZoneId('0/26.2.0.192.in-addr.arpa.')).to.equal('0=2F26.2.0.192.in-addr.arpa.');
    expect(pdnsZoneId('_msdcs.example.test')).to.equal('=5Fmsdcs.example.test.');
    for (const zone of ['0/26.2.0.192.in-addr.arpa.', '_msdcs.example.test.']) {
      expect(await t.client.createZone(soaAndNs(zone))).to.equal('created');
      expect((await t.client.listZones()).find((z) => z.name === zone)?.id).to.equal(pdnsZoneId(zone));
      expect((await t.client.getZone(zone))?.name).to.equal(zone);
    }
    await t.client.patchRRsets('0/26.2.0.192.in-addr.arpa.', [rr('5.0/26.2.0.192.in-addr.arpa.', 'PTR', 'host5.example.')]);
    expect((await queryDns(pdns.dnsPort, '5.0/26.2.0.192.in-addr.arpa.', 'PTR')).answers).to.deep.equal(['host5.example.']);
    await t.client.patchRRsets('_msdcs.example.test.', [rr('_ldap._tcp._msdcs.example.test.', 'SRV', '0 100 389 dc1.example.test.')]);
    const zone = await t.client.getZone('_msdcs.example.test.');
    expect(zone?.rrsets.find((r) => r.type === 'SRV')?.records[0]?.content).to.equal('0 100 389 dc1.example.test.');
    await t.client.deleteZone('_msdcs.example.test.');
    expect(await t.client.getZone('_msdcs.example.test.')).to.equal(null);
  });

  it('applies DELETE before REPLACE in one PATCH, so A→CNAME at one name works', async () => {
    await t.client.createZone(soaAndNs('swap.example.', [rr('www.swap.example.', 'A', '192.0.2.10')]));
    expect((await queryDns(pdns.dnsPort, 'www.swap.example.', 'A')).answers).to.deep.equal(['192.0.2.10']);
    await t.client.patchRRsets('swap.example.', [
      { name: 'www.swap.example.', type: 'A', changetype: 'DELETE' },
      rr('www.swap.example.', 'CNAME', 'web.example.net.'),
    ]);
    const zone = await t.client.getZone('swap.example.');
    expect(zone?.rrsets.filter((r) => r.name === 'www.swap.example.').map((r) => r.type)).to.deep.equal(['CNAME']);
    const answer = await queryDns(pdns.dnsPort, 'www.swap.example.', 'A');
    expect(answer.records[0]).to.include({ type: 'CNAME', data: 'web.example.net.' });
  });

  it('turns 422 into a terminal UpstreamError carrying PowerDNS\'s message, without retrying', async () => {
    const before = t.requests.length;
    // The wrong order: REPLACE CNAME while the A still exists.
    const err = await rejection(t.client.patchRRsets('swap.example.', [
      rr('www.swap.example.', 'A', '192.0.2.11'),
      rr('www.swap.example.', 'CNAME', 'web.example.net.'),
    ]));
    expect(err.errorClass).to.equal('terminal');
    expect(err.details).to.include({ status: 422, operation: 'patchZone', method: 'PATCH' });
    expect(err.message).to.match(/^PowerDNS PATCH \/zones\/swap\.example\.: HTTP 422: .*Conflicts with pre-existing RRset/);
    expect(t.requests.length - before).to.equal(1);
    const bad = await rejection(t.client.patchRRsets('swap.example.', [rr('x.swap.example.', 'A', 'not-an-address')]));
    expect(bad.errorClass).to.equal('terminal');
    expect(bad.details.body).to.match(/not-an-address/);
  });

  it('classifies a wrong API key as auth (401) and never puts a key in the message', async () => {
    const wrong = makeClient(pdns.apiUrl, { apiKey: 'wrong-key-123456' });
    const err = await rejection(wrong.client.listZones());
    expect(err.errorClass).to.equal('auth');
    expect(errorClass(err)).to.equal('auth');
    expect(err.details.status).to.equal(401);
    expect(err.message).to.equal('PowerDNS GET /zones: HTTP 401: Unauthorized (check PDNS_TOKEN: it must be the api-key of this PowerDNS)');
    expect(JSON.stringify({ m: err.message, s: err.stack, d: err.details })).not.to.match(/wrong-key-123456|7f3a9c51/);
    expect(wrong.retries).to.have.length(0);
  });

  it('says what to check when the server id is wrong (404) or the URL is not the PowerDNS API (404, 301)', async () => {
    const wrongId = makeClient(pdns.apiUrl, { serverId: 'dns1' });
    const notFound = await rejection(wrongId.client.listZones());
    expect(notFound.details.status).to.equal(404);
    expect(notFound.message).to.match(/^PowerDNS GET \/zones: HTTP 404: .*\(check PDNS_SERVER_ID, usually "localhost", and that PDNS_URL is the PowerDNS API webserver\)$/);
    expect(wrongId.retries).to.have.length(0);

    // Another web service on that URL: one that redirects (e.g. to its HTTPS or login page), one that knows no such path.
    const other = createServer((req, res) => {
      if (req.url?.startsWith('/redirect')) res.writeHead(301, { location: 'https://elsewhere.example/login' }).end();
      else res.writeHead(404, { 'content-type': 'text/html' }).end('<h1>Not Found</h1>');
    });
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    const port = (other.address() as AddressInfo).port;
    try {
      const moved = await rejection(makeClient(`http://127.0.0.1:${port}/redirect`).client.listZones());
      expect(moved.details.status).to.equal(301);
      expect(moved.message).to.match(/HTTP 301.*\(PDNS_URL answers with a redirect: does it point at the PowerDNS API webserver, with the right scheme\?\)$/);
      const elsewhere = await rejection(makeClient(`http://127.0.0.1:${port}`).client.listZones());
      expect(elsewhere.message).to.match(/HTTP 404.*\(check PDNS_SERVER_ID, usually "localhost", and that PDNS_URL is the PowerDNS API webserver\)$/);
    } finally {
      await new Promise<void>((resolve) => other.close(() => resolve()));
    }
  });

  it('splits a 20,000-rrset PATCH into bodies under the limit, in order, and applies all of it', async () => {
    const big = makeClient(proxy.url);
    await big.client.createZone(soaAndNs('big.example.'));
    const changes = Array.from({ length: 20_000 }, (_, i) => rr(`h${i}.big.example.`, 'A', `10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`));
    const from = proxy.requests.length;
    await big.client.patchRRsets('big.example.', changes);
    const patches = proxy.requests.slice(from).filter((r) => r.method === 'PATCH');
    expect(patches.length).to.be.within(3, 4);
    for (const p of patches) expect(p.bodyBytes).to.be.at.most(1_000_000);
    expect(patches.every((p) => p.status === 204)).to.equal(true);
    const zone = await big.client.getZone('big.example.');
    expect(zone?.rrsets).to.have.length(20_002);
    expect((await queryDns(pdns.dnsPort, 'h19999.big.example.', 'A')).answers).to.deep.equal(['10.0.78.31']);
  });

  it('creates a zone too large for one POST with SOA/NS first, then patches the rest', async () => {
    const big = makeClient(proxy.url, { maxBodyBytes: 200_000 });
    const extra = Array.from({ length: 3000 }, (_, i) => rr(`n${i}.bigcreate.example.`, 'A', `10.1.${i >> 8}.${i & 255}`));
    const from = proxy.requests.length;
    expect(await big.client.createZone(soaAndNs('bigcreate.example.', extra))).to.equal('created');
    // A fresh client reads the backend (GET /config) before its first write.
    const writes = proxy.requests.slice(from).filter((r) => r.method !== 'GET').map((r) => r.method);
    expect(writes[0]).to.equal('POST');
    expect(writes.slice(1).every((m) => m === 'PATCH') && writes.length > 2).to.equal(true);
    expect((await big.client.getZone('bigcreate.example.'))?.rrsets).to.have.length(3002);
  });

  it('sees PowerDNS refuse an over-limit body with 400 or a reset, applying nothing (why bodies are split)', async () => {
    const unsplit = makeClient(pdns.apiUrl, { maxBodyBytes: 5_000_000, attempts: 1 });
    await unsplit.client.createZone(soaAndNs('reset.example.'));
    const changes = Array.from({ length: 20_000 }, (_, i) => rr(`r${i}.reset.example.`, 'A', '192.0.2.1'));
    const err = await rejection(unsplit.client.patchRRsets('reset.example.', changes));
    // Measured: 2.59 MB gets either 400 "Bad Request" (when the client reads the answer before the
    // close) or a bare ECONNRESET while still writing; 2.07 MB (< 2 MiB) is accepted.
    if (err.details.status === undefined) {
      expect(err.errorClass).to.equal('transient');
      expect(unsplit.requests.at(-1)?.code).to.equal('network_error');
    } else {
      expect(err.details.status).to.equal(400);
      expect(err.errorClass).to.equal('terminal');
    }
    expect((await unsplit.client.getZone('reset.example.'))?.rrsets).to.have.length(2);
  });

  it('serialises concurrent writes: 40 parallel PATCHes on 2 zones all succeed, one in flight at a time', async () => {
    const c = makeClient(proxy.url);
    await Promise.all(['c1.example.', 'c2.example.'].map((z) => c.client.createZone(soaAndNs(z))));
    proxy.maxInFlight.clear();
    await Promise.all(Array.from({ length: 40 }, (_, i) => {
      const zone = i % 2 === 0 ? 'c1.example.' : 'c2.example.';
      return c.client.patchRRsets(zone, [rr(`p${i}.${zone}`, 'A', `192.0.2.${i + 1}`), rr(`q${i}.${zone}`, 'TXT', `"n${i}"`)]);
    }));
    expect(proxy.maxInFlight.get('PATCH')).to.equal(1);
    expect(c.lines('warn')).to.deep.equal([]);
    expect(c.requests.filter((r) => r.method === 'PATCH').map((r) => r.code)).to.deep.equal(Array(40).fill('204'));
    expect((await c.client.getZone('c1.example.'))?.rrsets).to.have.length(2 + 40);
  });

  it('updates zone metadata (PUT), sends NOTIFY, and deletes idempotently', async () => {
    await t.client.updateZone('create.example.', { account: 'someone-else', kind: 'Master' });
    expect(await t.client.getZone('create.example.')).to.include({ account: 'someone-else', kind: 'Master' });
    await t.client.notify('create.example.');
    expect(t.requests.at(-1)).to.include({ method: 'PUT', endpoint: 'zone_notify', code: '200' });
    await t.client.deleteZone('create.example.');
    expect(await t.client.getZone('create.example.')).to.equal(null);
    expect((await queryDns(pdns.dnsPort, 'create.example.', 'SOA')).rcode).to.equal('REFUSED');
    await t.client.deleteZone('create.example.');
    expect(t.requests.at(-1)).to.include({ method: 'DELETE', code: '404' });
    const missing = await rejection(t.client.patchRRsets('create.example.', [rr('a.create.example.', 'A', '192.0.2.1')]));
    expect(missing.errorClass).to.equal('zone-missing');
  });
  it('keeps working across a pdns restart on the same database and ports', async () => {
    const pid = pdns.pid;
    await pdns.restart();
    expect(pdns.pid).not.to.equal(pid);
    expect((await t.client.getZone('swap.example.'))?.rrsets.length).to.be.greaterThan(2);
    expect((await queryDns(pdns.dnsPort, 'www.swap.example.', 'CNAME')).answers).to.deep.equal(['web.example.net.']);
  });

  describe('transient failures, injected by a proxy in front of the real pdns', () => {
    let f: TestClient;
    before(async () => {
      f = makeClient(proxy.url, { timeoutMs: 300 });
      await f.client.createZone(soaAndNs('faults.example.'));
    });
    beforeEach(() => expect(proxy.pending()).to.equal(0));

    it('retries two 500s on PATCH and succeeds, logging each retry', async () => {
      proxy.enqueue({ method: 'PATCH', status: 500 }, { method: 'PATCH', status: 500 });
      const warnsBefore = f.lines('warn').length;
      await f.client.patchRRsets('faults.example.', [rr('a.faults.example.', 'A', '192.0.2.1')]);
      expect(f.lines('warn').slice(warnsBefore)).to.deep.equal([
        'Function patchZone failed (attempt 1/3): PowerDNS PATCH /zones/faults.example.: HTTP 500: Internal Server Error. Retrying in 0.1s',
        'Function patchZone failed (attempt 2/3): PowerDNS PATCH /zones/faults.example.: HTTP 500: Internal Server Error. Retrying in 0.2s',
      ]);
      expect(f.retries.slice(-2).map((r) => r.reason)).to.deep.equal(['http_5xx', 'http_5xx']);
      expect(f.requests.slice(-3).map((r) => r.code)).to.deep.equal(['500', '500', '204']);
      expect((await queryDns(pdns.dnsPort, 'a.faults.example.', 'A')).answers).to.deep.equal(['192.0.2.1']);
    });

    it('retries a connection reset and a timeout', async () => {
      proxy.enqueue({ method: 'GET', reset: true }, { method: 'GET', delayMs: 1000 });
      const zone = await f.client.getZone('faults.example.');
      expect(zone?.name).to.equal('faults.example.');
      expect(f.retries.slice(-2).map((r) => r.reason)).to.deep.equal(['network_error', 'timeout']);
      expect(f.requests.slice(-3).map((r) => r.code)).to.deep.equal(['network_error', 'timeout', '200']);
      expect(f.lines('warn').at(-1)).to.equal(
        'Function getZone failed (attempt 2/3): PowerDNS GET /zones/faults.example.: timed out after 300 ms. Retrying in 0.2s');
    });

    it('gives up after 3 transient failures with one error line and a transient error', async () => {
      proxy.enqueue(...Array.from({ length: 3 }, () => ({ method: 'DELETE', status: 503 })));
      const err = await rejection(f.client.deleteZone('faults.example.'));
      expect(err.errorClass).to.equal('transient');
      expect(f.lines('error')).to.deep.equal([
        'Function deleteZone failed after 3 attempts: PowerDNS DELETE /zones/faults.example.: HTTP 503: Service Unavailable',
      ]);
      expect(await f.client.getZone('faults.example.')).not.to.equal(null);
    });

    it('honours Retry-After on 429', async () => {
      proxy.enqueue({ method: 'GET', status: 429, headers: { 'retry-after': '1' } });
      const started = performance.now();
      expect(await f.client.listZones()).to.be.an('array');
      expect(performance.now() - started).to.be.at.least(950);
      expect(f.lines('warn').at(-1)).to.equal(
        'Function listZones failed (attempt 1/3): PowerDNS GET /zones: HTTP 429: Too Many Requests. Retrying in 1.0s');
      expect(f.retries.at(-1)).to.include({ reason: 'http_429', delayMs: 1000 });
    });
  });
});
