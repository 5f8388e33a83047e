/**
 * The MQTT intake against real brokers: the embedded aedes broker (which speaks only 3.1.1, so it
 * also exercises the v5 → 3.1.1 fallback) and Mosquitto 2.0 under v5 and v3.1.1. The interpreter is
 * the real one; `onMessage` records calls. No sleeps: every wait is a waitFor on an observable.
 */
import { expect } from 'chai';
import { connectAsync } from 'mqtt';
import { createServer, connect as netConnect, type Server, type Socket } from 'node:net';
import { createMqttIntake, type MqttIntake, type MqttIntakeOptions } from '../../src/intake/mqtt.js';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../src/intake/embedded-broker.js';
import { createEventInterpreter, type Interpretation } from '../../src/intake/events/index.js';
import { systemClock } from '../../src/util/clock.js';
import { createMemoryLogger } from '../../src/util/log.js';
import { ManualClock } from '../support/manual-clock.js';
import { startMosquitto, type Mosquitto } from '../support/mosquitto.js';
import { waitFor } from '../support/wait.js';

const interpreter = createEventInterpreter({ eventsPrefix: 'netbox', compactPrefix: 'dns/zones', nameserverId: 2, maxPayloadBytes: 65_536 });

function compact(zone: string, event = 'update'): { topic: string; payload: string } {
  return { topic: `dns/zones/${zone}/${event}`, payload: JSON.stringify({ zone, serial: 1, event, timestamp: 1_700_000_000 }) };
}

interface Harness {
  intake: MqttIntake;
  calls: Array<{ interpretation: Interpretation; topic: string }>;
  entries: Array<Record<string, unknown>>;
  events: string[];
  reconnectTimes: number[];
  logged(pattern: RegExp, level?: string): Array<Record<string, unknown>>;
}

const running: MqttIntake[] = [];

function makeIntake(brokerUrl: string, overrides: Partial<MqttIntakeOptions> = {}): Harness {
  const { logger, entries } = createMemoryLogger('debug');
  const calls: Harness['calls'] = [];
  const events: string[] = [];
  const reconnectTimes: number[] = [];
  const intake = createMqttIntake({
    brokerUrl, clientId: `intake-${Math.random().toString(36).slice(2, 10)}`, qos: 1, keepaliveSeconds: 30,
    reconnectDelayMs: 50, reconnectMaxDelayMs: 1_000, tlsVerify: true, protocolVersion: 5, sessionExpirySeconds: 600,
    interpreter, logger, clock: systemClock,
    onMessage: (interpretation, info) => { calls.push({ interpretation, topic: info.topic }); },
    observer: {
      connected: (up) => events.push(up ? 'up' : 'down'),
      reconnecting: () => { reconnectTimes.push(performance.now()); events.push('reconnecting'); },
      received: (source) => events.push(`received:${source}`),
      rejected: (reason) => events.push(`rejected:${reason}`),
      ignored: (reason) => events.push(`ignored:${reason}`),
    },
    ...overrides,
  });
  running.push(intake);
  const logged = (pattern: RegExp, level?: string): Array<Record<string, unknown>> =>
    entries.filter((e) => pattern.test(String(e['message'])) && (level === undefined || e['level'] === level));
  return { intake, calls, entries, events, reconnectTimes, logged };
}

async function startAndSubscribe(h: Harness): Promise<void> {
  h.intake.start();
  await waitFor(() => h.logged(/^MQTT subscribed/).length > 0, { message: 'intake subscribed' });
}

/** MQTT packet types (fixed-header high nibble) of every packet in a byte stream, as they pass. */
function packetTypes(onPacket: (type: number) => void): (chunk: Buffer) => void {
  let pending = Buffer.alloc(0);
  return (chunk) => {
    pending = Buffer.concat([pending, chunk]);
    for (;;) {
      let length = 0;
      let multiplier = 1;
      let pos = 1;
      for (; pos < pending.length && pos <= 4; pos += 1) {
        const byte = pending[pos] ?? 0;
        length += (byte & 0x7f) * multiplier;
        multiplier *= 128;
        if ((byte & 0x80) === 0) break;
      }
      if (pos >= pending.length || pending.length < pos + 1 + length) return;
      onPacket((pending[0] ?? 0) >> 4);
      pending = pending.subarray(pos + 1 + length);
    }
  };
}

/**
 * A TCP pass-through whose live connections a test can cut (to fake a crash mid-message), reporting
 * the type of every packet the client sends (to see when a PUBACK goes out on the wire).
 */
