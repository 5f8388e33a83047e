import { expect } from 'chai';
import { API_KEY, STATUS_TOKEN, get, pageView, start, type Harness } from './harness.js';
import type { PendingApprovalView } from '../../../src/observability/status-types.js';

/** GET /: the status page as the HTTP server serves it (what a browser does with it: test/integration/page.test.ts). */
describe('HTTP server: the status page', () => {
  let h: Harness;
  afterEach(async () => {
    await h?.server.stop();
  });
  const basic = (password: string): RequestInit => ({ headers: { authorization: `Basic ${Buffer.from(`ops:${password}`).toString('base64')}` } });

  it('is HTML whose only style and script carry the nonce its CSP allows, and nothing external', async () => {
    h = await start();
    const res = await get(`${h.base}/`);
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-type')).to.equal('text/html; charset=utf-8');
    const csp = res.headers.get('content-security-policy') ?? '';
    const nonce = /script-src 'nonce-([^']+)'/.exec(csp)?.[1] ?? '';
    expect(nonce).to.have.length.greaterThan(10);
    expect(csp).to.include("default-src 'none'").and.include("frame-ancestors 'none'");
    expect(res.text).to.include(`<script nonce="${nonce}">`).and.include(`<style nonce="${nonce}">`);
    expect(res.text).to.not.match(/<(script|link|img)[^>]+(src|href)=/);
    expect(res.headers.get('x-frame-options')).to.equal('DENY');
    const again = await get(`${h.base}/`);
    expect(again.headers.get('content-security-policy')).to.not.equal(csp);
  });

  it('escapes whatever NetBox or PowerDNS put in a plan or an error', async () => {
    const evil: PendingApprovalView = {
      zone: 'x.example.', target: 'default', plan_id: 'abcdefabcdef', refusal: 'adoption', message: '<b>refused</b>', since: new Date(0).toISOString(),
      action: 'adopt zone', changes: { creates: 1, updates: 0, deletes: 0, settings: 0 }, lines: ['+ t.x.example. 60 TXT "<script>alert(1)</script>"'], lines_total: 1,
    };
    h = await start({}, {
      page: () => {
        const view = pageView(h.clock);
        return { ...view, doc: { ...view.doc, pending_approvals: [evil], problems: ['<img src=x onerror=alert(1)>'] } };
      },
    });
    const res = await get(`${h.base}/`);
    expect(res.text).to.include('&lt;script&gt;alert(1)&lt;/script&gt;').and.include('&lt;img src=x onerror=alert(1)&gt;').and.include('&lt;b&gt;refused');
    expect(res.text).to.not.include('<img src=x').and.not.include('<b>refused');
  });

  it('with a status token asks the browser to sign in (Basic: the token or API key as password)', async () => {
    h = await start({ statusToken: STATUS_TOKEN });
    const denied = await get(`${h.base}/`);
    expect(denied.status).to.equal(401);
    expect(denied.headers.get('www-authenticate')).to.equal('Basic realm="netbox-pdns", charset="UTF-8"');
    expect((await get(`${h.base}/`, basic('a-guess'))).status).to.equal(401);
    expect((await get(`${h.base}/`, basic(STATUS_TOKEN))).status).to.equal(200);
    expect((await get(`${h.base}/`, basic(API_KEY))).status).to.equal(200);
    expect((await get(`${h.base}/`, { headers: { authorization: `Bearer ${STATUS_TOKEN}` } })).status).to.equal(200);
    // Basic opens the page only, not the JSON endpoints.
    expect((await get(`${h.base}/status`, basic(STATUS_TOKEN))).status).to.equal(401);
    expect(JSON.stringify(h.entries)).to.not.include(STATUS_TOKEN);
  });

  it('without an API key says approving needs one, and shows no approve button', async () => {
    h = await start({ apiKey: undefined }, { page: () => ({ ...pageView(h.clock), approveEnabled: false, doc: { ...pageView(h.clock).doc, pending_approvals: [{
      zone: 'x.example.', target: 'default', plan_id: 'abcdefabcdef', refusal: 'adoption', message: 'm', since: new Date(0).toISOString(),
      action: 'adopt zone', changes: { creates: 0, updates: 1, deletes: 0, settings: 0 }, lines: [], lines_total: 0,
    }] } }) });
    const res = await get(`${h.base}/`);
    expect(res.text).to.include('needs an API key to be configured').and.not.include('class="approve"');
  });
});
