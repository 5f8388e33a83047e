/**
 * NetBox's real fan-out: one A change arrives as six webhooks (the PTR, the reverse zone and its SOA,
 * the A, the zone and its SOA), all with the request's id. Each zone must be read and written once,
 * both zones' NetBox reads in one pair of requests, and an event of a later request must still run.
 */
import { expect } from 'chai';
import { createEventInterpreter } from '../../src/intake/events/index.js';
import { serializeWebhook, type WebhookEnvelope } from '../fakes/netbox/index.js';
import type { MemoryPdns } from '../fakes/pdns-memory.js';
import { waitFor } from '../support/wait.js';
import { harness, netboxZone, type Harness } from './harness.js';

const contentOf = (pdns: MemoryPdns | undefined, zone: string, name: string, type: string): string[] =>
  pdns?.rrset(zone, name, type)?.records.map((r) => r.content) ?? [];

const interpreter = createEventInterpreter({ eventsPrefix: 'netbox', compactPrefix: 'dns/zones', nameserverId: 1, maxPayloadBytes: 1 << 20 });

/** What the daemon does with each message (app/daemon.ts onInterpretation). */
function deliver(h: Harness, envelope: WebhookEnvelope): void {
  const topic = `netbox/${envelope.object_type.replace('.', '/')}/${envelope.event}`;
  const interpretation = interpreter.interpret(topic, serializeWebhook(envelope));
  if (interpretation.kind !== 'zones') throw new Error(`unexpected ${interpretation.kind}`);
  for (const key of interpretation.zones) h.engine.runner.enqueue(key.zone, 'event', performance.now(), key.removed === true, interpretation.requestId !== undefined ? { requestId: interpretation.requestId } : undefined);
}

describe('component: a NetBox change fanned out over several webhooks', () => {
  async function setUp(): Promise<{ h: Harness; recordId: number; change: (value: string) => WebhookEnvelope[] }> {
    const h = harness();
    netboxZone(h.store, '2.0.192.in-addr.arpa');
    netboxZone(h.store, 'fan.example');
    const record = h.store.createRecord({ zone: 'fan.example', name: 'www', type: 'A', value: '192.0.2.10' });
    await h.engine.fullReconcile('cron');
    h.results.length = 0;
    h.netbox.reads.length = 0;
    const change = (value: string): WebhookEnvelope[] => {
      const out: WebhookEnvelope[] = [];
      const stop = h.store.onEvent((e) => out.push(e));
      h.store.updateRecord(record.id, { value });
      stop();
      return out;
    };
    return { h, recordId: record.id, change };
  }

  it('reads NetBox once for both zones and runs each zone once, the later events answered by that read', async () => {
    const { h, change } = await setUp();
    const envelopes = change('192.0.2.11');
    expect(envelopes.map((e) => e.object_type)).to.have.length.greaterThanOrEqual(6);
    deliver(h, envelopes[0] as WebhookEnvelope); // the PTR's event names both zones
    await waitFor(() => h.netbox.reads.length >= 2, { message: 'the zone tasks to read NetBox' });
    for (const e of envelopes.slice(1)) deliver(h, e); // arrive while the tasks run
    await h.engine.runner.idle();
    const pdns = h.pdns[0];
    expect(contentOf(pdns, 'fan.example.', 'www.fan.example.', 'A')).to.deep.equal(['192.0.2.11']);
    expect(contentOf(pdns, '2.0.192.in-addr.arpa.', '11.2.0.192.in-addr.arpa.', 'PTR')).to.deep.equal(['www.fan.example.']);
    expect(contentOf(pdns, '2.0.192.in-addr.arpa.', '10.2.0.192.in-addr.arpa.', 'PTR')).to.deep.equal([]);
    expect(h.results.map((r) => [r.zone, r.outcome]).sort()).to.deep.equal([['2.0.192.in-addr.arpa.', 'changed'], ['fan.example.', 'changed']]);
    expect([...h.netbox.reads].sort()).to.deep.equal(['findZones', 'listRecordsByZoneName']);
  });

  it('still runs a zone for the events of a later NetBox request', async () => {
    const { h, change } = await setUp();
    for (const e of change('192.0.2.12')) deliver(h, e);
    await h.engine.runner.idle();
    const second = change('192.0.2.13');
    for (const e of second) deliver(h, e);
    await h.engine.runner.idle();
    expect(contentOf(h.pdns[0], 'fan.example.', 'www.fan.example.', 'A')).to.deep.equal(['192.0.2.13']);
    expect(contentOf(h.pdns[0], '2.0.192.in-addr.arpa.', '13.2.0.192.in-addr.arpa.', 'PTR')).to.deep.equal(['www.fan.example.']);
  });
});
