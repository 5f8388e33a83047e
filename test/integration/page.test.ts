/**
 * The status page in a real browser: headless Chromium (Debian's package, driven by playwright-core)
 * against a running daemon, a real PowerDNS and the fake NetBox. It shows a refused zone with its
 * plan, approving it from the page (keyboard only) applies it, a wrong key applies nothing, it reads
 * in a phone-wide window, refreshes itself, runs no injected markup, and logs no CSP violation.
 * Screenshots of each state go to test-artifacts/.
 */
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { startSyncEnv, type SyncEnv } from '../support/sync-env.js';
import { startDaemon, API_KEY, type RunningDaemon } from '../support/daemon-env.js';
import { artifact, launchChromium } from '../support/browser.js';
import { queryDns } from '../support/dns.js';
import { waitFor } from '../support/wait.js';
import type { WebhookEnvelope } from '../fakes/netbox/index.js';
import type { StatusDocument } from '../../src/observability/status-store.js';
import type { PdnsRRsetChange } from '../../src/pdns/types.js';

const ZONE = 'page-hand.example';
const ns = { nameservers: ['ns1.example.net'], soa_mname: 'ns1.example.net' };
const rr = (name: string, type: string, content: string): PdnsRRsetChange => ({ name, type, changetype: 'REPLACE', ttl: 60, records: [{ content, disabled: false }] });

