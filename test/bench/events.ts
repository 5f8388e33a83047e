/**
 * Event sections: changes made in the fake NetBox, their webhook envelopes published on MQTT to the
 * daemon's embedded broker (as NetBox → webhook → broker would), and the time until PowerDNS serves
 * the change over DNS (UDP queries, so the whole path is measured, PowerDNS's answer included).
 * Every envelope the change produced is published (the record's and the zone's serial bump).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { MqttClient } from 'mqtt';
import { queryDns } from '../support/dns.js';
import { serializeWebhook, type FakeNetboxStore, type WebhookEnvelope } from '../fakes/netbox/index.js';
import { distribution, mapConcurrent, since, type Distribution } from './stats.js';

export interface ARecord {
  id: number;
  fqdn: string;
  zone: string;
}

/** The A records of a zone (the ones the bench changes). */
export function aRecords(store: FakeNetboxStore, zoneId: number): ARecord[] {
  return store.listRecords({ zone: zoneId, type: 'A', managed: false }).map((r) => ({ id: r.id, fqdn: r.fqdn ?? '', zone: r.zone?.name ?? '' }));
}

/** Captures the envelopes a store change emits (synchronously, at the end of its request). */
export function captureEvents(store: FakeNetboxStore): { take(): WebhookEnvelope[]; stop(): void } {
  let buffer: WebhookEnvelope[] = [];
  const stop = store.onEvent((e) => buffer.push(e));
  return {
    take() {
      const out = buffer;
      buffer = [];
      return out;
    },
    stop,
  };
}

function topic(e: WebhookEnvelope): string {
  return `netbox/${e.object_type.replace('.', '/')}/${e.event}`;
}

export function publish(client: MqttClient, envelopes: WebhookEnvelope[]): Promise<unknown> {
  return Promise.all(envelopes.map((e) => client.publishAsync(topic(e), serializeWebhook(e), { qos: 1 })));
}

/**
 * Polls DNS every millisecond until `fqdn` A answers exactly `ip`; ms since `from`, or null on timeout.
 * The polling itself loads PowerDNS (and the 2 cores), so the floor polls the same way.
 */
export async function served(dnsPort: number, fqdn: string, ip: string, from: number, timeoutMs: number): Promise<number | null> {
  for (;;) {
    const answer = await queryDns(dnsPort, fqdn, 'A', { timeoutMs: 1000 }).catch(() => null);
    if (answer && answer.answers.length === 1 && answer.answers[0] === ip) return since(from);
    if (performance.now() - from > timeoutMs) return null;
    await sleep(1);
  }
}

/**
 * A new address in the same /24 (hosts 201–250, above the synthetic data's), so the PTR moves within
 * its reverse zone: the record, its PTR, both zones and both SOAs change, as on a real renumbering.
 */
function nextAddress(current: string, i: number): string {
  return `${current.split('.').slice(0, 3).join('.')}.${201 + (i % 50)}`;
}

export interface LatencyResult extends Distribution {
  changes: number;
  timeouts: number;
  messages: number;
}

/** `n` sequential changes, one per zone (round robin): publish → served over DNS. */
export async function eventLatency(opts: {
  store: FakeNetboxStore; client: MqttClient; dnsPort: number; records: ARecord[]; n: number;
}): Promise<LatencyResult> {
  const capture = captureEvents(opts.store);
  const samples: number[] = [];
  let timeouts = 0;
  let messages = 0;
  for (let i = 0; i < opts.n; i++) {
    const record = opts.records[i % opts.records.length] as ARecord;
    const ip = nextAddress(opts.store.getRecord(record.id)?.value ?? '10.0.0.1', i);
    opts.store.updateRecord(record.id, { value: ip });
    const envelopes = capture.take();
    messages += envelopes.length;
    const started = performance.now();
    await publish(opts.client, envelopes);
    const ms = await served(opts.dnsPort, record.fqdn, ip, started, 10_000);
    if (ms === null) timeouts++;
    else samples.push(ms);
  }
  capture.stop();
  return { ...distribution(samples), changes: opts.n, timeouts, messages };
}

export interface BurstResult {
  zones: number;
  recordEvents: number;
  messages: number;
  /** From the first publish until the broker acknowledged the last one, ms. */
  publishMs: number;
  /** From the last acknowledged publish until every changed name answered its final value, ms (null: never). */
  convergedAfterLastMs: number | null;
  /** From the first publish until converged, ms. */
  totalMs: number | null;
}

/**
 * `perZone` changes in each of the zones of `byZone`, interleaved across zones, made in the fake
 * first (its own cost, about 0.2 ms a change, stays out of the window), then every envelope
 * published at once: the flood a NetBox sends after a bulk edit or when a broker releases a backlog.
 */
export async function burst(opts: {
  store: FakeNetboxStore; client: MqttClient; dnsPort: number; byZone: ARecord[][]; perZone: number; timeoutMs: number;
}): Promise<BurstResult> {
  const capture = captureEvents(opts.store);
  const finalIp = new Map<string, string>();
  const envelopes: WebhookEnvelope[] = [];
  let recordEvents = 0;
  for (let c = 0; c < opts.perZone; c++) {
    for (let z = 0; z < opts.byZone.length; z++) {
      const records = opts.byZone[z] as ARecord[];
      const record = records[c % records.length] as ARecord;
      const ip = `172.${20 + ((c >> 8) & 7)}.${z & 255}.${c & 255}`;
      opts.store.updateRecord(record.id, { value: ip });
      finalIp.set(record.fqdn, ip);
      const made = capture.take();
      envelopes.push(...made);
      // The change's own record event (the managed SOA record's and the zone's ride along).
      recordEvents += made.filter((e) => e.object_type === 'netbox_dns.record' && (e.data as { id?: number }).id === record.id).length;
    }
  }
  const messages = envelopes.length;
  const started = performance.now();
  const pendingPublishes = [publish(opts.client, envelopes)];
  capture.stop();
  await Promise.all(pendingPublishes);
  const publishMs = since(started);
  const lastAt = performance.now();
  const pending = new Map(finalIp);
  while (pending.size > 0 && performance.now() - lastAt < opts.timeoutMs) {
    await mapConcurrent([...pending], 8, async ([fqdn, ip]) => {
      const answer = await queryDns(opts.dnsPort, fqdn, 'A', { timeoutMs: 1000 }).catch(() => null);
      if (answer && answer.answers.length === 1 && answer.answers[0] === ip) pending.delete(fqdn);
    });
    if (pending.size > 0) await sleep(5);
  }
  const converged = pending.size === 0;
  return {
    zones: opts.byZone.length, recordEvents, messages, publishMs,
    convergedAfterLastMs: converged ? since(lastAt) : null,
    totalMs: converged ? since(started) : null,
  };
}
