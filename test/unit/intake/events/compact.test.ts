import { expect } from 'chai';
import { createEventInterpreter, type ZoneKey } from '../../../../src/intake/events/index.js';
import { OTHER_NS, OUR_NS, summary } from './fixtures.js';

function compact(zone: string, event: string, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ zone, serial: 2026030601, event, timestamp: 1772809883.503, ...extra });
}

function zones(event: string, keys: ZoneKey[]): Record<string, unknown> {
  return { kind: 'zones', zones: keys, source: 'compact', model: 'zone', event };
}

const cases: Array<{ name: string; topic: string; payload: string; expected: Record<string, unknown> }> = [
  { name: 'create without trailing dot', topic: 'dns/zones/example.com/create', payload: compact('example.com', 'create'),
    expected: zones('create', [{ zone: 'example.com.' }]) },
  { name: 'create with trailing dot', topic: 'dns/zones/example.com./create', payload: compact('example.com.', 'create'),
    expected: zones('create', [{ zone: 'example.com.' }]) },
  { name: 'update, dot in the payload only', topic: 'dns/zones/example.com/update', payload: compact('example.com.', 'update'),
    expected: zones('update', [{ zone: 'example.com.' }]) },
  { name: 'update, dot in the topic only', topic: 'dns/zones/example.com./update', payload: compact('example.com', 'update'),
    expected: zones('update', [{ zone: 'example.com.' }]) },
  { name: 'delete marks the zone removed', topic: 'dns/zones/example.com/delete', payload: compact('example.com', 'delete'),
    expected: zones('delete', [{ zone: 'example.com.', removed: true }]) },
  { name: 'delete with trailing dot', topic: 'dns/zones/example.com./delete', payload: compact('example.com.', 'delete'),
    expected: zones('delete', [{ zone: 'example.com.', removed: true }]) },
  { name: 'zone compares case-insensitively and is lower-cased', topic: 'dns/zones/Example.COM/update',
    payload: compact('example.com', 'update'), expected: zones('update', [{ zone: 'example.com.' }]) },
  { name: 'reverse zone', topic: 'dns/zones/2.0.192.in-addr.arpa/update', payload: compact('2.0.192.in-addr.arpa', 'update'),
    expected: zones('update', [{ zone: '2.0.192.in-addr.arpa.' }]) },
  { name: 'RFC 2317 zone whose slash spans topic levels', topic: 'dns/zones/0/26.2.0.192.in-addr.arpa/update',
    payload: compact('0/26.2.0.192.in-addr.arpa', 'update'), expected: zones('update', [{ zone: '0/26.2.0.192.in-addr.arpa.' }]) },
  { name: 'nameserver_ids containing ours', topic: 'dns/zones/example.com/update',
    payload: compact('example.com', 'update', { nameserver_ids: [OTHER_NS, OUR_NS] }), expected: zones('update', [{ zone: 'example.com.' }]) },
  { name: 'nameserver_ids null means unknown', topic: 'dns/zones/example.com/update',
    payload: compact('example.com', 'update', { nameserver_ids: null }), expected: zones('update', [{ zone: 'example.com.' }]) },
  { name: 'nameserver_ids without ours is ignored', topic: 'dns/zones/example.com/update',
    payload: compact('example.com', 'update', { nameserver_ids: [OTHER_NS] }), expected: { kind: 'ignored', reason: 'other_nameserver' } },
  { name: 'empty nameserver_ids is ignored', topic: 'dns/zones/example.com/delete',
    payload: compact('example.com', 'delete', { nameserver_ids: [] }), expected: { kind: 'ignored', reason: 'other_nameserver' } },
  { name: 'unknown compact event is ignored', topic: 'dns/zones/example.com/rename', payload: compact('example.com', 'rename'),
    expected: { kind: 'ignored', reason: 'unsupported_event' } },
  { name: 'extra fields are tolerated', topic: 'dns/zones/example.com/update',
    payload: compact('example.com', 'update', { source: 'bridge', version: 2 }), expected: zones('update', [{ zone: 'example.com.' }]) },
  { name: 'payload zone differs from topic zone', topic: 'dns/zones/example.com/update', payload: compact('example.org', 'update'),
    expected: { kind: 'rejected', reason: 'topic_mismatch' } },
  { name: 'payload event differs from topic event', topic: 'dns/zones/example.com/update', payload: compact('example.com', 'delete'),
    expected: { kind: 'rejected', reason: 'topic_mismatch' } },
  { name: 'encoded slash in topic does not match the payload', topic: 'dns/zones/a%2Fb.example.com/update',
    payload: compact('a/b.example.com', 'update'), expected: { kind: 'rejected', reason: 'topic_mismatch' } },
  { name: 'serial as a string', topic: 'dns/zones/example.com/update',
    payload: JSON.stringify({ zone: 'example.com', serial: '1', event: 'update', timestamp: 1 }), expected: { kind: 'rejected', reason: 'invalid_shape' } },
  { name: 'negative serial', topic: 'dns/zones/example.com/update',
    payload: JSON.stringify({ zone: 'example.com', serial: -1, event: 'update', timestamp: 1 }), expected: { kind: 'rejected', reason: 'invalid_shape' } },
  { name: 'missing timestamp', topic: 'dns/zones/example.com/update',
    payload: JSON.stringify({ zone: 'example.com', serial: 1, event: 'update' }), expected: { kind: 'rejected', reason: 'invalid_shape' } },
  { name: 'zone as a number', topic: 'dns/zones/42/update',
    payload: JSON.stringify({ zone: 42, serial: 1, event: 'update', timestamp: 1 }), expected: { kind: 'rejected', reason: 'invalid_shape' } },
  { name: 'nameserver_ids of strings', topic: 'dns/zones/example.com/update',
    payload: compact('example.com', 'update', { nameserver_ids: ['2'] }), expected: { kind: 'rejected', reason: 'invalid_shape' } },
  { name: 'path traversal as a zone', topic: 'dns/zones/../etc/update', payload: compact('../etc', 'update'),
    expected: { kind: 'rejected', reason: 'invalid_zone_name' } },
  { name: 'percent-encoded zone', topic: 'dns/zones/a%2Fb/update', payload: compact('a%2Fb', 'update'),
    expected: { kind: 'rejected', reason: 'invalid_zone_name' } },
  { name: 'PowerDNS-encoded zone', topic: 'dns/zones/a=2Fb/update', payload: compact('a=2Fb', 'update'),
    expected: { kind: 'rejected', reason: 'invalid_zone_name' } },
  { name: 'zone with a space', topic: 'dns/zones/a b/update', payload: compact('a b', 'update'),
    expected: { kind: 'rejected', reason: 'invalid_zone_name' } },
  { name: 'non-ASCII zone', topic: 'dns/zones/bücher.de/update', payload: compact('bücher.de', 'update'),
    expected: { kind: 'rejected', reason: 'invalid_zone_name' } },
  { name: 'topic with no zone level', topic: 'dns/zones/update', payload: compact('example.com', 'update'),
    expected: { kind: 'rejected', reason: 'unknown_topic' } },
];

