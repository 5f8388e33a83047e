/**
 * The two attacks on the daemon's embedded broker, against a real daemon and a second real MQTT
 * client: reading every event with a `#` subscription, and connecting with the daemon's client id to
 * kick it off and take its queued events. Both must fail while the daemon keeps applying changes;
 * with an account configured, a client without it does not even get connected.
 */
import { expect } from 'chai';
import { connectAsync, type IClientOptions, type MqttClient } from 'mqtt';
import { startSyncEnv, type SyncEnv } from '../support/sync-env.js';
import { startDaemon, type RunningDaemon } from '../support/daemon-env.js';
import { queryDns } from '../support/dns.js';
import { waitFor } from '../support/wait.js';
import type { StatusDocument } from '../../src/observability/status-store.js';
import type { WebhookEnvelope } from '../fakes/netbox/index.js';

const ZONE = 'eb.example';
const ACCOUNT = { username: 'publisher', password: 'embedded-account-password-51d0' };

interface Attacker {
  client?: MqttClient;
  refused?: number;
}

describe('security: the embedded broker against a local attacker', function () {
  this.timeout(60_000);
  let env: SyncEnv;
  const daemons: RunningDaemon[] = [];
  const clients: MqttClient[] = [];
  const events: WebhookEnvelope[] = [];

  async function attacker(url: string, options: IClientOptions): Promise<Attacker> {
    try {
      const client = await connectAsync(url, { reconnectPeriod: 0, protocolVersion: 4, ...options });
      clients.push(client);
      return { client };
    } catch (err) {
      return { refused: Number((err as { code?: unknown }).code) };
    }
  }
  const mqttOf = async (d: RunningDaemon): Promise<{ connected: boolean; client_id: string }> =>
    ((await (await d.get('/status')).json()) as StatusDocument).mqtt as { connected: boolean; client_id: string };
  /** A record created in NetBox, announced by webhook, and answered over DNS by PowerDNS. */
  async function change(d: RunningDaemon, name: string): Promise<void> {
    events.length = 0;
    env.netbox.store.createRecord({ zone: ZONE, name, type: 'A', value: '192.0.2.90', disable_ptr: true });
    expect((await d.webhook(events.find((e) => e.object_type === 'netbox_dns.record') as WebhookEnvelope)).status).to.equal(202);
    await waitFor(async () => (await queryDns(env.pdns.dnsPort, `${name}.${ZONE}`, 'A')).answers[0] === '192.0.2.90', { message: `${name} applied` });
  }
  async function daemon(overrides: Record<string, string> = {}): Promise<RunningDaemon> {
    const d = await startDaemon(env, overrides);
    daemons.push(d);
    await waitFor(() => d.logs.some((l) => l.message === 'MQTT subscribed'), { message: 'daemon subscribed' });
    return d;
  }

  before(async () => {
    env = await startSyncEnv();
    env.netbox.store.createZone({ name: ZONE, nameservers: ['ns1.example.net'], soa_mname: 'ns1.example.net', soa_rname: `hostmaster.${ZONE}` });
    env.netbox.onEvent((e) => events.push(e));
  });
  after(async () => {
    await Promise.all(clients.splice(0).map((c) => c.endAsync(true)));
    for (const d of daemons) await d.stop();
    await env?.stop();
  });

  it('without an account: a `#` subscriber reads nothing, and the daemon\'s client id cannot be taken', async () => {
    const d = await daemon();
    const { client_id: clientId } = await mqttOf(d);

    const snoop = await attacker(d.brokerUrl, { clientId: 'snoop' });
    const snooped: string[] = [];
    snoop.client?.on('message', (topic) => snooped.push(topic));
    const subscribed = await snoop.client?.subscribeAsync('#', { qos: 1 }).then(() => 'granted', () => 'refused');
    expect(subscribed).to.equal('refused');

    // The takeover: same client id, persistent session, as the daemon's intake would connect.
    for (const options of [{ clientId, clean: false }, { clientId, clean: false, username: clientId, password: 'a-guess' }]) {
      expect((await attacker(d.brokerUrl, options)).refused, 'identifier rejected').to.equal(2);
    }
    await change(d, 'after-attacks');
    expect((await mqttOf(d)).connected).to.equal(true);
    expect(await d.metric('netbox_pdns_mqtt_reconnects_total'), 'the daemon was never kicked off').to.equal(0);
    expect(d.logs.some((l) => /connection .* lost|sent DISCONNECT/.test(String(l.message)))).to.equal(false);
    expect(snooped).to.deep.equal([]);
    expect(d.logs.filter((l) => l.level === 'warn' && /embedded broker refused/.test(String(l.message))).map((l) => l.client))
      .to.deep.equal(['127.0.0.1', '127.0.0.1', '127.0.0.1']);
  });

  it('with an account: anonymous and wrong-password clients are refused, the account may publish', async () => {
    const d = await daemon({ NETBOX_PDNS_MQTT_USERNAME: ACCOUNT.username, NETBOX_PDNS_MQTT_PASSWORD: ACCOUNT.password });
    const { client_id: clientId } = await mqttOf(d);
    expect((await attacker(d.brokerUrl, { clientId: 'anonymous' })).refused).to.equal(4);
    expect((await attacker(d.brokerUrl, { clientId: 'guess', username: ACCOUNT.username, password: 'nope' })).refused).to.equal(4);
    expect((await attacker(d.brokerUrl, { clientId, clean: false, ...ACCOUNT })).refused, 'not even the account takes the daemon\'s id').to.equal(2);

    const publisher = await attacker(d.brokerUrl, { clientId: 'compact-publisher', ...ACCOUNT });
    events.length = 0;
    env.netbox.store.createRecord({ zone: ZONE, name: 'by-compact', type: 'A', value: '192.0.2.91', disable_ptr: true });
    await publisher.client?.publishAsync(`dns/zones/${ZONE}/update`, JSON.stringify({ zone: ZONE, serial: 1, event: 'update', timestamp: Math.floor(Date.now() / 1000) }), { qos: 1 });
    await waitFor(async () => (await queryDns(env.pdns.dnsPort, `by-compact.${ZONE}`, 'A')).answers[0] === '192.0.2.91', { message: 'compact message applied' });
    await change(d, 'with-account');
    expect(await d.metric('netbox_pdns_mqtt_reconnects_total')).to.equal(0);
    expect(JSON.stringify(d.logs)).to.not.include(ACCOUNT.password);
  });
});
