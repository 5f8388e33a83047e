/**
 * The embedded aedes broker against a plain mqtt.js client: delivery, and the persistent-session
 * behaviour the intake relies on (QoS 1 messages kept for a clean:false client while it is away).
 */
import { expect } from 'chai';
import { connect, connectAsync, type MqttClient } from 'mqtt';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../src/intake/embedded-broker.js';
import { createMemoryLogger } from '../../src/util/log.js';
import { waitFor } from '../support/wait.js';

describe('embedded MQTT broker (aedes)', () => {
  let broker: EmbeddedBroker;
  const clients: MqttClient[] = [];

  before(async () => {
    broker = await startEmbeddedBroker({ host: '127.0.0.1', port: 0, logger: createMemoryLogger().logger });
  });

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.endAsync(true)));
  });

  after(async () => {
    await broker.close();
  });

  it('listens on a free port and delivers what is published through it', async () => {
    expect(broker.port, 'port picked by the kernel').to.be.greaterThan(0);
    expect(broker.url).to.equal(`mqtt://127.0.0.1:${broker.port}`);
    const client = await connectAsync(broker.url, { clientId: 'plain-subscriber', reconnectPeriod: 0 });
    clients.push(client);
    const received: Array<{ topic: string; payload: string }> = [];
    client.on('message', (topic, payload) => received.push({ topic, payload: payload.toString('utf8') }));
    await client.subscribeAsync('netbox/#', { qos: 1 });

    await broker.publish('netbox/netbox_dns/zone/updated', '{"event":"updated"}');
    await broker.publish('netbox/netbox_dns/record/created', Buffer.from('{}'), 0);

    await waitFor(() => received.length === 2, { message: 'two messages at the subscriber' });
    expect(received).to.deep.equal([
      { topic: 'netbox/netbox_dns/zone/updated', payload: '{"event":"updated"}' },
      { topic: 'netbox/netbox_dns/record/created', payload: '{}' },
    ]);
  });

  it('keeps QoS 1 messages for a clean:false client while it is offline', async () => {
    const options = { clientId: 'persistent-subscriber', clean: false, reconnectPeriod: 0 };
    const first = await connectAsync(broker.url, options);
    await first.subscribeAsync('dns/zones/+/+', { qos: 1 });
    await first.endAsync();

    await broker.publish('dns/zones/example.com/update', 'while-away-1', 1);
    await broker.publish('dns/zones/example.org/update', 'while-away-2', 1);

    // Listener attached before connecting: queued messages follow the CONNACK at once.
    const received: string[] = [];
    const second = connect(broker.url, options);
    clients.push(second);
    second.on('message', (_topic, payload) => received.push(payload.toString('utf8')));
    await waitFor(() => received.length === 2, { message: 'queued messages after reconnecting' });
    expect(received).to.deep.equal(['while-away-1', 'while-away-2']);
  });

  it('rejects publishing after close and closes twice without error', async () => {
    const other = await startEmbeddedBroker({ host: '127.0.0.1', port: 0, logger: createMemoryLogger().logger });
    await other.close();
    await other.close();
    let error: unknown;
    await other.publish('t', 'x').catch((e: unknown) => { error = e; });
    expect(String(error)).to.match(/closed/);
  });
});
