/**
 * A running daemon in-process (createDaemon with the real config loader) on top of a sync
 * environment: real PowerDNS, fake NetBox, embedded broker (or a given one), HTTP on a free port.
 */
import mqtt from 'mqtt';
import type { MqttClient } from 'mqtt';
import { Registry } from 'prom-client';
import { createDaemon, type Daemon } from '../../src/app/daemon.js';
import { createMemoryLogger } from '../../src/util/log.js';
import { systemClock } from '../../src/util/clock.js';
import { freePort } from './ports.js';
import { sumMetric } from './metrics-text.js';
import type { SyncEnv } from './sync-env.js';
import { serializeWebhook, signWebhook, type WebhookEnvelope } from '../fakes/netbox/index.js';

export const WEBHOOK_SECRET = 'webhook-secret-for-tests-90ab';
export const API_KEY = 'api-key-for-tests-12cd';

export interface RunningDaemon {
  daemon: Daemon;
  logs: Array<Record<string, unknown>>;
  base: string;
  brokerUrl: string;
  /** GET, with the status token as Bearer when one is configured. */
  get(path: string): Promise<Response>;
  metric(name: string, labels?: Record<string, string>): Promise<number>;
  /** A plain MQTT publisher connected to the daemon's broker. */
  publisher(): Promise<MqttClient>;
  /** POSTs a NetBox webhook body to /webhook, signed unless `signature` is given. */
  webhook(envelope: WebhookEnvelope, signature?: string | null): Promise<Response>;
  stop(): Promise<void>;
}

export async function startDaemon(env: SyncEnv, overrides: Record<string, string> = {}): Promise<RunningDaemon> {
  const config = env.config({
    NETBOX_PDNS_HTTP_HOST: '127.0.0.1',
    NETBOX_PDNS_HTTP_PORT: String(await freePort()),
    NETBOX_PDNS_MQTT_ENABLED: 'true',
    NETBOX_PDNS_MQTT_BROKER_URL: 'embedded',
    NETBOX_PDNS_EMBEDDED_BROKER_PORT: String(await freePort()),
    NETBOX_PDNS_MQTT_RECONNECT_DELAY: '0.1',
    // A quick reconcile every minute would make counts depend on the wall clock; tests that want it set it.
    NETBOX_PDNS_QUICK_SYNC_CRONTAB: 'off',
    NETBOX_PDNS_MQTT_CLIENT_ID: `netbox-pdns-test-${process.pid}-${Math.random().toString(16).slice(2, 8)}`,
    NETBOX_PDNS_WEBHOOK_SECRET: WEBHOOK_SECRET,
    NETBOX_PDNS_API_KEY: API_KEY,
    ...overrides,
  });
  const { logger, entries } = createMemoryLogger('debug');
  const daemon = createDaemon(config, { logger, clock: systemClock, build: { version: 'test', revision: 'test' }, registry: new Registry() });
  const started = await daemon.start();
  const base = `http://127.0.0.1:${started.httpPort}`;
  const brokerUrl = started.brokerUrl ?? '';
  const clients: MqttClient[] = [];
  // With a status token configured the helpers read /status and /metrics the way Prometheus would.
  const token = overrides.NETBOX_PDNS_STATUS_TOKEN;
  const read: RequestInit = token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } };
  return {
    daemon, logs: entries, base, brokerUrl,
    get: (path) => fetch(`${base}${path}`, read),
    async metric(name, labels = {}) {
      return sumMetric(await (await fetch(`${base}/metrics`, read)).text(), name, labels);
    },
    async publisher() {
      const client = await mqtt.connectAsync(brokerUrl, { protocolVersion: 4, clientId: `pub-${Math.random().toString(16).slice(2)}` });
      clients.push(client);
      return client;
    },
    webhook(envelope, signature) {
      const body = serializeWebhook(envelope);
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      const sig = signature === undefined ? signWebhook(body, WEBHOOK_SECRET) : signature;
      if (sig !== null) headers['x-hook-signature'] = sig;
      return fetch(`${base}/webhook`, { method: 'POST', headers, body });
    },
    async stop() {
      for (const c of clients) await c.endAsync();
      await daemon.stop();
    },
  };
}
