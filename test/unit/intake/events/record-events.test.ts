import { expect } from 'chai';
import { createEventInterpreter } from '../../../../src/intake/events/index.js';
import {
  OUR_NS,
  OTHER_VIEW,
  REQUEST_ID,
  VERSIONS,
  envelope,
  nestedZone,
  pythonJson,
  recordData,
  recordSnapshot,
  summary,
  type NetboxVersion,
  type RecordSpec,
} from './fixtures.js';

const A: RecordSpec = { id: 101, zoneId: 7, zoneName: 'example.com', type: 'A', name: 'www', value: '192.0.2.1' };
const PTR: RecordSpec = {
  id: 102, zoneId: 9, zoneName: '2.0.192.in-addr.arpa', type: 'PTR', name: '1', value: 'www.example.com.', managed: true,
};
const RFC2317_PTR: RecordSpec = {
  id: 103, zoneId: 12, zoneName: '0/26.2.0.192.in-addr.arpa', type: 'PTR', name: '5', value: 'mail.example.com.', managed: true,
};
const SOA: RecordSpec = {
  id: 104, zoneId: 7, zoneName: 'example.com', type: 'SOA', name: '@', managed: true,
  value: 'ns2.example.net. hostmaster.example.com. 1767607201 43200 7200 2419200 3600',
};
const MX: RecordSpec = { id: 105, zoneId: 7, zoneName: 'Example.COM', type: 'MX', name: '@', value: '10 mail' };

function topic(event: string): string {
  return `netbox/netbox_dns/record/${event}`;
}

function zones(event: string, names: string[]): Record<string, unknown> {
  return {
    kind: 'zones',
    zones: names.map((zone) => ({ zone })),
    source: 'netbox',
    model: 'netbox_dns.record',
    event,
    requestId: REQUEST_ID,
    username: 'admin',
  };
}

interface Case {
  name: string;
  event: string;
  body: Record<string, unknown>;
  expected: Record<string, unknown>;
  viewId?: number;
}

function cases(v: NetboxVersion): Case[] {
  const rec = 'netbox_dns.record';
  return [
    {
      name: 'A record created names its zone',
      event: 'created',
      body: envelope(v, rec, 'created', recordData(A), null, recordSnapshot(A)),
      expected: zones('created', ['example.com.']),
    },
    {
      name: 'A record updated names its zone',
      event: 'updated',
      body: envelope(v, rec, 'updated', recordData({ ...A, value: '192.0.2.2' }), recordSnapshot(A),
        recordSnapshot({ ...A, value: '192.0.2.2' })),
      expected: zones('updated', ['example.com.']),
    },
    {
      name: 'A record deleted names its zone, which is not removed',
      event: 'deleted',
      body: envelope(v, rec, 'deleted', recordData(A), recordSnapshot(A), null),
      expected: zones('deleted', ['example.com.']),
    },
    {
      name: 'PTR fan-out: the managed PTR event names the reverse zone',
      event: 'created',
      body: envelope(v, rec, 'created', recordData(PTR), null, recordSnapshot(PTR)),
      expected: zones('created', ['2.0.192.in-addr.arpa.']),
    },
    {
      name: 'PTR in an RFC 2317 zone keeps the slash',
      event: 'deleted',
      body: envelope(v, rec, 'deleted', recordData(RFC2317_PTR), recordSnapshot(RFC2317_PTR), null),
      expected: zones('deleted', ['0/26.2.0.192.in-addr.arpa.']),
    },
    {
      name: 'SOA record rewritten as a side effect (prechange null)',
      event: 'updated',
      body: envelope(v, rec, 'updated', recordData(SOA), null, recordSnapshot(SOA)),
      expected: zones('updated', ['example.com.']),
    },
    {
      name: 'zone names are lower-cased and made absolute',
      event: 'updated',
      body: envelope(v, rec, 'updated', recordData(MX), recordSnapshot(MX), recordSnapshot(MX)),
      expected: zones('updated', ['example.com.']),
    },
    {
      name: 'record moved between zones triggers a full reconcile',
      event: 'updated',
      body: envelope(v, rec, 'updated', recordData({ ...A, zoneId: 8, zoneName: 'example.org' }), recordSnapshot(A),
        recordSnapshot({ ...A, zoneId: 8 })),
      expected: {
        kind: 'full', reason: 'record moved between zones', source: 'netbox', model: rec, event: 'updated',
        requestId: REQUEST_ID, username: 'admin',
      },
    },
    {
      name: 'record in another view is ignored when a view is configured',
      event: 'created',
      viewId: 1,
      body: envelope(v, rec, 'created', recordData({ ...A, view: OTHER_VIEW }), null, recordSnapshot(A)),
      expected: { kind: 'ignored', reason: 'other_view' },
    },
    {
      name: 'record in our view passes the view filter',
      event: 'created',
      viewId: 1,
      body: envelope(v, rec, 'created', recordData(A), null, recordSnapshot(A)),
      expected: zones('created', ['example.com.']),
    },
    {
      name: 'record whose nested zone lacks a view is not ignored',
      event: 'created',
      viewId: 1,
      body: envelope(v, rec, 'created', recordData({ ...A, view: null }), null, recordSnapshot(A)),
      expected: zones('created', ['example.com.']),
    },
    {
      name: 'record in another view is kept when no view is configured',
      event: 'created',
      body: envelope(v, rec, 'created', recordData({ ...A, view: OTHER_VIEW }), null, recordSnapshot(A)),
      expected: zones('created', ['example.com.']),
    },
  ];
}

