import { expect } from 'chai';
import { createHttpServer, type HttpHandlers } from '../../../src/http/server.js';
import { createMemoryLogger } from '../../../src/util/log.js';
import { ManualClock } from '../../support/manual-clock.js';
import { API_KEY, LIMIT, METRICS_TYPE, SECRET, STATUS_TOKEN, ZONE_DOC, get, raw, seenBodies, sign, start, type Harness } from './harness.js';

describe('HTTP server', () => {
  let h: Harness;
  afterEach(async () => {
    await h?.server.stop();
  });

  describe('GET /health', () => {
    it('answers 200 Healthy as JSON, also for HEAD', async () => {
      h = await start();
      const res = await get(`${h.base}/health`);
      expect(res.status).to.equal(200);
      expect(res.headers.get('content-type')).to.equal('application/json');
      expect(res.json()).to.deep.equal({ status: 'Healthy' });
      const head = await get(`${h.base}/health`, { method: 'HEAD' });
      expect(head.status).to.equal(200);
      expect(head.text).to.equal('');
    });

    it('stays 200 when every other handler throws (liveness only)', async () => {
      const boom = (): never => {
        throw new Error('PowerDNS down');
      };
      h = await start({}, { status: boom, metrics: async () => boom(), sync: async () => boom(), webhook: async () => boom() });
      expect((await get(`${h.base}/status`)).status).to.equal(500);
      expect((await get(`${h.base}/metrics`)).status).to.equal(500);
      expect((await get(`${h.base}/health`)).status).to.equal(200);
    });
  });

  describe('GET /status', () => {
    it('serves the document, one zone, or 404 for an unknown zone', async () => {
      h = await start();
      expect((await get(`${h.base}/status`)).json()).to.deep.equal({ status: 'Healthy' });
      const key = { headers: { 'x-api-key': API_KEY } };
      const zone = await get(`${h.base}/status?zone=example.org`, key);
      expect(zone.status).to.equal(200);
      expect(zone.json()).to.deep.equal(ZONE_DOC);
      const unknown = await get(`${h.base}/status?zone=nope.example`, key);
      expect(unknown.status).to.equal(404);
      expect(unknown.headers.get('content-type')).to.equal('application/json');
      expect(unknown.json()).to.deep.equal({ error: 'unknown zone' });
      expect((await get(`${h.base}/status?zone=`, key)).status).to.equal(404);
    });

    it('turns a handler error into a generic 500, logged with the error', async () => {
      h = await start({}, {
        status: () => {
          throw new Error('store exploded');
        },
      });
      const res = await get(`${h.base}/status`);
      expect(res.status).to.equal(500);
      expect(res.text).to.not.include('exploded');
      const logged = h.entries.find((e) => e.level === 'error');
      expect(JSON.stringify(logged)).to.include('store exploded');
    });

    it('logs requests at debug without the query string', async () => {
      h = await start();
      await get(`${h.base}/status?zone=example.org&token=hunter2`, { headers: { authorization: `Bearer ${API_KEY}` } });
      const access = h.entries.filter((e) => e.message === 'http request');
      expect(access).to.have.length(1);
      expect(access[0]).to.include({ level: 'debug', method: 'GET', path: '/status', status: 200 });
      expect(JSON.stringify(h.entries)).to.not.include('hunter2');
    });
  });

  it('GET /metrics serves the exposition with its own content type', async () => {
    h = await start();
    const res = await get(`${h.base}/metrics`);
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-type')).to.equal(METRICS_TYPE);
    expect(res.text).to.equal('netbox_pdns_up 1\n');
  });

  describe('POST /sync', () => {
    it('accepts the key in X-API-Key, x-netbox-pdns-api-key and Authorization: Bearer', async () => {
      h = await start();
      const variants: Array<Record<string, string>> = [{ 'x-api-key': API_KEY }, { 'x-netbox-pdns-api-key': API_KEY }, { authorization: `Bearer ${API_KEY}` }];
      for (const headers of variants) {
        const res = await get(`${h.base}/sync`, { method: 'POST', headers });
        expect(res.status).to.equal(202);
        expect(res.json()).to.deep.equal({ status: 'queued' });
      }
      expect(h.syncCalls).to.equal(3);
    });

    it('answers 401 for a wrong or missing key, without running anything', async () => {
      h = await start();
      const variants: Array<Record<string, string>> = [{ 'x-api-key': 'wrong' }, { 'x-api-key': `${API_KEY}x` }, { authorization: 'Bearer wrong' }, {}];
      for (const headers of variants) {
        const res = await get(`${h.base}/sync`, { method: 'POST', headers });
        expect(res.status).to.equal(401);
        expect(res.json()).to.deep.equal({ error: 'unauthorized' });
      }
      expect(h.syncCalls).to.equal(0);
    });

    it('is disabled (503) when no API key is configured', async () => {
      h = await start({ apiKey: undefined });
      const res = await get(`${h.base}/sync`, { method: 'POST', headers: { 'x-api-key': 'anything' } });
      expect(res.status).to.equal(503);
      expect(res.json()).to.include({ error: 'sync_disabled' });
      expect(h.syncCalls).to.equal(0);
    });

    it('is rate limited with Retry-After, and recovers when time passes', async () => {
      h = await start({}, {}, 2);
      const post = () => get(`${h.base}/sync`, { method: 'POST', headers: { 'x-api-key': API_KEY } });
      expect((await post()).status).to.equal(202);
      expect((await post()).status).to.equal(202);
      const limited = await post();
      expect(limited.status).to.equal(429);
      expect(limited.headers.get('retry-after')).to.equal('30');
      expect(limited.json()).to.include({ error: 'rate_limited' });
      h.clock.advance(29_000);
      expect((await post()).status).to.equal(429);
      h.clock.advance(1_000);
      expect((await post()).status).to.equal(202);
      expect(h.syncCalls).to.equal(3);
    });
  });

  describe('POST /webhook', () => {
    const body = '{"event": "updated", "data": {"id": 1}}';

    it('hands the exact body bytes to the handler and returns its answer', async () => {
      h = await start();
      const res = await get(`${h.base}/webhook`, { method: 'POST', headers: sign(body), body });
      expect(res.status).to.equal(202);
      expect(res.json()).to.deep.equal({ status: 'accepted', topic: 'netbox/netbox_dns/record/updated' });
      expect(h.published.map((b) => b.toString('utf8'))).to.deep.equal([body]);
    });

    it('answers 401 for a bad signature and 400 for bad JSON', async () => {
      h = await start();
      const bad = await get(`${h.base}/webhook`, { method: 'POST', headers: { 'x-hook-signature': 'ab'.repeat(64) }, body });
      expect(bad.status).to.equal(401);
      const notJson = await get(`${h.base}/webhook`, { method: 'POST', headers: sign('{'), body: '{' });
      expect(notJson.status).to.equal(400);
      expect(notJson.json()).to.include({ error: 'invalid_json' });
      expect(h.published).to.deep.equal([]);
    });

    it('answers 413 for a body over the limit', async () => {
      h = await start();
      const big = JSON.stringify({ event: 'updated', pad: 'x'.repeat(LIMIT * 4) });
      const res = await get(`${h.base}/webhook`, { method: 'POST', headers: sign(big), body: big });
      expect(res.status).to.equal(413);
      expect(res.json()).to.include({ error: 'too_large' });
      expect(h.webhookCalls).to.equal(0);
      expect(h.observed).to.deep.equal(['too_large']);
    });

    it('answers 413 from Content-Length alone, before any body byte arrives', async () => {
      h = await start();
      const res = await raw(h.port, `POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Length: 10000000000\r\n\r\n`, '', true);
      expect(res.status).to.equal(413);
      expect(h.webhookCalls).to.equal(0);
    });

    it('answers 413 for a chunked body as soon as it passes the limit, while the client is still sending', async () => {
      h = await start();
      const chunk = Buffer.alloc(LIMIT + 1, 0x61);
      const head = 'POST /webhook HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n';
      // The terminating 0-chunk is never sent: the server must not wait for the end.
      const res = await raw(h.port, head, Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n')]), true);
      expect(res.status).to.equal(413);
      expect(h.webhookCalls).to.equal(0);
    });

    it('never reads past a Content-Length that understates the body', async () => {
      let seen = -1;
      h = await start({}, {
        webhook: async (rawBody) => {
          seen = rawBody.length;
          return { status: 400, body: { error: 'invalid_json' } };
        },
      });
      const res = await raw(h.port, 'POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\n', 'x'.repeat(LIMIT * 2));
      expect(res.status).to.equal(400);
      expect(seen).to.equal(5);
    });

    it('is rate limited per client', async () => {
      h = await start({}, {}, 1);
      expect((await get(`${h.base}/webhook`, { method: 'POST', headers: sign(body), body })).status).to.equal(202);
      const limited = await get(`${h.base}/webhook`, { method: 'POST', headers: sign(body), body });
      expect(limited.status).to.equal(429);
      expect(limited.headers.get('retry-after')).to.equal('60');
      expect(h.webhookCalls).to.equal(1);
    });

    it('turns a handler error into a generic 500', async () => {
      h = await start({}, { webhook: () => Promise.reject(new Error(`secret ${SECRET} leaked?`)) });
      const res = await get(`${h.base}/webhook`, { method: 'POST', body });
      expect(res.status).to.equal(500);
      expect(res.json()).to.deep.equal({ error: 'internal_error', detail: 'internal error; see the daemon log' });
    });
  });

  describe('routing', () => {
    it('answers 404 for an unknown path', async () => {
      h = await start();
      for (const path of ['/nope', '/health/', '/status/x', '/index.html']) {
        const res = await get(`${h.base}${path}`);
        expect(res.status, path).to.equal(404);
        expect(res.headers.get('content-type')).to.equal('application/json');
      }
    });

    it('answers a request node:http cannot parse with a JSON 400', async () => {
      h = await start();
      const res = await raw(h.port, 'NOT HTTP AT ALL\r\n\r\n');
      expect(res.status).to.equal(400);
      expect(JSON.parse(res.text)).to.deep.equal({ error: 'bad_request' });
    });

    it('answers 405 with Allow for a wrong method', async () => {
      h = await start();
      const cases: Array<[string, string, string]> = [
        ['POST', '/health', 'GET, HEAD'], ['DELETE', '/status', 'GET, HEAD'], ['PUT', '/metrics', 'GET, HEAD'],
        ['GET', '/sync', 'POST'], ['GET', '/webhook', 'POST'],
      ];
      for (const [method, path, allow] of cases) {
        const res = await get(`${h.base}${path}`, { method });
        expect(res.status, `${method} ${path}`).to.equal(405);
        expect(res.headers.get('allow')).to.equal(allow);
        expect(res.headers.get('content-type')).to.equal('application/json');
      }
    });
  });

  describe('lifecycle', () => {
    it('stop() closes idle keep-alive connections instead of waiting for them', async () => {
      h = await start();
      await get(`${h.base}/health`); // fetch keeps this connection alive
      // The grace timer runs on the manual clock, which never moves here: only closing idle
      // connections lets stop() resolve.
      await h.server.stop();
      expect(() => h.server.address()).to.not.throw();
    });

    it('warns at start when it listens beyond loopback without TLS, and only then', async () => {
      h = await start({ host: '0.0.0.0' });
      const warnings = h.entries.filter((e) => e.level === 'warn').map((e) => String(e.message));
      expect(warnings).to.have.length(1);
      expect(warnings[0]).to.match(/^HTTP listens on 0\.0\.0\.0 without TLS: .*http_tls_cert_file/);
      await h.server.stop();
      h = await start();
      expect(h.entries.filter((e) => e.level === 'warn')).to.deep.equal([]);
      expect(h.server.reloadTls(), 'nothing to reload without TLS').to.equal(false);
    });

    it('start() fails, naming the file, when the TLS files cannot be used', async () => {
      const broken = createHttpServer({
        host: '127.0.0.1', port: 0, logger: createMemoryLogger().logger, clock: new ManualClock(), maxBodyBytes: LIMIT,
        rateLimitPerMinute: 1, handlers: {} as HttpHandlers, tls: { certFile: '/nonexistent/cert.pem', keyFile: '/nonexistent/key.pem' },
      });
      let failed: unknown;
      await broken.start().catch((err: unknown) => { failed = err; });
      expect(String(failed)).to.match(/cannot read the HTTPS certificate \/nonexistent\/cert\.pem/);
      await broken.stop();
    });

    it('start() fails on a port that is taken', async () => {
      h = await start();
      const clash = createHttpServer({
        host: '127.0.0.1', port: h.port, logger: createMemoryLogger().logger, clock: h.clock, maxBodyBytes: LIMIT,
        rateLimitPerMinute: 1, handlers: {} as HttpHandlers,
      });
      let failed: unknown;
      await clash.start().catch((err: unknown) => {
        failed = err;
      });
      expect(String(failed)).to.match(/EADDRINUSE/);
    });
  });

  after(() => {
    const all = seenBodies.join('\n');
    expect(seenBodies.length).to.be.greaterThan(20);
    expect(all).to.not.include(API_KEY);
    expect(all).to.not.include(STATUS_TOKEN);
    expect(all).to.not.include(SECRET);
  });
});
