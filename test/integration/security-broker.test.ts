/**
 * The broker connection's security against a real Mosquitto: a TLS listener with a certificate from
 * a CA this test generates (openssl), and username/password authentication. The daemon must connect
 * only when the CA it is given signed the broker's certificate, and only with the right password;
 * refused, it keeps retrying (so it recovers once an operator fixes the setting) and never connects.
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSyncEnv, type SyncEnv } from '../support/sync-env.js';
import { startDaemon, type RunningDaemon } from '../support/daemon-env.js';
import { startMosquitto, type Mosquitto } from '../support/mosquitto.js';
import { queryDns } from '../support/dns.js';
import { waitFor } from '../support/wait.js';
import { makePki, type Pki } from '../support/pki.js';
import type { StatusDocument } from '../../src/observability/status-store.js';
import type { WebhookEnvelope } from '../fakes/netbox/index.js';

const ZONE = 'sb.example';
const MQTT_USER = 'netbox-pdns';
const MQTT_PASSWORD = 'right-mqtt-password-3c1f';

describe('security: MQTT broker TLS and authentication', function () {
  this.timeout(60_000);
  let env: SyncEnv;
  let dir: string;
  let pki: Pki;
  let tlsBroker: Mosquitto;
  let authBroker: Mosquitto;
  const daemons: RunningDaemon[] = [];
  const events: WebhookEnvelope[] = [];

  const mqttOf = async (d: RunningDaemon): Promise<{ connected: boolean }> =>
    ((await (await d.get('/status')).json()) as StatusDocument).mqtt as { connected: boolean };
  async function daemon(overrides: Record<string, string>): Promise<RunningDaemon> {
    const d = await startDaemon(env, { NETBOX_PDNS_MQTT_RECONNECT_DELAY: '0.1', NETBOX_PDNS_MQTT_RECONNECT_MAX_DELAY: '0.4', ...overrides });
    daemons.push(d);
    return d;
  }
  /** A record created in NetBox and announced through the daemon's webhook (so via its broker connection). */
  async function announce(d: RunningDaemon, name: string): Promise<Response> {
    events.length = 0;
    env.netbox.store.createRecord({ zone: ZONE, name, type: 'A', value: '192.0.2.80', disable_ptr: true });
    return d.webhook(events.find((e) => e.object_type === 'netbox_dns.record') as WebhookEnvelope);
  }
  /** The daemon keeps trying and never gets in. */
  async function refusedForGood(d: RunningDaemon, pattern: RegExp): Promise<void> {
    await waitFor(async () => (await d.metric('netbox_pdns_mqtt_reconnects_total')) >= 3, { message: 'several reconnect attempts' });
    await waitFor(() => d.logs.some((l) => pattern.test(String(l.message))), { message: `a log line matching ${pattern}` });
    expect((await mqttOf(d)).connected).to.equal(false);
    expect(d.logs.some((l) => /^MQTT connected/.test(String(l.message)))).to.equal(false);
    expect(await d.metric('netbox_pdns_mqtt_last_connect_timestamp_seconds')).to.equal(0);
    // Without a broker connection a webhook cannot be handed on; NetBox does not retry by default,
    // so the daemon applies it itself (202) rather than lose it.
    const name = `refused${daemons.length}`;
    expect((await announce(d, name)).status).to.equal(202);
    await waitFor(async () => (await env.direct.client.getZone(`${ZONE}.`))?.rrsets.some((r) => r.name === `${name}.${ZONE}.`) ?? false,
      { message: 'webhook applied locally while the broker is unreachable' });
    expect((await d.get('/health')).status).to.equal(200);
  }

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'netbox-pdns-pki-'));
    pki = makePki(dir);
    env = await startSyncEnv();
    env.netbox.store.createZone({ name: ZONE, nameservers: ['ns1.example.net'], soa_mname: 'ns1.example.net', soa_rname: `hostmaster.${ZONE}` });
    env.netbox.onEvent((e) => events.push(e));
    tlsBroker = await startMosquitto({ tls: { caFile: pki.ca, certFile: pki.cert, keyFile: pki.key } });
    authBroker = await startMosquitto({ username: MQTT_USER, password: MQTT_PASSWORD });
  });
  after(async () => {
    for (const d of daemons) await d.stop();
    await tlsBroker?.stop();
    await authBroker?.stop();
    await env?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('connects over TLS when NETBOX_PDNS_MQTT_CA_FILE is the CA that signed the broker, and events flow', async () => {
    expect(tlsBroker.url).to.match(/^mqtts:\/\/127\.0\.0\.1:\d+$/);
    const d = await daemon({ NETBOX_PDNS_MQTT_BROKER_URL: tlsBroker.url, NETBOX_PDNS_MQTT_CA_FILE: pki.ca });
    await waitFor(async () => (await mqttOf(d)).connected, { message: 'TLS connection' });
    await waitFor(() => d.logs.some((l) => l.message === 'MQTT subscribed'), { message: 'subscribed over TLS' });
    expect((await announce(d, 'over-tls')).status).to.equal(202);
    await waitFor(async () => (await queryDns(env.pdns.dnsPort, `over-tls.${ZONE}`, 'A')).answers[0] === '192.0.2.80', { message: 'event over TLS applied' });
  });

  it('refuses a broker whose certificate another CA signed, and keeps retrying', async () => {
    const d = await daemon({ NETBOX_PDNS_MQTT_BROKER_URL: tlsBroker.url, NETBOX_PDNS_MQTT_CA_FILE: pki.otherCa });
    await refusedForGood(d, /^MQTT connection to mqtts:\/\/127\.0\.0\.1:\d+ failed: .*(self[- ]signed|unable to verify|certificate)/i);
  });

  it('refuses a TLS broker when no CA is given (the system store does not know the test CA)', async () => {
    const d = await daemon({ NETBOX_PDNS_MQTT_BROKER_URL: tlsBroker.url });
    await refusedForGood(d, /^MQTT connection to .* failed: .*(self[- ]signed|unable to verify|certificate)/i);
  });

  it('connects with the right username and password', async () => {
    const d = await daemon({ NETBOX_PDNS_MQTT_BROKER_URL: authBroker.url, NETBOX_PDNS_MQTT_USERNAME: MQTT_USER, NETBOX_PDNS_MQTT_PASSWORD: MQTT_PASSWORD });
    await waitFor(async () => (await mqttOf(d)).connected, { message: 'authenticated connection' });
    await waitFor(() => d.logs.some((l) => l.message === 'MQTT subscribed'), { message: 'subscribed' });
    expect((await announce(d, 'authed')).status).to.equal(202);
    await waitFor(async () => (await queryDns(env.pdns.dnsPort, `authed.${ZONE}`, 'A')).answers[0] === '192.0.2.80', { message: 'event applied' });
  });

  it('is refused with a wrong password or none, and keeps retrying', async () => {
    const wrong = await daemon({ NETBOX_PDNS_MQTT_BROKER_URL: authBroker.url, NETBOX_PDNS_MQTT_USERNAME: MQTT_USER, NETBOX_PDNS_MQTT_PASSWORD: 'wrong-password' });
    await refusedForGood(wrong, /^MQTT broker .* refused the connection: .*(Not authorized|Bad User Name or Password)/i);
    const anonymous = await daemon({ NETBOX_PDNS_MQTT_BROKER_URL: authBroker.url });
    await refusedForGood(anonymous, /^MQTT broker .* refused the connection/);
    expect(authBroker.log()).to.match(/not authorised|not authorized/i);
  });
});