async function startTcpProxy(targetPort: number, onClientPacket: (type: number) => void = () => undefined):
  Promise<{ port: number; cut(): void; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((inbound) => {
    const outbound = netConnect(targetPort, '127.0.0.1');
    for (const s of [inbound, outbound]) {
      sockets.add(s);
      s.on('error', () => undefined);
      s.once('close', () => { sockets.delete(s); inbound.destroy(); outbound.destroy(); });
    }
    inbound.on('data', packetTypes(onClientPacket));
    inbound.pipe(outbound).pipe(inbound);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  const cut = (): void => { for (const s of sockets) s.destroy(); };
  return { port, cut, close: () => new Promise((resolve) => { cut(); server.close(() => resolve()); }) };
}

const PUBACK = 4;

afterEach(async () => {
  await Promise.all(running.splice(0).map((i) => i.stop()));
});

const ACCOUNT = { username: 'bob', password: 's3cret-pw' };

describe('MQTT intake against the embedded broker (aedes)', () => {
  let broker: EmbeddedBroker;
  before(async () => {
    // With an account configured, any client presenting it may subscribe (broker-auth.ts).
    broker = await startEmbeddedBroker({ host: '127.0.0.1', port: 0, logger: createMemoryLogger().logger, daemonClientId: 'daemon-not-used-here', account: ACCOUNT });
  });
  const onBroker = (url: string, overrides: Partial<MqttIntakeOptions> = {}): Harness => makeIntake(url, { ...ACCOUNT, ...overrides });
  after(async () => broker.close());

  it('falls back from MQTT 5 to 3.1.1, subscribes and hands each interpretation to onMessage', async () => {
    const h = onBroker(broker.url.replace('mqtt://', 'mqtt://bob:s3cret-pw@'), { username: 'bob', password: 's3cret-pw' });
    await startAndSubscribe(h);
    expect(h.logged(/refused MQTT 5.*falling back to MQTT 3\.1\.1/, 'warn'), 'fallback logged').to.have.length(1);

    const message = compact('example.com');
    await broker.publish(message.topic, message.payload, 1);
    await broker.publish('netbox/netbox_dns/nameserver/updated', '{}', 1);
    await waitFor(() => h.calls.length === 2, { message: 'two onMessage calls' });
    expect(h.calls[0]).to.deep.equal({
      topic: message.topic,
      interpretation: { kind: 'zones', zones: [{ zone: 'example.com.' }], source: 'compact', model: 'zone', event: 'update' },
    });
    expect(h.calls[1]?.interpretation.kind, 'an envelope that fails validation').to.equal('rejected');
    expect(h.events).to.include.members(['up', 'received:compact']);

    const status = h.intake.status();
    expect(status).to.include({ enabled: true, connected: true, qos: 1, protocol_version: 4, reconnects: 1 });
    expect(status.broker_url).to.equal(broker.url).and.not.match(/bob|s3cret/);
    expect(status.subscriptions).to.deep.equal(interpreter.subscriptions());
    expect(status.client_id).to.match(/^intake-/);
    expect(Date.parse(status.last_message_at ?? '')).to.be.closeTo(Date.now(), 10_000);
    expect(JSON.stringify(h.entries), 'password never logged').not.to.include('s3cret');
  });

  it('sends the PUBACK on the wire only after onMessage returned', async () => {
    const order: string[] = [];
    const proxy = await startTcpProxy(broker.port, (type) => { if (type === PUBACK) order.push('puback'); });
    try {
      const h = onBroker(`mqtt://127.0.0.1:${proxy.port}`, {
        protocolVersion: 4,
        onMessage: (_interpretation, info) => { order.push(`onMessage ${info.topic}`); },
      });
      await startAndSubscribe(h);
      for (const [i, zone] of ['one.example', 'two.example'].entries()) {
        await broker.publish(compact(zone).topic, compact(zone).payload, 1);
        await waitFor(() => order.filter((o) => o === 'puback').length === i + 1, { message: `PUBACK ${i + 1} on the wire` });
      }
      expect(order).to.deep.equal([
        'onMessage dns/zones/one.example/update', 'puback', 'onMessage dns/zones/two.example/update', 'puback',
      ]);
    } finally {
      await proxy.close();
    }
  });

  it('acks only after onMessage returned: a connection cut inside onMessage makes the broker redeliver', async () => {
    const proxy = await startTcpProxy(broker.port);
    try {
      let cutDone = false;
      const h = onBroker(`mqtt://127.0.0.1:${proxy.port}`, {
        protocolVersion: 4,
        onMessage: (interpretation, info) => {
          h.calls.push({ interpretation, topic: info.topic });
          // Like a crash before the zone key was queued: the PUBACK must never reach the broker.
          if (!cutDone) { cutDone = true; proxy.cut(); }
        },
      });
      await startAndSubscribe(h);
      const message = compact('redeliver.example');
      await broker.publish(message.topic, message.payload, 1);
      await waitFor(() => h.calls.length >= 2, { message: 'the unacked message delivered again after reconnecting' });
      expect(h.calls.map((c) => c.topic)).to.deep.equal([message.topic, message.topic]);
      expect(h.events.filter((e) => e === 'up'), 'reconnected once').to.have.length(2);
    } finally {
      await proxy.close();
    }
  });

  it('counts a flood of identical bad messages but warns once per reason and topic a minute', async () => {
    const clock = new ManualClock();
    const h = onBroker(broker.url, { protocolVersion: 4, clock });
    await startAndSubscribe(h);
    for (let i = 0; i < 100; i += 1) await broker.publish('dns/zones/example.com/update', 'not json', 1);
    await waitFor(() => h.calls.length === 100, { message: '100 messages handled' });
    expect(h.events.filter((e) => e === 'rejected:invalid_json')).to.have.length(100);
    expect(h.logged(/dropped \(invalid_json\)/, 'warn')).to.have.length(1);
    expect(h.logged(/dropped/, 'warn')[0]).to.include({ topic: 'dns/zones/example.com/update', reason: 'invalid_json' });

    clock.advance(61_000);
    await broker.publish('dns/zones/example.com/update', 'still not json', 1);
    await waitFor(() => h.calls.length === 101, { message: 'the 101st message' });
    const warnings = h.logged(/dropped \(invalid_json\)/, 'warn');
    expect(warnings).to.have.length(2);
    expect(warnings[1]).to.include({ suppressed_since_last_warning: 99 });
  });

  it('survives an exception in onMessage, acks it, and processes the next message', async () => {
    let first = true;
    const h = onBroker(broker.url, {
      protocolVersion: 4,
      onMessage: (interpretation, info) => {
        if (first) { first = false; throw new Error('queue exploded'); }
        h.calls.push({ interpretation, topic: info.topic });
      },
    });
    await startAndSubscribe(h);
    await broker.publish(compact('boom.example').topic, compact('boom.example').payload, 1);
    await broker.publish(compact('next.example').topic, compact('next.example').payload, 1);
    await waitFor(() => h.calls.length === 1, { message: 'the message after the failing one' });
    expect(h.calls[0]?.topic).to.equal('dns/zones/next.example/update');
    expect(h.events).to.include('rejected:internal');
    expect(h.logged(/dropped \(internal\): handler failed: queue exploded/, 'warn')).to.have.length(1);
    expect(h.intake.status().connected).to.equal(true);
    expect(h.events.filter((e) => e === 'down'), 'connection kept').to.have.length(0);
  });

  it('publishes on its own connection, and refuses to once stopped', async () => {
    const h = onBroker(broker.url, { protocolVersion: 4 });
    await startAndSubscribe(h);
    await h.intake.publish(compact('self.example').topic, compact('self.example').payload);
    await waitFor(() => h.calls.length === 1, { message: 'own publish received' });
    await h.intake.stop();
    expect(h.intake.status().connected).to.equal(false);
    let error: unknown;
    await h.intake.publish('dns/zones/x/update', '{}').catch((e: unknown) => { error = e; });
    expect(String(error)).to.match(/not connected/);
  });
});

for (const protocolVersion of [5, 4] as const) {
  describe(`MQTT intake against Mosquitto (MQTT ${protocolVersion === 5 ? '5' : '3.1.1'})`, function () {
    this.timeout(30_000);
    const brokers: Mosquitto[] = [];
    afterEach(async () => {
      await Promise.all(running.splice(0).map((i) => i.stop()));
      await Promise.all(brokers.splice(0).map((b) => b.stop()));
    });

    async function publishQos1(url: string, ...messages: Array<{ topic: string; payload: string }>): Promise<void> {
      const publisher = await connectAsync(url, { clientId: `publisher-${protocolVersion}`, reconnectPeriod: 0, protocolVersion });
      for (const m of messages) await publisher.publishAsync(m.topic, m.payload, { qos: 1 });
      await publisher.endAsync();
    }

    it('keeps events in the persistent session while the intake is stopped', async () => {
      const mosquitto = await startMosquitto();
      brokers.push(mosquitto);
      const clientId = `persistent-${protocolVersion}`;
      const first = makeIntake(mosquitto.url, { protocolVersion, clientId });
      await startAndSubscribe(first);
      await first.intake.stop();

      await publishQos1(mosquitto.url, compact('away-1.example'), compact('away-2.example', 'delete'));
      const second = makeIntake(mosquitto.url, { protocolVersion, clientId });
      second.intake.start();
      await waitFor(() => second.calls.length === 2, { message: 'events published while stopped' });
      expect(second.calls.map((c) => c.interpretation)).to.deep.include.members([
        { kind: 'zones', zones: [{ zone: 'away-1.example.' }], source: 'compact', model: 'zone', event: 'update' },
        { kind: 'zones', zones: [{ zone: 'away-2.example.', removed: true }], source: 'compact', model: 'zone', event: 'delete' },
      ]);
      expect(second.logged(/^MQTT connected/)[0]).to.include({ session_present: true, protocol_version: protocolVersion });
    });

    it('reconnects after a broker restart and receives what was published while it was away', async () => {
      const mosquitto = await startMosquitto({ persistence: true });
      brokers.push(mosquitto);
      // A first retry well after the broker is back, so the publish below lands while we are offline.
      const h = makeIntake(mosquitto.url, { protocolVersion, reconnectDelayMs: 1_500, reconnectMaxDelayMs: 3_000 });
      await startAndSubscribe(h);
      await mosquitto.restart();
      await waitFor(() => h.events.includes('down'), { message: 'disconnect noticed' });
      expect(h.intake.status().connected, 'still offline when publishing').to.equal(false);
      await publishQos1(mosquitto.url, compact('restart.example'));

      await waitFor(() => h.calls.length === 1, { message: 'event published during the outage' });
      expect(h.calls[0]?.topic).to.equal('dns/zones/restart.example/update');
      expect(h.events.filter((e) => e === 'up'), 'connected(true) again').to.have.length(2);
      expect(h.logged(/^MQTT connected/)[1]).to.include({ session_present: true });
      expect(h.logged(/^MQTT subscribed/), 'resumed session not re-subscribed').to.have.length(1);
      expect(h.intake.status().reconnects).to.be.greaterThan(0);
    });

    it('connects with good credentials and keeps retrying, with growing delays, with bad ones', async () => {
      const mosquitto = await startMosquitto({ username: 'netbox-pdns', password: 'right-horse' });
      brokers.push(mosquitto);
      const good = makeIntake(mosquitto.url, { protocolVersion, username: 'netbox-pdns', password: 'right-horse' });
      await startAndSubscribe(good);
      expect(good.intake.status().connected).to.equal(true);

      const bad = makeIntake(mosquitto.url, {
        protocolVersion, username: 'netbox-pdns', password: 'wrong-battery', reconnectDelayMs: 50, reconnectMaxDelayMs: 2_000,
      });
      bad.intake.start();
      await waitFor(() => bad.reconnectTimes.length >= 5, { message: 'five reconnect attempts' });
      const gaps = bad.reconnectTimes.slice(1).map((t, i) => t - (bad.reconnectTimes[i] ?? t));
      // Waits of 100, 200, 400, 800 ms (base 50 doubled per attempt) plus connect time.
      const shown = `gaps ${gaps.map(Math.round).join(', ')} ms`;
      for (let i = 1; i < gaps.length; i += 1) expect(gaps[i], `${shown}: gap ${i} grows`).to.be.greaterThan(gaps[i - 1] ?? 0);
      expect(gaps[0], `${shown}: starts near the base delay`).to.be.lessThan(500);
      expect(gaps[3], `${shown}: doubling, not linear`).to.be.greaterThan((gaps[0] ?? 0) * 3);
      const refusals = bad.logged(/refused the connection/, 'error');
      expect(refusals.length, 'each refusal logged at error').to.be.at.least(5);
      expect(String(refusals[0]?.['message'])).to.match(protocolVersion === 5 ? /code 135/ : /code 5/);
      expect(bad.events, 'never connected').not.to.include('up');
      expect(bad.intake.status()).to.include({ connected: false, protocol_version: protocolVersion });
      expect(JSON.stringify([...good.entries, ...bad.entries])).not.to.match(/right-horse|wrong-battery/);
    });
  });
}