describe('status page in headless Chromium', function () {
  this.timeout(120_000);
  let env: SyncEnv;
  let d: RunningDaemon;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];
  let now = '';
  beforeEach(function () { now = this.currentTest?.title ?? ''; });
  const events: WebhookEnvelope[] = [];
  const answers = async (name: string, type: string): Promise<string[]> => (await queryDns(env.pdns.dnsPort, name, type)).answers;

  before(async () => {
    env = await startSyncEnv();
    env.netbox.onEvent((e) => events.push(e));
    const s = env.netbox.store;
    s.createZone({ name: ZONE, ...ns, soa_rname: `hostmaster.${ZONE}` });
    s.createRecord({ zone: ZONE, name: 'www', type: 'A', value: '192.0.2.80', disable_ptr: true });
    // Record content is anybody's input: the page must show it as text, never run it.
    s.createRecord({ zone: ZONE, name: 'note', type: 'TXT', value: '<img src=x onerror=window.__xss=1>' });
    s.createZone({ name: 'page-ok.example', ...ns, soa_rname: 'hostmaster.page-ok.example' });
    s.createRecord({ zone: 'page-ok.example', name: 'www', type: 'A', value: '192.0.2.1', disable_ptr: true });
    events.length = 0;
    await env.direct.client.createZone({
      name: `${ZONE}.`, kind: 'Native', account: '', soa_edit_api: '', nameservers: ['ns.hand.test.'],
      rrsets: [rr(`www.${ZONE}.`, 'A', '198.51.100.9'), rr(`mail.${ZONE}.`, 'MX', '10 mx.hand.test.')],
    });
    d = await startDaemon(env, { NETBOX_PDNS_STATUS_PAGE_REFRESH: '1' });
    await waitFor(async () => ((await (await d.get('/status')).json()) as StatusDocument).pending_approvals.length === 1, { message: 'the refused adoption' });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    page.on('console', (m) => {
      // The wrong-key test's 401 from POST /approve is the answer it asks for; anything else is a problem.
      const refusedApproval = m.text().startsWith('Failed to load resource') && m.location().url.endsWith('/approve');
      if (m.type() === 'error' && !refusedApproval) problems.push(`${now}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(e.message));
  });
  after(async () => {
    await browser?.close();
    await d?.stop();
    await env?.stop();
  });

  it('shows the health, the refused zone with its plan, and runs none of the zone\'s content', async () => {
    await page.goto(`${d.base}/`);
    expect(await page.title()).to.equal('netbox-pdns: Warning');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).to.equal('netbox-pdns status');
    const sections = await page.getByRole('heading', { level: 2 }).allTextContents();
    expect(sections).to.deep.equal(['Health', 'Pending approvals (1)', 'Zones needing a look (1)', 'Reconciles', 'Events (MQTT)', 'Recent changes']);
    await page.getByRole('heading', { level: 3, name: `${ZONE}. on default` }).waitFor();
    const plan = await page.locator('pre.plan').textContent();
    expect(plan).to.include(`- mail.${ZONE}. 60 MX 10 mx.hand.test.`);
    expect(plan).to.include('<img src=x onerror=window.__xss=1>');
    expect(await page.locator('main img').count()).to.equal(0);
    expect(await page.evaluate<unknown>('window.__xss')).to.equal(undefined);
    const table = page.getByRole('table', { name: /Zones failing, refused/ });
    expect(await table.locator('tbody tr').first().textContent()).to.include(`${ZONE}.`).and.include('refused');
    await page.screenshot({ path: artifact('page-refused.png'), fullPage: true, caret: 'initial' });
  });

  it('reads in a phone-wide window without sideways scrolling', async () => {
    await page.setViewportSize({ width: 360, height: 800 });
    const widths = await page.evaluate<{ scroll: number; client: number }>(
      '({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth })');
    expect(widths.scroll).to.be.at.most(widths.client);
    await page.screenshot({ path: artifact('page-narrow.png'), fullPage: true, caret: 'initial' });
    await page.setViewportSize({ width: 1100, height: 900 });
  });

  it('a wrong API key applies nothing, and says so', async () => {
    await page.getByLabel('API key').fill('not-the-key-0000');
    await page.getByRole('button', { name: /^Approve plan [0-9a-f]{12} for page-hand\.example\.$/ }).click();
    await page.getByRole('status').filter({ hasText: 'The API key was refused; nothing was applied.' }).waitFor();
    expect(await answers(`www.${ZONE}`, 'A')).to.deep.equal(['198.51.100.9']);
    await page.getByLabel('API key').fill('');
  });

  it('approving from the page, keyboard only, applies exactly the plan shown', async () => {
    const shown = /Approve plan ([0-9a-f]{12})/.exec(await page.locator('button.approve').textContent() ?? '')?.[1];
    await page.locator('body').focus();
    // Browser-side code as text: the tests compile without the DOM's types.
    const focusedId = (): Promise<string> => page.evaluate<string>("(document.activeElement?.id ?? '') + '|' + (document.activeElement?.className ?? '')");
    for (let i = 0; i < 15 && !(await focusedId()).startsWith('api-key|'); i++) await page.keyboard.press('Tab');
    expect(await focusedId()).to.match(/^api-key\|/);
    await page.keyboard.type(API_KEY);
    for (let i = 0; i < 10 && !(await focusedId()).endsWith('|approve'); i++) await page.keyboard.press('Tab');
    expect(await focusedId()).to.match(/\|approve$/);
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: `Plan ${shown ?? ''} for ${ZONE}. applied (changed).` }).waitFor();
    expect(await answers(`www.${ZONE}`, 'A')).to.deep.equal(['192.0.2.80']);
    expect(await answers(`mail.${ZONE}`, 'MX')).to.deep.equal([]);
    await page.getByRole('heading', { level: 2, name: 'Pending approvals (0)' }).waitFor();
    const changes = page.getByRole('table', { name: /Recent writes to PowerDNS/ });
    await changes.getByText(`delete mail.${ZONE}. MX 60 10 mx.hand.test. → (none)`).waitFor();
    expect(await changes.textContent()).to.include('approval, approved by api-key');
    await page.screenshot({ path: artifact('page-approved.png'), fullPage: true, caret: 'initial' });
    // The key was sent with the approval only: not in the page, not in the daemon's log.
    expect(await page.content()).to.not.include(API_KEY);
    expect(JSON.stringify(d.logs)).to.not.include(API_KEY);
  });

  it('refreshes itself: a NetBox change shows up without a reload, and the page is Healthy', async () => {
    env.netbox.store.createRecord({ zone: 'page-ok.example', name: 'api', type: 'A', value: '192.0.2.7', disable_ptr: true });
    for (const e of events.splice(0)) {
      e.username = 'dave';
      expect((await d.webhook(e)).status).to.equal(202);
    }
    const changes = page.getByRole('table', { name: /Recent writes to PowerDNS/ });
    await changes.getByText('create api.page-ok.example. A (none) → 86400 192.0.2.7').waitFor({ timeout: 15_000 });
    expect(await changes.textContent()).to.include('event, NetBox user dave');
    await waitFor(async () => (await page.title()) === 'netbox-pdns: Healthy', { message: 'the page to turn Healthy', timeoutMs: 15_000 });
    expect(await page.locator('.status strong').textContent()).to.equal('Healthy');
    await page.screenshot({ path: artifact('page-healthy.png'), fullPage: true, caret: 'initial' });
    expect(problems, problems.join('\n')).to.deep.equal([]);
  });
});
