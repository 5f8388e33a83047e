/**
 * A complete reconcile environment for integration tests: a real PowerDNS (behind a fault proxy that
 * logs and can break requests), the fake NetBox, and the real config loader and core built from env.
 */
import { loadConfig, type Config } from '../../src/config/index.js';
import { buildCore, type Core } from '../../src/app/core.js';
import { createMemoryLogger } from '../../src/util/log.js';
import { systemClock, type Clock } from '../../src/util/clock.js';
import { startPdns, type PdnsServer } from './pdns-server.js';
import type { PdnsBackendKind } from './pdns-backend.js';
import { startFaultProxy, type FaultProxy } from './fault-proxy.js';
import { startFakeNetbox, FAKE_NETBOX_TOKEN, type FakeNetbox } from '../fakes/netbox/index.js';
import { makeClient, type TestClient } from './pdns-fixtures.js';

export const PDNS_KEY = 'pdns-secret-key-for-tests-41c7';

export interface SyncEnv {
  pdns: PdnsServer;
  proxy: FaultProxy;
  netbox: FakeNetbox;
  /** A direct PowerDNS client (not through the proxy) for arranging and asserting. */
  direct: TestClient;
  /** Our nameserver's NetBox id. */
  nsId: number;
  /** Another nameserver (zones on it are not ours). */
  otherNsId: number;
  env(overrides?: Record<string, string>): Record<string, string>;
  config(overrides?: Record<string, string>): Config;
  /** A fresh core (engine, clients) and the log entries it writes. */
  core(overrides?: Record<string, string>, clock?: Clock): { core: Core; logs: Array<Record<string, unknown>> };
  /** PATCH/POST/PUT/DELETE requests PowerDNS received through the proxy since the last reset. */
  writes(): Array<{ method: string; url: string }>;
  resetRequests(): void;
  stop(): Promise<void>;
}

/**
 * `backend`: PowerDNS's storage, sqlite3 by default; pgsql starts a private PostgreSQL, stopped with the env.
 * `pdns`: use this running PowerDNS (started with PDNS_KEY as its API key, e.g. the primary of a
 * replication pair) instead of starting one; it is left running on stop. `dnssec`: the backend's DNSSEC switch.
 */
export async function startSyncEnv(opts: { maxPageSize?: number; backend?: PdnsBackendKind; pdns?: PdnsServer; dnssec?: boolean } = {}): Promise<SyncEnv> {
  const pdns = opts.pdns ?? await startPdns({ apiKey: PDNS_KEY, backend: opts.backend ?? 'sqlite3', ...(opts.dnssec ? { dnssec: true } : {}) });
  const proxy = await startFaultProxy(pdns.apiUrl);
  const netbox = await startFakeNetbox({ ...(opts.maxPageSize ? { maxPageSize: opts.maxPageSize } : {}) });
  netbox.store.createNameserver({ name: 'ns1.example.net' });
  netbox.store.createNameserver({ name: 'ns9.elsewhere.net' });
  const nsId = netbox.store.nameserverId('ns1.example.net');
  const otherNsId = netbox.store.nameserverId('ns9.elsewhere.net');
  const direct = makeClient(pdns.apiUrl, { apiKey: PDNS_KEY });

  const env = (overrides: Record<string, string> = {}): Record<string, string> => ({
    NETBOX_PDNS_NB_URL: netbox.url,
    NETBOX_PDNS_NB_TOKEN: FAKE_NETBOX_TOKEN,
    NETBOX_PDNS_NB_NS_ID: String(nsId),
    NETBOX_PDNS_PDNS_URL: proxy.url,
    NETBOX_PDNS_PDNS_TOKEN: PDNS_KEY,
    NETBOX_PDNS_RETRY_BASE_DELAY: '0.02',
    NETBOX_PDNS_RETRY_MAX_DELAY: '0.1',
    NETBOX_PDNS_REQUEUE_BASE_DELAY: '0.05',
    NETBOX_PDNS_REQUEUE_MAX_DELAY: '0.2',
    NETBOX_PDNS_LOG_LEVEL: 'debug',
    NETBOX_PDNS_MQTT_ENABLED: 'false',
    ...overrides,
  });
  const config = (overrides: Record<string, string> = {}): Config => loadConfig({ env: env(overrides) });

  return {
    pdns, proxy, netbox, direct, nsId, otherNsId, env, config,
    core(overrides = {}, clock = systemClock) {
      const { logger, entries } = createMemoryLogger('debug');
      return { core: buildCore(config(overrides), { logger, clock }), logs: entries };
    },
    writes: () => proxy.requests.filter((r) => r.method !== 'GET').map((r) => ({ method: r.method, url: r.url })),
    resetRequests: () => proxy.requests.splice(0),
    async stop() {
      await netbox.close();
      await proxy.close();
      if (!opts.pdns) await pdns.stop();
    },
  };
}
