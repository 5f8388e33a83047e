import { expect } from 'chai';
import { createEventInterpreter, REJECT_REASONS, type RejectReason } from '../../../../src/intake/events/index.js';
import { OUR_NS, envelope, recordData, recordSnapshot, summary, zoneData, zoneSnapshot, type RecordSpec } from './fixtures.js';

const MAX = 16 * 1024;
const A: RecordSpec = { id: 101, zoneId: 7, zoneName: 'example.com', type: 'A', name: 'www', value: '192.0.2.1' };
const RECORD_TOPIC = 'netbox/netbox_dns/record/created';

function recordBody(mutate: (body: Record<string, unknown>) => void = () => undefined): string {
  const body = envelope('4.5', 'netbox_dns.record', 'created', recordData(A), null, recordSnapshot(A));
  mutate(body);
  return JSON.stringify(body);
}

function recordInZone(zoneName: string): string {
  return JSON.stringify(envelope('4.5', 'netbox_dns.record', 'created', recordData({ ...A, zoneName }), null,
    recordSnapshot({ ...A, zoneName })));
}

function nested(depth: number): string {
  return `{"event":"created","timestamp":"t","object_type":"netbox_dns.record","snapshots":{},"data":{"zone":{"id":1,"name":"example.com","x":${'['.repeat(depth)}${']'.repeat(depth)}}}}`;
}

