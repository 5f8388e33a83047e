/**
 * The broker goes away: a real Mosquitto (persistence on) is killed under a connected daemon and
 * started again. The daemon must notice, reconnect with a growing delay, resume its persistent
 * session, and apply the events that were published while it was not connected.
 *
 * Mosquitto is stopped with SIGTERM, not SIGKILL: it writes its persistence file on exit, and that
 * file is what keeps our session (and so the QoS 1 events queued for it) across its restart. A
 * SIGKILLed Mosquitto loses every session since its last autosave, which no client can make up for.
 */
import { expect } from 'chai';
import mqtt from 'mqtt';
import { startSyncEnv, type SyncEnv } from '../support/sync-env.js';
import { startDaemon, type RunningDaemon } from '../support/daemon-env.js';
import { startMosquitto, type Mosquitto } from '../support/mosquitto.js';
import { queryDns } from '../support/dns.js';
import { waitFor } from '../support/wait.js';
import type { StatusDocument } from '../../src/observability/status-store.js';

const ZONE = 'bf.example';

interface MqttStatus { connected: boolean; reconnects: number }

describe('faults: MQTT broker killed and restarted', function () {
  this.timeout(60_000);
  let env: SyncEnv;
  let mosquitto: Mosquitto;
  let d: RunningDaemon;

  const mqttStatus = async (): Promise<MqttStatus> => ((await (await d.get('/status')).json()) as StatusDocument).mqtt as MqttStatus;

  before(async () => {
    env = await startSyncEnv();
    env.netbox.store.createZone({ name: ZONE, nameservers: ['ns1.example.net'], soa_mname: 'ns1.example.net', soa_rname: `hostmaster.${ZONE}` });
    mosquitto = await startMosquitto({ persistence: true });
    d = await startDaemon(env, {
      NETBOX_PDNS_MQTT_BROKER_URL: mosquitto.url,
      NETBOX_PDNS_MQTT_RECONNECT_DELAY: '0.2',
      NETBOX_PDNS_MQTT_RECONNECT_MAX_DELAY: '2',
    });
    await waitFor(async () => (await mqttStatus()).connected, { message: 'daemon connected to Mosquitto' });
    await waitFor(() => d.logs.some((l) => l.message === 'MQTT subscribed'), { message: 'subscribed' });
  });
  after(async () => {
    await d?.stop();
    await mosquitto?.stop();
    await env?.stop();
  });

  it('reconnects with backoff and applies what was published while it was disconnected', async () => {
    const logsBefore = d.logs.length;
    const pid = mosquitto.pid;
    process.kill(pid, 'SIGTERM');
    await waitFor(() => { try { process.kill(pid, 0); return false; } catch { return true; } }, { message: 'mosquitto gone' });
    await waitFor(async () => !(await mqttStatus()).connected, { message: 'daemon noticed the broker is gone' });
    // Let several attempts fail so the delay has grown (0.2 → 0.4 → 0.8 → 1.6 s, capped at 2 s).
    await waitFor(async () => (await d.metric('netbox_pdns_mqtt_reconnects_total')) >= 4, { message: 'reconnect attempts' });
    expect((await (await d.get('/health')).json())).to.deep.equal({ status: 'Healthy' });

    for (let i = 0; i < 5; i++) env.netbox.store.createRecord({ zone: ZONE, name: `while-down${i}`, type: 'A', value: `192.0.2.${i + 10}`, disable_ptr: true });
    await mosquitto.restart();
    const pub = await mqtt.connectAsync(mosquitto.url, { protocolVersion: 4, clientId: `pub-${process.pid}` });
    try {
      for (let i = 0; i < 5; i++) {
        await pub.publishAsync(`dns/zones/${ZONE}/update`, JSON.stringify({ zone: ZONE, serial: i, event: 'update', timestamp: i }), { qos: 1 });
      }
    } finally {
      await pub.endAsync();
    }
    // Published (and acknowledged by the broker) before the daemon was back: only the session can deliver them.
    expect((await mqttStatus()).connected, 'daemon still disconnected when the events were published').to.equal(false);

    await waitFor(async () => (await mqttStatus()).connected, { timeoutMs: 10_000, message: 'daemon reconnected' });
    await waitFor(async () => (await queryDns(env.pdns.dnsPort, `while-down4.${ZONE}`, 'A')).answers[0] === '192.0.2.14', { message: 'events applied' });
    for (let i = 0; i < 5; i++) expect((await queryDns(env.pdns.dnsPort, `while-down${i}.${ZONE}`, 'A')).answers).to.deep.equal([`192.0.2.${i + 10}`]);
    await waitFor(async () => (await d.metric('netbox_pdns_events_received_total', { source: 'compact' })) === 5, { message: 'all 5 events received' });

    const lines = d.logs.slice(logsBefore).map((l) => String(l.message));
    expect(lines.some((l) => /^MQTT connection to .* lost; reconnecting$/.test(l))).to.equal(true);
    const delays = lines.map((l) => /^MQTT connection to .* failed: .*; retrying in ([\d.]+)s$/.exec(l)?.[1]).filter((x): x is string => x !== undefined).map(Number);
    expect(delays.length).to.be.at.least(3);
    expect(delays).to.deep.equal([...delays].sort((a, b) => a - b));
    expect(Math.max(...delays)).to.be.greaterThan(delays[0] as number);
    expect(Math.max(...delays)).to.be.at.most(2);
    const reconnected = d.logs.slice(logsBefore).filter((l) => /^MQTT connected/.test(String(l.message)));
    expect(reconnected.at(-1)?.session_present).to.equal(true);
  });
});
