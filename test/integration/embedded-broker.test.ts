/**
 * The embedded aedes broker against real mqtt.js clients: delivery, the persistent-session
 * behaviour the intake relies on (QoS 1 messages kept for a clean:false client while it is away),
 * and its protection: only the daemon (or, with an account configured, clients presenting it) may
 * subscribe, and nobody else may connect with the daemon's client id to take its session over.
 */
import { expect } from 'chai';
import { connect, connectAsync, type IClientOptions, type MqttClient } from 'mqtt';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../src/intake/embedded-broker.js';
import { createMemoryLogger } from '../../src/util/log.js';
import { waitFor } from '../support/wait.js';

const DAEMON = 'netbox-pdns-under-test';
const ACCOUNT = { username: 'publisher', password: 'account-password-4f2a9c' };

/** Connects and resolves with the client, or with the CONNACK refusal code. */
async function tryConnect(url: string, options: IClientOptions): Promise<{ client?: MqttClient; refused?: number }> {
  try {
    return { client: await connectAsync(url, { reconnectPeriod: 0, protocolVersion: 4, ...options }) };
  } catch (err) {
    return { refused: Number((err as { code?: unknown }).code) };
  }
}

describe('embedded MQTT broker (aedes)', () => {
  const clients: MqttClient[] = [];
  const keep = (c: MqttClient | undefined): MqttClient => {
    if (c === undefined) throw new Error('expected a connection');
    clients.push(c);
    return c;
  };
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.endAsync(true)));
  });

  describe('without an account', () => {
    let broker: EmbeddedBroker;
    let logs: Array<Record<string, unknown>>;
    const asDaemon = (extra: IClientOptions = {}): IClientOptions => ({ clientId: DAEMON, ...broker.daemonCredentials, ...extra });

    before(async () => {
      const memory = createMemoryLogger('debug');
      logs = memory.entries;
      broker = await startEmbeddedBroker({ host: '127.0.0.1', port: 0, logger: memory.logger, daemonClientId: DAEMON });
    });
    after(async () => {
      await broker.close();
    });

    it('listens on a free port and delivers what is published through it to the daemon', async () => {
      expect(broker.port, 'port picked by the kernel').to.be.greaterThan(0);
      expect(broker.url).to.equal(`mqtt://127.0.0.1:${broker.port}`);
      const daemon = keep((await tryConnect(broker.url, asDaemon())).client);
      const received: Array<{ topic: string; payload: string }> = [];
      daemon.on('message', (topic, payload) => received.push({ topic, payload: payload.toString('utf8') }));
      await daemon.subscribeAsync('netbox/#', { qos: 1 });

      await broker.publish('netbox/netbox_dns/zone/updated', '{"event":"updated"}');
      await broker.publish('netbox/netbox_dns/record/created', Buffer.from('{}'), 0);

      await waitFor(() => received.length === 2, { message: 'two messages at the subscriber' });
      expect(received).to.deep.equal([
        { topic: 'netbox/netbox_dns/zone/updated', payload: '{"event":"updated"}' },
        { topic: 'netbox/netbox_dns/record/created', payload: '{}' },
      ]);
    });

    it('keeps QoS 1 messages for the daemon\'s clean:false session while it is offline', async () => {
      const first = await connectAsync(broker.url, asDaemon({ clean: false, reconnectPeriod: 0 }));
      await first.subscribeAsync('dns/zones/+/+', { qos: 1 });
      await first.endAsync();

      await broker.publish('dns/zones/example.com/update', 'while-away-1', 1);
      await broker.publish('dns/zones/example.org/update', 'while-away-2', 1);

      // Listener attached before connecting: queued messages follow the CONNACK at once.
      const received: string[] = [];
      const second = connect(broker.url, asDaemon({ clean: false, reconnectPeriod: 0 }));
      clients.push(second);
      second.on('message', (_topic, payload) => received.push(payload.toString('utf8')));
      await waitFor(() => received.length === 2, { message: 'queued messages after reconnecting' });
      expect(received).to.deep.equal(['while-away-1', 'while-away-2']);
    });

    it('lets anyone publish but nobody else subscribe: a local user reads no event with `#`', async () => {
      const daemon = keep((await tryConnect(broker.url, asDaemon())).client);
      const forDaemon: string[] = [];
      daemon.on('message', (topic) => forDaemon.push(topic));
      await daemon.subscribeAsync('dns/zones/+/+', { qos: 1 });

      const snoop = keep((await tryConnect(broker.url, { clientId: 'snoop' })).client);
      const snooped: string[] = [];
      snoop.on('message', (topic) => snooped.push(topic));
      const refusal = await snoop.subscribeAsync(['#', 'netbox/#', 'dns/zones/+/+'], { qos: 1 })
        .then(() => null, (e: unknown) => e as { packet?: { granted?: number[] } });
      expect(refusal?.packet?.granted, 'every subscription refused (SUBACK 0x80)').to.deep.equal([128, 128, 128]);

      const publisher = keep((await tryConnect(broker.url, { clientId: 'anonymous-publisher' })).client);
      await publisher.publishAsync('dns/zones/example.net/update', '{}', { qos: 1 });
      await broker.publish('dns/zones/example.net/delete', '{}', 1);
      await waitFor(() => forDaemon.length === 2, { message: 'both messages at the daemon' });
      // A round trip on the snoop's own connection: anything routed to it would have arrived first.
      await snoop.publishAsync('ping/snoop', 'x', { qos: 1 });
      expect(snooped).to.deep.equal([]);
      expect(snoop.connected, 'a refused subscription does not cost the connection').to.equal(true);
      const warning = logs.find((l) => /refused a subscription/.test(String(l.message)));
      expect(warning).to.include({ level: 'warn', client_id: 'snoop', client: '127.0.0.1' });
    });

    it('refuses the daemon\'s client id to anyone else: the daemon stays connected and keeps its queued events', async () => {
      const attempts: IClientOptions[] = [
        { clientId: DAEMON },
        { clientId: DAEMON, clean: false },
        { clientId: DAEMON, username: DAEMON, password: 'guessed-token' },
        { clientId: DAEMON, username: broker.daemonCredentials.username, password: `${broker.daemonCredentials.password}x` },
      ];
      const daemon = keep((await tryConnect(broker.url, asDaemon({ clean: false }))).client);
      await daemon.subscribeAsync('dns/zones/+/+', { qos: 1 });
      let kicked = 0;
      daemon.on('close', () => { kicked += 1; });
      for (const attempt of attempts) {
        expect((await tryConnect(broker.url, attempt)).refused, JSON.stringify(attempt)).to.equal(2); // identifier rejected
      }
      expect(kicked, 'the daemon was never disconnected').to.equal(0);
      expect(daemon.connected).to.equal(true);

      // While the daemon is away its events wait in its session; an impostor still cannot take them.
      await daemon.endAsync();
      await broker.publish('dns/zones/kept.example/update', 'kept-1', 1);
      await broker.publish('dns/zones/kept.example/update', 'kept-2', 1);
      for (const attempt of attempts) expect((await tryConnect(broker.url, { ...attempt, clean: false })).refused).to.equal(2);
      const received: string[] = [];
      const back = connect(broker.url, asDaemon({ clean: false, reconnectPeriod: 0, protocolVersion: 4 }));
      clients.push(back);
      back.on('message', (_topic, payload) => received.push(payload.toString('utf8')));
      await waitFor(() => received.length === 2, { message: 'the queued events at the daemon' });
      expect(received).to.deep.equal(['kept-1', 'kept-2']);
      const refusals = logs.filter((l) => /daemon's client id/.test(String(l.message)));
      expect(refusals).to.have.length(attempts.length * 2);
      expect(refusals[0]).to.include({ level: 'warn', client_id: DAEMON, client: '127.0.0.1' });
      expect(JSON.stringify(logs)).to.not.include(broker.daemonCredentials.password).and.not.include('guessed-token');
    });

    it('lets the daemon itself take its session over (its own reconnect)', async () => {
      const first = keep((await tryConnect(broker.url, asDaemon())).client);
      let closed = false;
      first.on('close', () => { closed = true; });
      keep((await tryConnect(broker.url, asDaemon())).client);
      await waitFor(() => closed, { message: 'the older connection replaced' });
    });

    it('rejects publishing after close and closes twice without error', async () => {
      const other = await startEmbeddedBroker({ host: '127.0.0.1', port: 0, logger: createMemoryLogger().logger, daemonClientId: DAEMON });
      await other.close();
      await other.close();
      let error: unknown;
      await other.publish('t', 'x').catch((e: unknown) => { error = e; });
      expect(String(error)).to.match(/closed/);
    });
  });

  describe('with an account', () => {
    let broker: EmbeddedBroker;
    let logs: Array<Record<string, unknown>>;

    before(async () => {
      const memory = createMemoryLogger('debug');
      logs = memory.entries;
      broker = await startEmbeddedBroker({ host: '127.0.0.1', port: 0, logger: memory.logger, daemonClientId: DAEMON, account: ACCOUNT });
    });
    after(async () => {
      await broker.close();
    });

    it('admits a client presenting the account, which may subscribe and publish', async () => {
      const member = keep((await tryConnect(broker.url, { clientId: 'other-daemon', ...ACCOUNT })).client);
      const received: string[] = [];
      member.on('message', (_topic, payload) => received.push(payload.toString('utf8')));
      const granted = await member.subscribeAsync('netbox/#', { qos: 1 });
      expect(granted.map((g) => g.qos)).to.deep.equal([1]);
      await member.publishAsync('netbox/netbox_dns/zone/updated', 'from-member', { qos: 1 });
      await waitFor(() => received.length === 1, { message: 'own publish delivered' });
      expect(received).to.deep.equal(['from-member']);
    });

    it('refuses anonymous clients and wrong credentials (bad user name or password), logging the address but no secret', async () => {
      const attempts: IClientOptions[] = [
        { clientId: 'anonymous' },
        { clientId: 'no-password', username: ACCOUNT.username },
        { clientId: 'wrong-password', username: ACCOUNT.username, password: 'not-the-password-77' },
        { clientId: 'wrong-user', username: 'someone', password: ACCOUNT.password },
        { clientId: 'longer', username: ACCOUNT.username, password: `${ACCOUNT.password}x` },
      ];
      for (const attempt of attempts) expect((await tryConnect(broker.url, attempt)).refused, String(attempt.clientId)).to.equal(4);
      const refusals = logs.filter((l) => /missing or wrong username\/password/.test(String(l.message)));
      expect(refusals.map((l) => l.client_id)).to.deep.equal(attempts.map((a) => a.clientId));
      expect(refusals.every((l) => l.level === 'warn' && l.client === '127.0.0.1')).to.equal(true);
      expect(JSON.stringify(logs)).to.not.include(ACCOUNT.password).and.not.include('not-the-password-77');
    });

    it('does not let the account use the daemon\'s client id either', async () => {
      expect((await tryConnect(broker.url, { clientId: DAEMON, ...ACCOUNT })).refused).to.equal(2);
      keep((await tryConnect(broker.url, { clientId: DAEMON, ...broker.daemonCredentials })).client);
    });
  });

  describe('listening beyond loopback', () => {
    async function startupWarnings(host: string, account?: typeof ACCOUNT): Promise<string[]> {
      const { logger, entries } = createMemoryLogger('debug');
      const broker = await startEmbeddedBroker({ host, port: 0, logger, daemonClientId: DAEMON, ...(account ? { account } : {}) });
      await broker.close();
      return entries.filter((e) => e.level === 'warn').map((e) => String(e.message));
    }

    it('warns at start without an account, and only then', async () => {
      const open = await startupWarnings('0.0.0.0');
      expect(open).to.have.length(1);
      expect(open[0]).to.match(/listens on 0\.0\.0\.0 without authentication.*mqtt_username and mqtt_password/);
      expect(await startupWarnings('0.0.0.0', ACCOUNT)).to.deep.equal([]);
      expect(await startupWarnings('127.0.0.1')).to.deep.equal([]);
    });
  });
});
