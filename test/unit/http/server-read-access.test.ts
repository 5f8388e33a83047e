import { expect } from 'chai';
import { API_KEY, STATUS_TOKEN, get, seenBodies, start, type Harness } from './harness.js';

/** Who may read GET /status and GET /metrics, against a real listener (rules: checkReadAccess in src/http/auth.ts). */
describe('HTTP server: read access', () => {
  let h: Harness;
  afterEach(async () => {
    await h?.server.stop();
  });

  const bearer = (token: string): RequestInit => ({ headers: { authorization: `Bearer ${token}` } });

  it('without a status token /status and /metrics are open, but ?zone= needs a key: known and unknown zones look alike without one', async () => {
    h = await start();
    expect((await get(`${h.base}/status`)).status).to.equal(200);
    expect((await get(`${h.base}/metrics`)).status).to.equal(200);
    const known = await get(`${h.base}/status?zone=example.org`);
    const unknown = await get(`${h.base}/status?zone=nope.example`);
    for (const res of [known, unknown]) {
      expect(res.status).to.equal(401);
      expect(res.json()).to.deep.equal({ error: 'unauthorized' });
      expect(res.headers.get('www-authenticate')).to.equal('Bearer realm="netbox-pdns"');
    }
    expect((await get(`${h.base}/status?zone=example.org`, bearer('a-guess'))).status).to.equal(401);
    expect((await get(`${h.base}/status?zone=example.org`, bearer(API_KEY))).status).to.equal(200);
  });

  it('answers ?zone= with 403 for every zone when neither a status token nor an API key is configured', async () => {
    h = await start({ apiKey: undefined });
    for (const zone of ['example.org', 'nope.example']) {
      const res = await get(`${h.base}/status?zone=${zone}`, bearer('anything'));
      expect(res.status).to.equal(403);
      expect(res.json()).to.include({ error: 'zone_lookup_disabled' });
    }
    expect((await get(`${h.base}/status`)).status).to.equal(200);
  });

  it('with a status token, /status, ?zone= and /metrics need it (or the API key); /health stays open', async () => {
    h = await start({ statusToken: STATUS_TOKEN });
    const paths = ['/status', '/status?zone=example.org', '/status?zone=nope.example', '/metrics'];
    const refused: Array<[string, RequestInit]> = [
      ['none', {}], ['wrong', bearer('wrong-token')], ['truncated', bearer(STATUS_TOKEN.slice(0, -1))],
      ['basic', { headers: { authorization: `Basic ${STATUS_TOKEN}` } }], ['HEAD', { method: 'HEAD' }],
    ];
    for (const path of paths) {
      for (const [what, init] of refused) expect((await get(`${h.base}${path}`, init)).status, `${path} ${what}`).to.equal(401);
      expect((await get(`${h.base}${path}`, bearer(STATUS_TOKEN))).status, `${path} token`).to.be.oneOf([200, 404]);
      expect((await get(`${h.base}${path}`, { headers: { 'x-api-key': API_KEY } })).status, `${path} api key`).to.be.oneOf([200, 404]);
    }
    expect((await get(`${h.base}/metrics`, bearer(STATUS_TOKEN))).text).to.equal('netbox_pdns_up 1\n');
    expect((await get(`${h.base}/health`)).status).to.equal(200);
    expect((await get(`${h.base}/health`, { method: 'HEAD' })).status).to.equal(200);
  });

  it('logs a refused credential at warn with the client address, never the value presented or expected', async () => {
    h = await start({ statusToken: STATUS_TOKEN });
    await get(`${h.base}/metrics`, bearer('presented-guess-91'));
    await get(`${h.base}/status`);
    await get(`${h.base}/sync`, { method: 'POST', headers: { 'x-api-key': 'sync-guess-92' } });
    const refusals = h.entries.filter((e) => /rejected: missing or wrong credentials/.test(String(e.message)));
    expect(refusals.map((e) => [e.message, e.client, e.presented])).to.deep.equal([
      ['GET /metrics rejected: missing or wrong credentials', '127.0.0.1', true],
      ['GET /status rejected: missing or wrong credentials', '127.0.0.1', false],
      ['POST /sync rejected: missing or wrong credentials', '127.0.0.1', true],
    ]);
    expect(refusals.every((e) => e.level === 'warn')).to.equal(true);
    const logged = JSON.stringify(h.entries);
    for (const secret of ['presented-guess-91', 'sync-guess-92', STATUS_TOKEN, API_KEY]) expect(logged).to.not.include(secret);
  });

  after(() => {
    const all = seenBodies.join('\n');
    expect(all).to.not.include(API_KEY);
    expect(all).to.not.include(STATUS_TOKEN);
  });
});