const cases: Array<{ name: string; topic: string; payload: string | Buffer; reason: RejectReason }> = [
  // too_large
  { name: 'payload one byte over the limit', topic: RECORD_TOPIC, payload: 'x'.repeat(MAX + 1), reason: 'too_large' },
  { name: 'huge valid JSON buffer', topic: RECORD_TOPIC, payload: Buffer.from(recordBody((b) => { b['pad'] = 'p'.repeat(MAX); })), reason: 'too_large' },
  { name: 'multi-byte characters counted as bytes', topic: RECORD_TOPIC, payload: 'é'.repeat(MAX / 2 + 1), reason: 'too_large' },
  // invalid_json
  { name: 'plain text', topic: RECORD_TOPIC, payload: 'zone example.com changed', reason: 'invalid_json' },
  { name: 'empty payload', topic: RECORD_TOPIC, payload: '', reason: 'invalid_json' },
  { name: 'truncated JSON', topic: RECORD_TOPIC, payload: recordBody().slice(0, 80), reason: 'invalid_json' },
  { name: 'bytes that are not UTF-8', topic: RECORD_TOPIC, payload: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), reason: 'invalid_json' },
  // invalid_shape
  { name: 'JSON array', topic: RECORD_TOPIC, payload: '[1,2,3]', reason: 'invalid_shape' },
  { name: 'JSON null', topic: RECORD_TOPIC, payload: 'null', reason: 'invalid_shape' },
  { name: 'JSON string', topic: RECORD_TOPIC, payload: '"created"', reason: 'invalid_shape' },
  { name: 'missing event', topic: RECORD_TOPIC, payload: recordBody((b) => { delete b['event']; }), reason: 'invalid_shape' },
  { name: 'missing data', topic: RECORD_TOPIC, payload: recordBody((b) => { delete b['data']; }), reason: 'invalid_shape' },
  { name: 'missing snapshots', topic: RECORD_TOPIC, payload: recordBody((b) => { delete b['snapshots']; }), reason: 'invalid_shape' },
  { name: 'missing timestamp', topic: RECORD_TOPIC, payload: recordBody((b) => { delete b['timestamp']; }), reason: 'invalid_shape' },
  { name: 'neither object_type nor model', topic: RECORD_TOPIC, payload: recordBody((b) => { delete b['object_type']; }), reason: 'invalid_shape' },
  { name: 'event is a number', topic: RECORD_TOPIC, payload: recordBody((b) => { b['event'] = 1; }), reason: 'invalid_shape' },
  { name: 'data is a list', topic: RECORD_TOPIC, payload: recordBody((b) => { b['data'] = []; }), reason: 'invalid_shape' },
  { name: 'object_type without an app label', topic: RECORD_TOPIC, payload: recordBody((b) => { b['object_type'] = 'record'; }), reason: 'invalid_shape' },
  { name: 'object_type and model disagree (4.4)', topic: RECORD_TOPIC, payload: recordBody((b) => { b['model'] = 'zone'; }), reason: 'invalid_shape' },
  { name: 'record without a zone', topic: RECORD_TOPIC, payload: recordBody((b) => { (b['data'] as Record<string, unknown>)['zone'] = null; }), reason: 'invalid_shape' },
  { name: 'record zone id as a string', topic: RECORD_TOPIC,
    payload: recordBody((b) => { ((b['data'] as Record<string, unknown>)['zone'] as Record<string, unknown>)['id'] = '7'; }), reason: 'invalid_shape' },
  { name: 'record zone name as a number', topic: RECORD_TOPIC,
    payload: recordBody((b) => { ((b['data'] as Record<string, unknown>)['zone'] as Record<string, unknown>)['name'] = 7; }), reason: 'invalid_shape' },
  { name: 'snapshot zone as a string', topic: RECORD_TOPIC,
    payload: recordBody((b) => { b['snapshots'] = { prechange: { zone: 'example.com' }, postchange: null }; }), reason: 'invalid_shape' },
  { name: 'zone nameservers as names', topic: 'netbox/netbox_dns/zone/updated',
    payload: JSON.stringify(envelope('4.5', 'netbox_dns.zone', 'updated', { ...zoneData({ id: 7, name: 'example.com' }), nameservers: ['ns1'] }, null, null)),
    reason: 'invalid_shape' },
  { name: 'zone snapshot nameservers as objects', topic: 'netbox/netbox_dns/zone/updated',
    payload: JSON.stringify(envelope('4.5', 'netbox_dns.zone', 'updated', zoneData({ id: 7, name: 'example.com' }),
      { ...zoneSnapshot({ id: 7, name: 'example.com' }), nameservers: [{ id: 2 }] }, null)),
    reason: 'invalid_shape' },
  { name: 'JSON nested 40 levels deep', topic: RECORD_TOPIC, payload: nested(40), reason: 'invalid_shape' },
  { name: 'JSON nested 10000 levels deep', topic: RECORD_TOPIC, payload: '['.repeat(10_000), reason: 'invalid_shape' },
  // topic_mismatch
  { name: 'record body on a zone topic', topic: 'netbox/netbox_dns/zone/created', payload: recordBody(), reason: 'topic_mismatch' },
  { name: 'created body on an updated topic', topic: 'netbox/netbox_dns/record/updated', payload: recordBody(), reason: 'topic_mismatch' },
  { name: 'netbox_dns body on an ipam topic', topic: 'netbox/ipam/record/created', payload: recordBody(), reason: 'topic_mismatch' },
  { name: '4.3 body naming another model', topic: 'netbox/netbox_dns/zone/created',
    payload: recordBody((b) => { delete b['object_type']; b['model'] = 'record'; }), reason: 'topic_mismatch' },
  // invalid_zone_name
  { name: 'zone ../etc', topic: RECORD_TOPIC, payload: recordInZone('../etc'), reason: 'invalid_zone_name' },
  { name: 'zone with a space', topic: RECORD_TOPIC, payload: recordInZone('a b.example.com'), reason: 'invalid_zone_name' },
  { name: 'zone with %2F', topic: RECORD_TOPIC, payload: recordInZone('a%2Fb.example.com'), reason: 'invalid_zone_name' },
  { name: 'zone with =2F', topic: RECORD_TOPIC, payload: recordInZone('a=2Fb.example.com'), reason: 'invalid_zone_name' },
  { name: 'zone with a 300-character label', topic: RECORD_TOPIC, payload: recordInZone(`${'a'.repeat(300)}.com`), reason: 'invalid_zone_name' },
  { name: 'unicode zone', topic: RECORD_TOPIC, payload: recordInZone('exämple.com'), reason: 'invalid_zone_name' },
  { name: 'escaped unicode zone (Python json.dumps)', topic: RECORD_TOPIC, payload: recordInZone('ex\u00e4mple.com').replace('ä', '\\u00e4'), reason: 'invalid_zone_name' },
  { name: 'zone with a newline', topic: RECORD_TOPIC, payload: recordInZone('example.com\nINFO forged'), reason: 'invalid_zone_name' },
  { name: 'empty zone name', topic: RECORD_TOPIC, payload: recordInZone(''), reason: 'invalid_zone_name' },
  { name: 'zone with a backslash', topic: RECORD_TOPIC, payload: recordInZone('a\\.example.com'), reason: 'invalid_zone_name' },
  // unknown_topic
  { name: 'topic under neither prefix', topic: 'homeassistant/light/state', payload: recordBody(), reason: 'unknown_topic' },
  { name: 'prefix look-alike', topic: 'netboxes/netbox_dns/record/created', payload: recordBody(), reason: 'unknown_topic' },
  { name: 'too few levels', topic: 'netbox/netbox_dns/record', payload: recordBody(), reason: 'unknown_topic' },
  { name: 'too many levels', topic: 'netbox/netbox_dns/record/created/x', payload: recordBody(), reason: 'unknown_topic' },
  { name: 'empty level', topic: 'netbox/netbox_dns//created', payload: recordBody(), reason: 'unknown_topic' },
  { name: 'upper-case levels', topic: 'netbox/NetBox_DNS/Record/created', payload: recordBody(), reason: 'unknown_topic' },
  { name: 'bare prefix', topic: 'netbox', payload: recordBody(), reason: 'unknown_topic' },
];