describe('events: record envelopes', () => {
  for (const version of VERSIONS) {
    describe(`NetBox ${version} bodies`, () => {
      for (const c of cases(version)) {
        it(c.name, () => {
          const interpreter = createEventInterpreter({
            eventsPrefix: 'netbox', compactPrefix: 'dns/zones', nameserverId: OUR_NS, maxPayloadBytes: 1 << 20,
            ...(c.viewId === undefined ? {} : { viewId: c.viewId }),
          });
          const fromString = interpreter.interpret(topic(c.event), JSON.stringify(c.body));
          const fromBuffer = interpreter.interpret(topic(c.event), Buffer.from(pythonJson(c.body)));
          expect(summary(fromString)).to.deep.equal(c.expected);
          expect(summary(fromBuffer)).to.deep.equal(c.expected);
        });
      }
    });
  }

  it('uses request.id when request_id is gone (NetBox 4.7 plan)', () => {
    const interpreter = createEventInterpreter({
      eventsPrefix: 'netbox', compactPrefix: 'dns/zones', nameserverId: OUR_NS, maxPayloadBytes: 1 << 20,
    });
    const body = envelope('4.6', 'netbox_dns.record', 'created', recordData(A), null, recordSnapshot(A));
    delete body['request_id'];
    delete body['username'];
    expect(interpreter.interpret(topic('created'), JSON.stringify(body))).to.deep.equal(zones('created', ['example.com.']));
  });

  it('omits requestId when the body has none', () => {
    const interpreter = createEventInterpreter({
      eventsPrefix: 'netbox', compactPrefix: 'dns/zones', nameserverId: OUR_NS, maxPayloadBytes: 1 << 20,
    });
    const body = envelope('4.5', 'netbox_dns.record', 'created', recordData(A), null, recordSnapshot(A));
    body['request_id'] = null;
    const result = interpreter.interpret(topic('created'), JSON.stringify(body));
    expect(result).to.deep.equal({
      kind: 'zones', zones: [{ zone: 'example.com.' }], source: 'netbox', model: 'netbox_dns.record', event: 'created', username: 'admin',
    });
  });

  it('accepts Event Rule style event names (object_updated) in body and topic', () => {
    const interpreter = createEventInterpreter({
      eventsPrefix: 'netbox', compactPrefix: 'dns/zones', nameserverId: OUR_NS, maxPayloadBytes: 1 << 20,
    });
    const body = envelope('4.5', 'netbox_dns.record', 'object_updated', recordData(A), recordSnapshot(A), recordSnapshot(A));
    const expected = { ...zones('updated', ['example.com.']) };
    expect(interpreter.interpret(topic('updated'), JSON.stringify(body))).to.deep.equal(expected);
    expect(interpreter.interpret(topic('object_updated'), JSON.stringify(body))).to.deep.equal(expected);
  });

  describe('zones the same NetBox request changed, named from the first event', () => {
    const interpreter = createEventInterpreter({
      eventsPrefix: 'netbox', compactPrefix: 'dns/zones', nameserverId: OUR_NS, viewId: 1, maxPayloadBytes: 1 << 20,
    });
    const brief = (r: RecordSpec, view?: number): Record<string, unknown> => ({ id: r.id, type: r.type, name: r.name, value: r.value, zone: nestedZone(r.zoneId, r.zoneName, view ?? 1) });

    it("an A record's event names its PTR's reverse zone too", () => {
      const data = { ...recordData(A), ptr_record: brief(PTR) };
      const body = envelope('4.5', 'netbox_dns.record', 'updated', data, recordSnapshot(A), recordSnapshot(A));
      expect(summary(interpreter.interpret(topic('updated'), JSON.stringify(body)))).to.deep.equal(
        zones('updated', ['example.com.', '2.0.192.in-addr.arpa.']));
    });

    it("a PTR's event names the zones of the address records it stands for, once each", () => {
      const other: RecordSpec = { ...A, id: 106, name: 'web', zoneName: 'example.org', zoneId: 8 };
      const data = { ...recordData(PTR), address_records: [brief(A), brief(other), brief({ ...A, id: 107, name: 'alias' })] };
      const body = envelope('4.5', 'netbox_dns.record', 'updated', data, recordSnapshot(PTR), recordSnapshot(PTR));
      expect(summary(interpreter.interpret(topic('updated'), JSON.stringify(body)))).to.deep.equal(
        zones('updated', ['2.0.192.in-addr.arpa.', 'example.com.', 'example.org.']));
    });

    it('leaves out related zones of another view and malformed hints, never rejecting the event for them', () => {
      const data = { ...recordData(PTR), address_records: [brief(A, OTHER_VIEW), { zone: { name: 42 } }, 'junk', { zone: { name: 'bad..name' } }] };
      const body = envelope('4.5', 'netbox_dns.record', 'updated', data, recordSnapshot(PTR), recordSnapshot(PTR));
      expect(summary(interpreter.interpret(topic('updated'), JSON.stringify(body)))).to.deep.equal(
        zones('updated', ['2.0.192.in-addr.arpa.']));
    });
  });
});
