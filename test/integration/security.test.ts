/**
 * The HTTP write endpoints and secret handling: POST /webhook needs a valid X-Hook-Signature
 * (HMAC-SHA512 of the exact body) on a fresh, new body, POST /sync the API key, both are rate
 * limited; and no secret (NetBox token, PowerDNS key, MQTT password, API key, webhook secret,
 * status token) ever appears in anything the daemon emits, even while every upstream is refusing
 * it. The last test runs a real daemon process with recognisable secrets through those faults and
 * greps every output it produced.
 */
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { promisify } from 'node:util';
import { startSyncEnv, type SyncEnv } from '../support/sync-env.js';
import { startDaemon, API_KEY, WEBHOOK_SECRET, type RunningDaemon } from '../support/daemon-env.js';
import { spawnDaemon, type DaemonProcess } from '../support/daemon-process.js';
import { startMosquitto, type Mosquitto } from '../support/mosquitto.js';
import { waitFor } from '../support/wait.js';
import { pythonTimestamp, serializeWebhook, signWebhook, type WebhookEnvelope } from '../fakes/netbox/index.js';
import type { StatusDocument } from '../../src/observability/status-store.js';

const ZONE = 'sec.example';

describe('security: HTTP endpoints and secrets', function () {
  this.timeout(60_000);
  let env: SyncEnv;
  const daemons: RunningDaemon[] = [];
  const events: WebhookEnvelope[] = [];
  let envelope: WebhookEnvelope;

  const post = (d: RunningDaemon, path: string, headers: Record<string, string>, body?: string): Promise<Response> =>
    fetch(`${d.base}${path}`, { method: 'POST', headers, ...(body !== undefined ? { body } : {}) });

  before(async () => {
    env = await startSyncEnv();
    env.netbox.store.createZone({ name: ZONE, nameservers: ['ns1.example.net'], soa_mname: 'ns1.example.net', soa_rname: `hostmaster.${ZONE}` });
    env.netbox.onEvent((e) => events.push(e));
    env.netbox.store.createRecord({ zone: ZONE, name: 'www', type: 'A', value: '192.0.2.1', disable_ptr: true });
    envelope = events.find((e) => e.object_type === 'netbox_dns.record') as WebhookEnvelope;
    daemons.push(await startDaemon(env));
  });
  after(async () => {
    for (const d of daemons) await d.stop();
    await env?.stop();
  });

  it('POST /webhook: wrong, missing, truncated and misplaced signatures are rejected; the right one accepted', async () => {
    const d = daemons[0] as RunningDaemon;
    const body = serializeWebhook(envelope);
    const good = signWebhook(body, WEBHOOK_SECRET);
    const tampered = body.replace('"www"', '"wwx"');
    const bad: Array<[string, string | null, string]> = [
      ['missing', null, body], ['empty', '', body], ['wrong', 'ab'.repeat(64), body], ['truncated', good.slice(0, 64), body],
      ['one digit short', good.slice(0, 127), body], ['extra digits', `${good}00`, body], ['prefixed', `sha512=${good}`, body],
      ['other secret', signWebhook(body, `${WEBHOOK_SECRET}x`), body], ['body changed after signing', good, tampered],
      ['HMAC-SHA256', createHmac('sha256', WEBHOOK_SECRET).update(body).digest('hex'), body],
    ];
    const before = await d.metric('netbox_pdns_events_rejected_total', { reason: 'bad_signature' });
    const received = (): Promise<number> => d.metric('netbox_pdns_events_received_total', { source: 'webhook' });
    const receivedBefore = await received();
    for (const [what, signature, payload] of bad) {
      const headers: Record<string, string> = { 'content-type': 'application/json', ...(signature !== null ? { 'x-hook-signature': signature } : {}) };
      const res = await post(d, '/webhook', headers, payload);
      expect(res.status, what).to.equal(401);
      expect(await res.json(), what).to.deep.equal({ error: 'unauthorized' });
    }
    expect(await d.metric('netbox_pdns_events_rejected_total', { reason: 'bad_signature' })).to.equal(before + bad.length);
    const ok = await post(d, '/webhook', { 'content-type': 'application/json', 'x-hook-signature': good }, body);
    expect(ok.status).to.equal(202);
    // Through the broker, asynchronously: let it arrive so the next test's counts start from it.
    await waitFor(async () => (await received()) > receivedBefore, { message: 'the accepted webhook on the broker' });
  });

  it('POST /webhook: a replayed body is answered 200 duplicate and not handed on, a stale one 400; both counted', async () => {
    const d = daemons[0] as RunningDaemon;
    const count = (reason: string): Promise<number> => d.metric('netbox_pdns_events_rejected_total', { reason });
    // A webhook that reached the intake (through the broker) is counted once, as source webhook.
    const onBroker = (): Promise<number> => d.metric('netbox_pdns_events_received_total', { source: 'webhook' });
    const [replayedBefore, staleBefore, brokerBefore] = [await count('replayed'), await count('stale'), await onBroker()];

    const captured = { ...envelope, request_id: 'replay-1', timestamp: pythonTimestamp(Date.now()) };
    expect((await d.webhook(captured)).status).to.equal(202);
    for (let i = 0; i < 3; i++) {
      const again = await d.webhook(captured);
      expect(again.status).to.equal(200);
      expect(await again.json()).to.include({ status: 'duplicate' });
    }
    // Signed with the right secret, but stamped 16 minutes ago (the window is 15), or 5 minutes ahead.
    for (const offset of [-16 * 60_000, 5 * 60_000]) {
      const res = await d.webhook({ ...envelope, request_id: `stale${offset}`, timestamp: pythonTimestamp(Date.now() + offset) });
      expect(res.status).to.equal(400);
      expect(await res.json()).to.include({ error: 'stale' });
    }
    expect(await count('replayed')).to.equal(replayedBefore + 3);
    expect(await count('stale')).to.equal(staleBefore + 2);

    // Messages from the webhook reach the intake in order: once a later one has, the replays would have too.
    expect((await d.webhook({ ...envelope, request_id: 'replay-marker', timestamp: pythonTimestamp(Date.now()) })).status).to.equal(202);
    await waitFor(async () => (await onBroker()) >= brokerBefore + 2, { message: 'the first delivery and the marker on the broker' });
    expect(await onBroker(), 'only the first delivery and the marker were handed on').to.equal(brokerBefore + 2);
    const refused = d.logs.filter((l) => l.reason === 'replayed' || l.reason === 'stale');
    expect(refused).to.have.length(5);
    expect(refused.every((l) => l.level === 'warn' && l.client === '127.0.0.1')).to.equal(true);
  });

  it('POST /sync: missing, wrong, truncated and extended keys are rejected; the key in any accepted header works', async () => {
    const d = daemons[0] as RunningDaemon;
    const bad: Array<[string, Record<string, string>]> = [
      ['missing', {}], ['wrong', { 'x-api-key': 'not-the-key' }], ['truncated', { 'x-api-key': API_KEY.slice(0, -1) }],
      ['extended', { 'x-api-key': `${API_KEY}x` }], ['empty bearer', { authorization: 'Bearer ' }], ['basic', { authorization: `Basic ${API_KEY}` }],
      ['wrong bearer', { authorization: 'Bearer nope' }], ['case changed', { 'x-api-key': API_KEY.toUpperCase() }],
    ];
    for (const [what, headers] of bad) {
      const res = await post(d, '/sync', headers);
      expect(res.status, what).to.equal(401);
      expect(JSON.stringify(await res.json())).to.not.include(API_KEY);
    }
    const good: Array<Record<string, string>> = [{ 'x-api-key': API_KEY }, { 'x-netbox-pdns-api-key': API_KEY }, { authorization: `Bearer ${API_KEY}` }];
    for (const headers of good) {
      expect((await post(d, '/sync', headers)).status).to.equal(202);
    }
  });

  it('rate limits POST /sync and POST /webhook per client (429 with Retry-After), never the read endpoints', async () => {
    const d = await startDaemon(env, { NETBOX_PDNS_HTTP_RATE_LIMIT: '3', NETBOX_PDNS_WEBHOOK_RATE_LIMIT: '4' });
    daemons.push(d);
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await post(d, '/sync', { 'x-api-key': i === 0 ? 'guess' : API_KEY })).status);
    expect(statuses).to.deep.equal([401, 202, 202, 429, 429]);
    const limited = await post(d, '/sync', { 'x-api-key': API_KEY });
    expect(limited.headers.get('retry-after')).to.match(/^\d+$/);
    expect(await limited.json()).to.include({ error: 'rate_limited' });
    const hooks: number[] = [];
    // Distinct bodies: the same one again would be a replay (200 duplicate), not a new request.
    for (let i = 0; i < 6; i++) hooks.push((await d.webhook({ ...envelope, request_id: `rate-${i}` })).status);
    expect(hooks).to.deep.equal([202, 202, 202, 202, 429, 429]);
    for (let i = 0; i < 30; i++) expect((await d.get('/status')).status).to.equal(200);
    expect((await d.get('/health')).status).to.equal(200);
  });

  describe('secrets never appear in any output', () => {
    const SECRETS = {
      nb_token: 'nbtoken-SECRET-7f1e2d3c4b5a69788796a5b4c3d2e1f00112233',
      pdns_token: 'pdnskey-SECRET-a1b2c3d4e5f6',
      mqtt_password: 'mqttpass-SECRET-9z8y7x6w5v',
      api_key: 'apikey-SECRET-5e6f7a8b9c0d',
      webhook_secret: 'hooksecret-SECRET-c9d0e1f2a3b4',
      status_token: 'statustoken-SECRET-0a1b2c3d4e5f',
    };
    let broker: Mosquitto;
    let p: DaemonProcess;

    before(async () => {
      broker = await startMosquitto({ username: 'netbox-pdns', password: 'the-real-broker-password' });
    });
    after(async () => {
      await p?.stop(2000);
      await broker?.stop();
    });

    it('logs, stderr, /status, /metrics, HTTP error bodies and check-config stay clean through auth faults', async () => {
      const settings = env.env({
        NETBOX_PDNS_NB_TOKEN: SECRETS.nb_token, // fake NetBox answers 403
        NETBOX_PDNS_PDNS_TOKEN: SECRETS.pdns_token, // PowerDNS answers 401
        NETBOX_PDNS_MQTT_ENABLED: 'true',
        NETBOX_PDNS_MQTT_BROKER_URL: broker.url,
        NETBOX_PDNS_MQTT_USERNAME: 'netbox-pdns',
        NETBOX_PDNS_MQTT_PASSWORD: SECRETS.mqtt_password, // the broker refuses it
        NETBOX_PDNS_MQTT_RECONNECT_DELAY: '0.1',
        NETBOX_PDNS_API_KEY: SECRETS.api_key,
        NETBOX_PDNS_WEBHOOK_SECRET: SECRETS.webhook_secret,
        NETBOX_PDNS_STATUS_TOKEN: SECRETS.status_token, // p.get and p.metric present it
        NETBOX_PDNS_LOG_LEVEL: 'debug',
      });
      p = await spawnDaemon(settings);
      const outputs: Array<[string, string]> = [];
      const keep = async (what: string, res: Response): Promise<Response> => {
        outputs.push([what, `${JSON.stringify([...res.headers])}\n${await res.clone().text()}`]);
        return res;
      };
      const body = serializeWebhook(envelope);
      await keep('sync wrong key', await fetch(`${p.base}/sync`, { method: 'POST', headers: { 'x-api-key': 'wrong' } }));
      await keep('metrics wrong token', await fetch(`${p.base}/metrics`, { headers: { authorization: 'Bearer wrong' } }));
      await keep('status zone without token', await fetch(`${p.base}/status?zone=${ZONE}`));
      await keep('webhook bad signature', await fetch(`${p.base}/webhook`, { method: 'POST', headers: { 'x-hook-signature': 'ab'.repeat(64) }, body }));
      // Signed right, but the broker connection is refused: 503 and an error body.
      await keep('webhook unpublishable', await fetch(`${p.base}/webhook`, { method: 'POST', headers: { 'x-hook-signature': signWebhook(body, SECRETS.webhook_secret) }, body }));
      await keep('webhook invalid json', await fetch(`${p.base}/webhook`, { method: 'POST', headers: { 'x-hook-signature': signWebhook('{x', SECRETS.webhook_secret) }, body: '{x' }));
      await keep('sync', await fetch(`${p.base}/sync`, { method: 'POST', headers: { 'x-api-key': SECRETS.api_key } }));

      const status = async (): Promise<StatusDocument> => (await (await p.get('/status')).json()) as StatusDocument;
      await waitFor(async () => {
        const s = await status();
        return /401/.test(s.upstreams.pdns.last_error ?? '') && /403/.test(s.upstreams.netbox.last_error ?? '');
      }, { message: 'PowerDNS 401 and NetBox 403 recorded' });
      await waitFor(() => /refused the connection/.test(p.stdout()), { message: 'broker refusal logged' });
      await waitFor(async () => (await p.metric('netbox_pdns_mqtt_reconnects_total')) >= 3, { message: 'broker retries' });
      await keep('status zone', await p.get(`/status?zone=${ZONE}`));
      await keep('status', await p.get('/status'));
      await keep('metrics', await p.get('/metrics'));
      await keep('health', await p.get('/health'));
      await keep('not found', await p.get(`/nothing?token=${SECRETS.api_key}`));
      const checked = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/main.ts', 'check-config'], {
        cwd: process.cwd(), env: { ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('NETBOX_PDNS_'))), ...settings },
      });
      await p.stop();
      expect((await p.exited).code).to.equal(0);
      outputs.push(['stdout', p.stdout()], ['stderr', p.stderr()], ['check-config', `${checked.stdout}${checked.stderr}`]);

      expect(p.stdout()).to.match(/HTTP 403/);
      // The bulk reconcile reports the first failure (NetBox's); /status keeps PowerDNS's 401 too.
      expect(outputs.find(([what]) => what === 'status')?.[1]).to.match(/GET zones: 401/);
      expect(outputs.map(([, text]) => text).join('\n').length).to.be.greaterThan(10_000);
      const leaks: string[] = [];
      for (const [what, text] of outputs) {
        for (const [name, secret] of Object.entries(SECRETS)) {
          // The whole value, and its distinctive tail (a truncated or partly masked leak).
          if (text.includes(secret) || text.includes(secret.slice(-10))) leaks.push(`${name} in ${what}`);
        }
      }
      expect(leaks).to.deep.equal([]);
    });
  });
});