describe('events: rejections', () => {
  const interpreter = createEventInterpreter({
    eventsPrefix: 'netbox', compactPrefix: 'dns/zones', nameserverId: OUR_NS, maxPayloadBytes: MAX,
  });

  for (const c of cases) {
    it(`${c.reason}: ${c.name}`, () => {
      const result = interpreter.interpret(c.topic, c.payload);
      expect(summary(result)).to.deep.equal({ kind: 'rejected', reason: c.reason });
      expect(result).to.have.property('detail').that.is.a('string').with.length.greaterThan(0);
    });
  }

  it('covers every reject reason', () => {
    const covered = new Set(cases.map((c) => c.reason));
    expect([...covered].sort()).to.deep.equal([...REJECT_REASONS].sort());
  });

  it('accepts a body nested exactly 32 levels deep', () => {
    // envelope(1) → data(2) → zone(3) → x: 29 arrays = 32 levels
    expect(interpreter.interpret(RECORD_TOPIC, nested(29)).kind).to.equal('zones');
    expect(summary(interpreter.interpret(RECORD_TOPIC, nested(30)))).to.deep.equal({ kind: 'rejected', reason: 'invalid_shape' });
  });

  it('does not count brackets inside strings as nesting', () => {
    const body = recordBody((b) => { b['username'] = '[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[{{{{{{{{{{\\"'; });
    expect(interpreter.interpret(RECORD_TOPIC, body).kind).to.equal('zones');
  });

  it('never echoes a hostile name raw into the detail', () => {
    const result = interpreter.interpret(RECORD_TOPIC, recordInZone('example.com\nERROR forged line'));
    expect(result.kind).to.equal('rejected');
    expect(result).to.have.property('detail').that.does.not.include('\n');
  });

  it('never throws, whatever it is given', () => {
    const weird: unknown[] = [null, undefined, 42, {}, [], Symbol('x')];
    for (const payload of weird) {
      for (const topic of [RECORD_TOPIC, 'dns/zones/example.com/update', '', null]) {
        const result = interpreter.interpret(topic as string, payload as string);
        expect(['rejected', 'ignored']).to.include(result.kind);
      }
    }
  });
});
