/**
 * The HTTP listener's own protection against real clients: HTTPS with a certificate from a CA this
 * test makes (openssl), a plain-HTTP or untrusting client getting nothing, the status token guarding
 * /status and /metrics (a real Prometheus scraping with `credentials_file`), /health open, and SIGHUP
 * re-reading a renewed certificate in a real daemon process, keeping the old one when the renewal is
 * broken.
 */
import { expect } from 'chai';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSyncEnv, type SyncEnv } from '../support/sync-env.js';
import { startDaemon, type RunningDaemon } from '../support/daemon-env.js';
import { spawnDaemon, type DaemonProcess } from '../support/daemon-process.js';
import { startPrometheus, type RunningPrometheus } from '../support/prometheus.js';
import { httpsGet } from '../support/https-client.js';
import { makePki, type Pki } from '../support/pki.js';
import { waitFor } from '../support/wait.js';

const STATUS_TOKEN = 'status-token-for-tests-6e1f0a';

describe('security: the HTTPS listener and the status token', function () {
  this.timeout(60_000);
  let env: SyncEnv;
  let dir: string;
  let pki: Pki;
  let d: RunningDaemon;
  let https: string;
  let prom: RunningPrometheus | undefined;
  let proc: DaemonProcess | undefined;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'netbox-pdns-https-'));
    pki = makePki(dir);
    env = await startSyncEnv();
    d = await startDaemon(env, {
      NETBOX_PDNS_HTTP_TLS_CERT_FILE: pki.cert, NETBOX_PDNS_HTTP_TLS_KEY_FILE: pki.key, NETBOX_PDNS_STATUS_TOKEN: STATUS_TOKEN,
    });
    https = d.base.replace(/^http:/, 'https:');
  });
  after(async () => {
    await prom?.stop();
    await proc?.stop();
    await d?.stop();
    await env?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('serves HTTPS with the configured certificate to a client trusting the CA, and nothing to anyone else', async () => {
    const health = await httpsGet(`${https}/health`, { caFile: pki.ca });
    expect(health.status).to.equal(200);
    expect(JSON.parse(health.body)).to.deep.equal({ status: 'Healthy' });
    expect(health.peer.subject).to.include('O=server');
    expect(d.logs.some((l) => /^HTTPS listening on 127\.0\.0\.1:\d+$/.test(String(l.message)))).to.equal(true);

    let untrusted: unknown;
    await httpsGet(`${https}/health`, { caFile: pki.otherCa }).catch((e: unknown) => { untrusted = e; });
    expect(String(untrusted)).to.match(/self[- ]signed|unable to verify|certificate/i);
    let plain: unknown;
    await fetch(`${d.base}/health`).catch((e: unknown) => { plain = e; });
    expect(plain, 'plain HTTP on the HTTPS port gets no answer').to.be.instanceOf(Error);
  });

  it('guards /status and /metrics with the status token over HTTPS; /health needs none; refusals log the client', async () => {
    const auth = { authorization: `Bearer ${STATUS_TOKEN}` };
    for (const path of ['/status', '/metrics', '/status?zone=anything.example']) {
      expect((await httpsGet(`${https}${path}`, { caFile: pki.ca })).status, `${path} without the token`).to.equal(401);
      expect((await httpsGet(`${https}${path}`, { caFile: pki.ca, headers: { authorization: 'Bearer guessed' } })).status).to.equal(401);
    }
    expect((await httpsGet(`${https}/status`, { caFile: pki.ca, headers: auth })).status).to.equal(200);
    expect((await httpsGet(`${https}/status?zone=anything.example`, { caFile: pki.ca, headers: auth })).status).to.equal(404);
    expect((await httpsGet(`${https}/metrics`, { caFile: pki.ca, headers: auth })).body).to.match(/^netbox_pdns_build_info/m);
    const refusals = d.logs.filter((l) => /rejected: missing or wrong credentials/.test(String(l.message)));
    expect(refusals).to.have.length(6);
    expect(refusals.every((l) => l.level === 'warn' && l.client === '127.0.0.1')).to.equal(true);
    expect(JSON.stringify(d.logs)).to.not.include(STATUS_TOKEN).and.not.include('guessed');
  });

  it('is scraped by a real Prometheus over HTTPS with the token from a credentials file', async function () {
    this.timeout(90_000);
    const tokenFile = join(dir, 'status_token');
    writeFileSync(tokenFile, `${STATUS_TOKEN}\n`, { mode: 0o600 });
    const refusedBefore = d.logs.filter((l) => /rejected: missing or wrong credentials/.test(String(l.message))).length;
    // The certificate names 127.0.0.1 and localhost: the target must be one of them.
    prom = await startPrometheus({ targets: [new URL(https).host], httpsCaFile: pki.ca, credentialsFile: tokenFile });
    const up = await waitFor(async () => {
      const result = await (prom as RunningPrometheus).query('up{job="netbox-pdns"}');
      return result.length > 0 ? result : undefined;
    }, { timeoutMs: 30_000, intervalMs: 250, message: 'a scrape' });
    expect(up[0]?.value[1], 'the scrape succeeded').to.equal('1');
    expect(await prom.query('netbox_pdns_build_info')).to.have.length(1);
    expect(d.logs.filter((l) => /rejected: missing or wrong credentials/.test(String(l.message))).length).to.equal(refusedBefore);
  });

  it('SIGHUP makes a running daemon serve a renewed certificate, and keep it when the next renewal is broken', async function () {
    this.timeout(60_000);
    const live = { cert: join(dir, 'live.pem'), key: join(dir, 'live.key') };
    copyFileSync(pki.cert, live.cert);
    copyFileSync(pki.key, live.key);
    proc = await spawnDaemon(env.env({ NETBOX_PDNS_HTTP_TLS_CERT_FILE: live.cert, NETBOX_PDNS_HTTP_TLS_KEY_FILE: live.key }));
    const p = proc;
    const url = `${p.base.replace(/^http:/, 'https:')}/health`;
    const first = await httpsGet(url, { caFile: pki.ca });
    expect(first.peer.subject).to.include('O=server');

    const renewed = pki.issue('renewed');
    copyFileSync(renewed.cert, live.cert);
    copyFileSync(renewed.key, live.key);
    p.signal('SIGHUP');
    await waitFor(() => p.logs().some((l) => l.message === 'HTTPS certificate reloaded'), { message: 'reload logged' });
    const second = await httpsGet(url, { caFile: pki.ca });
    expect(second.peer.subject).to.include('O=renewed');
    expect(second.peer.serialNumber).to.not.equal(first.peer.serialNumber);

    // A renewal that went wrong: the certificate of one pair, the key of another.
    copyFileSync(pki.key, live.key);
    p.signal('SIGHUP');
    await waitFor(() => p.logs().some((l) => /^HTTPS certificate not reloaded, the current one stays in use: .*key values mismatch/.test(String(l.message))),
      { message: 'failed reload logged' });
    const third = await httpsGet(url, { caFile: pki.ca });
    expect(third.status).to.equal(200);
    expect(third.peer.serialNumber, 'still the renewed certificate').to.equal(second.peer.serialNumber);
    expect(p.stdout()).to.not.include('PRIVATE KEY');
    await p.stop();
    expect((await p.exited).code).to.equal(0);
  });
});
