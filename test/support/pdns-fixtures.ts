/**
 * Fixtures for the PowerDNS client integration tests: zone bodies, rrsets, and a client wired to a
 * memory logger and a recording observer, with a real retrier on short unjittered delays so the
 * retry log lines are predictable.
 */
import { expect } from 'chai';
import { createPdnsClient } from '../../src/pdns/client.js';
import type { PdnsApi, PdnsRRsetChange, PdnsZoneCreate } from '../../src/pdns/types.js';
import { UpstreamError } from '../../src/util/errors.js';
import { createMemoryLogger } from '../../src/util/log.js';
import type { UpstreamRequestInfo, UpstreamRetryInfo } from '../../src/upstream/observer.js';
import { createRetrier } from '../../src/upstream/retry.js';

export const API_KEY = 'it-secret-key-7f3a9c51';
export const ENDPOINTS = new Set(['server', 'config', 'zones', 'zone', 'zone_notify']);

/** A zone body with a real SOA (serial kept: soa_edit_api "") and one NS, plus `extra`. */
export function soaAndNs(zone: string, extra: PdnsRRsetChange[] = []): PdnsZoneCreate {
  return {
    name: zone, kind: 'Native', account: 'netbox-pdns', soa_edit_api: '', nameservers: [],
    rrsets: [
      rr(zone, 'SOA', 'ns1.example.net. hostmaster.example.net. 2024010101 10800 3600 604800 3600'),
      rr(zone, 'NS', 'ns1.example.net.'),
      ...extra,
    ],
  };
}

/** A REPLACE change with TTL 300. */
export function rr(name: string, type: string, ...contents: string[]): PdnsRRsetChange {
  return { name, type, changetype: 'REPLACE', ttl: 300, records: contents.map((content) => ({ content, disabled: false })) };
}

/** A client plus what it logged and reported. */
export interface TestClient {
  client: PdnsApi;
  lines: (level: string) => string[];
  requests: UpstreamRequestInfo[];
  retries: UpstreamRetryInfo[];
}

/** A client with a real retrier (short, unjittered delays so the log lines are predictable). */
export function makeClient(baseUrl: string, over: { apiKey?: string; timeoutMs?: number; maxBodyBytes?: number; attempts?: number; serverId?: string } = {}): TestClient {
  const { logger, entries } = createMemoryLogger();
  const requests: UpstreamRequestInfo[] = [];
  const retries: UpstreamRetryInfo[] = [];
  const observer = { request: (i: UpstreamRequestInfo) => requests.push(i), retry: (i: UpstreamRetryInfo) => retries.push(i) };
  const retrier = createRetrier({
    attempts: over.attempts ?? 3, baseDelayMs: 100, factor: 2, maxDelayMs: 1000, jitter: false, logger, observer, upstream: 'pdns',
  });
  const client = createPdnsClient({
    baseUrl, apiKey: over.apiKey ?? API_KEY, serverId: over.serverId ?? 'localhost', timeoutMs: over.timeoutMs ?? 10_000,
    maxBodyBytes: over.maxBodyBytes ?? 1_000_000, retrier, logger, observer,
  });
  return { client, requests, retries, lines: (level) => entries.filter((e) => e.level === level).map((e) => String(e.message)) };
}

/** Catches the rejection of `promise` (chai 5 has no rejectedWith without chai-as-promised). */
export async function rejection(promise: Promise<unknown>): Promise<UpstreamError> {
  try {
    await promise;
  } catch (err) {
    expect(err).to.be.instanceOf(UpstreamError);
    return err as UpstreamError;
  }
  throw new Error('expected the call to fail');
}
