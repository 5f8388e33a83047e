import { expect } from 'chai';
import { API_KEY, get, start, type Harness } from './harness.js';

/** POST /approve at the HTTP layer: the key, the body, the key's name handed on (what it does: test/integration/approval.test.ts). */
describe('HTTP server: POST /approve', () => {
  let h: Harness;
  afterEach(async () => {
    await h?.server.stop();
  });
  const post = (body: string, key?: string) => get(`${h.base}/approve`, {
    method: 'POST', body, headers: { 'content-type': 'application/json', ...(key ? { 'x-api-key': key } : {}) },
  });
  const ok = JSON.stringify({ zone: 'example.org', plan_id: 'abcdefabcdef' });

  it('needs the API key, and hands the approval on with the key\'s name', async () => {
    h = await start({ apiKeyName: 'ops-laptop' });
    expect((await post(ok)).status).to.equal(401);
    expect((await post(ok, 'a-guess')).status).to.equal(401);
    const res = await post(ok, API_KEY);
    expect(res.status).to.equal(200);
    expect(res.json()).to.deep.equal({ result: 'applied', zone: 'example.org', plan_id: 'abcdefabcdef', by: 'ops-laptop' });
  });

  it('is disabled without an API key, and refuses bodies that are not an approval', async () => {
    h = await start({ apiKey: undefined });
    expect((await post(ok, API_KEY)).status).to.equal(503);
    await h.server.stop();
    h = await start();
    expect((await post('not json', API_KEY)).status).to.equal(400);
    expect((await post(JSON.stringify({ zone: 'example.org' }), API_KEY)).json()).to.deep.equal({ error: 'bad_request', detail: 'body needs "zone" and "plan_id" strings' });
    expect((await post(JSON.stringify({ zone: 'x', plan_id: 'y', pad: 'z'.repeat(5000) }), API_KEY)).status).to.equal(413);
    expect((await get(`${h.base}/approve`)).status).to.equal(405);
  });
});
