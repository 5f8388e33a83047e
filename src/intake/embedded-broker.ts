/**
 * An in-process MQTT broker (aedes) for set-ups without one (MQTT_BROKER_URL=embedded) and for tests.
 * aedes' default in-memory persistence keeps the subscriptions and queued QoS 1 messages of
 * `clean: false` clients, so the intake's persistent-session logic works the same as against
 * Mosquitto, for as long as the process lives. POST /webhook publishes into it through `publish`.
 * Who may connect, publish and subscribe is decided in broker-auth.ts.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { Aedes } from 'aedes';
import type { Logger } from '../util/log.js';
import { errorMessage } from '../util/errors.js';
import { isLoopbackHost } from '../util/net.js';
import { createBrokerAuth, type BrokerAccount } from './broker-auth.js';

export interface EmbeddedBrokerOptions {
  host: string;
  /** 0 picks a free port (tests). */
  port: number;
  logger: Logger;
  /** Reserved for the daemon's own intake, which connects with `daemonCredentials`. */
  daemonClientId: string;
  /** The credentials every other client must present; without them anyone may publish, nobody else subscribe. */
  account?: BrokerAccount;
}

export interface EmbeddedBroker {
  /** `mqtt://host:port`, for the intake. */
  url: string;
  port: number;
  /** What the daemon's own client must connect with (its client id is refused to anyone else). */
  daemonCredentials: BrokerAccount;
  /** Publishes as the broker itself (no client connection); resolves once the broker has taken it. */
  publish(topic: string, payload: string | Buffer, qos?: 0 | 1): Promise<void>;
  /** Disconnects every client and stops listening. */
  close(): Promise<void>;
}

export async function startEmbeddedBroker(opts: EmbeddedBrokerOptions): Promise<EmbeddedBroker> {
  const { logger } = opts;
  const auth = createBrokerAuth({ daemonClientId: opts.daemonClientId, ...(opts.account ? { account: opts.account } : {}), logger });
  const broker = await Aedes.createBroker({ authenticate: auth.authenticate, authorizeSubscribe: auth.authorizeSubscribe, authorizePublish: auth.authorizePublish });
  broker.on('client', (c) => logger.debug('embedded broker: client connected', { client_id: c.id }));
  broker.on('clientDisconnect', (c) => logger.debug('embedded broker: client disconnected', { client_id: c.id }));
  broker.on('clientError', (c, err) => logger.debug(`embedded broker: client error: ${err.message}`, { client_id: c.id }));
  broker.on('connectionError', (_c, err) => logger.debug(`embedded broker: connection error: ${err.message}`));

  // Tracked so close() does not wait for idle keepalive connections to time out.
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    broker.handle(socket);
  });

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: opts.host, port: opts.port }, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    await new Promise<void>((resolve) => broker.close(() => resolve()));
    throw new Error(`embedded MQTT broker could not listen on ${opts.host}:${opts.port}: ${errorMessage(err)}`);
  }
  server.on('error', (err) => logger.error(`embedded broker: server error: ${err.message}`));

  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : opts.port;
  const urlHost = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  const url = `mqtt://${urlHost}:${port}`;
  logger.info(`embedded MQTT broker listening on ${url}`, { authentication: opts.account !== undefined });
  if (opts.account === undefined && !isLoopbackHost(opts.host)) {
    logger.warn(`embedded MQTT broker listens on ${opts.host} without authentication: anyone who can reach it can publish `
      + 'events (each costs a zone task or a full reconcile); set mqtt_username and mqtt_password, or listen on 127.0.0.1');
  }

  let closed = false;
  return {
    url,
    port,
    daemonCredentials: auth.daemonCredentials,
    publish(topic, payload, qos = 1) {
      if (closed) return Promise.reject(new Error('embedded MQTT broker is closed'));
      const packet = {
        cmd: 'publish' as const, topic, qos, dup: false, retain: false,
        payload: typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload,
      };
      return new Promise<void>((resolve, reject) => {
        broker.publish(packet, (err) => (err ? reject(err) : resolve()));
      });
    },
    async close() {
      if (closed) return;
      closed = true;
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await stopped;
      logger.info('embedded MQTT broker stopped');
    },
  };
}