describe('events: compact zone messages', () => {
  const interpreter = createEventInterpreter({
    eventsPrefix: 'netbox', compactPrefix: 'dns/zones', nameserverId: OUR_NS, maxPayloadBytes: 64 * 1024,
  });
  for (const c of cases) {
    it(c.name, () => {
      expect(summary(interpreter.interpret(c.topic, Buffer.from(c.payload)))).to.deep.equal(c.expected);
    });
  }

  it('view filtering does not apply (compact messages carry no view)', () => {
    const withView = createEventInterpreter({
      eventsPrefix: 'netbox', compactPrefix: 'dns/zones', nameserverId: OUR_NS, viewId: 9, maxPayloadBytes: 4096,
    });
    expect(withView.interpret('dns/zones/example.com/update', compact('example.com', 'update'))).to.deep.equal(
      zones('update', [{ zone: 'example.com.' }]),
    );
  });

  it('routes by the longer prefix when one prefix contains the other', () => {
    const nested = createEventInterpreter({
      eventsPrefix: 'netbox', compactPrefix: 'netbox/zones', nameserverId: OUR_NS, maxPayloadBytes: 4096,
    });
    expect(nested.interpret('netbox/zones/example.com/update', compact('example.com', 'update'))).to.deep.equal(
      zones('update', [{ zone: 'example.com.' }]),
    );
  });
});
