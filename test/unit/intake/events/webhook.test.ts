import { expect } from 'chai';
import {
  EVENT_SOURCES,
  IGNORE_REASONS,
  REJECT_REASONS,
  createEventInterpreter,
  validateWebhookEnvelope,
  webhookTopic,
} from '../../../../src/intake/events/index.js';
import {
  OUR_NS,
  VERSIONS,
  envelope,
  nameserverBrief,
  recordData,
  recordSnapshot,
  zoneData,
  zoneSnapshot,
  type RecordSpec,
} from './fixtures.js';

const A: RecordSpec = { id: 101, zoneId: 7, zoneName: 'example.com', type: 'A', name: 'www', value: '192.0.2.1' };

describe('events: HTTP webhook helpers', () => {
  describe('validateWebhookEnvelope', () => {
    for (const version of VERSIONS) {
      it(`accepts a NetBox ${version} record body`, () => {
        const body = envelope(version, 'netbox_dns.record', 'updated', recordData(A), recordSnapshot(A), recordSnapshot(A));
        const result = validateWebhookEnvelope(body);
        expect(result.ok).to.equal(true);
      });
    }

    it('accepts bodies of models we do not handle (interpretation happens after republishing)', () => {
      const body = envelope('4.5', 'dcim.device', 'created', { id: 1, name: 'sw1' }, null, { name: 'sw1' });
      expect(validateWebhookEnvelope(body).ok).to.equal(true);
    });

    const bad: Array<[string, unknown]> = [
      ['null', null],
      ['a string', 'created'],
      ['an array', []],
      ['an empty object', {}],
      ['no data', { event: 'created', timestamp: 't', object_type: 'netbox_dns.zone', snapshots: {} }],
      ['an event with a slash', { event: 'created/../x', timestamp: 't', object_type: 'netbox_dns.zone', data: {}, snapshots: {} }],
      ['an object_type with a slash', { event: 'created', timestamp: 't', object_type: 'netbox_dns.zone/x', data: {}, snapshots: {} }],
      ['an MQTT wildcard in model', { event: 'created', timestamp: 't', model: '#', data: {}, snapshots: {} }],
      ['object_type and model disagreeing', { event: 'created', timestamp: 't', object_type: 'netbox_dns.zone', model: 'record', data: {}, snapshots: {} }],
    ];
    for (const [why, body] of bad) {
      it(`refuses ${why} as invalid_shape`, () => {
        const result = validateWebhookEnvelope(body);
        expect(result.ok).to.equal(false);
        if (!result.ok) expect(result.reason).to.equal('invalid_shape');
      });
    }

    it('refuses an already-parsed body nested too deep', () => {
      let deep: unknown = {};
      for (let i = 0; i < 40; i++) deep = { x: deep };
      const body = envelope('4.5', 'netbox_dns.record', 'created', { ...recordData(A), custom_fields: deep }, null, null);
      const result = validateWebhookEnvelope(body);
      expect(result).to.deep.include({ ok: false, reason: 'invalid_shape' });
    });

    it('terminates on a cyclic value', () => {
      const data: Record<string, unknown> = recordData(A);
      data['self'] = data;
      const body = envelope('4.5', 'netbox_dns.record', 'created', data, null, null);
      expect(() => validateWebhookEnvelope(body)).not.to.throw();
    });
  });

  describe('webhookTopic', () => {
    const table: Array<[string, Record<string, unknown>, string]> = [
      ['4.5 record update', envelope('4.5', 'netbox_dns.record', 'updated', recordData(A), null, null), 'netbox/netbox_dns/record/updated'],
      ['4.4 zone delete', envelope('4.4', 'netbox_dns.zone', 'deleted', zoneData({ id: 7, name: 'example.com' }), null, null), 'netbox/netbox_dns/zone/deleted'],
      ['4.6 nameserver create', envelope('4.6', 'netbox_dns.nameserver', 'created', nameserverBrief(2), null, null), 'netbox/netbox_dns/nameserver/created'],
      ['4.3 record (model only)', envelope('4.3', 'netbox_dns.record', 'created', recordData(A), null, null), 'netbox/netbox_dns/record/created'],
      ['4.3 model of another app', envelope('4.3', 'ipam.ipaddress', 'updated', { id: 1 }, null, null), 'netbox/unknown/ipaddress/updated'],
      ['Event Rule style event', envelope('4.5', 'netbox_dns.record', 'object_deleted', recordData(A), null, null), 'netbox/netbox_dns/record/deleted'],
      ['other app', envelope('4.5', 'ipam.ipaddress', 'created', { id: 1 }, null, null), 'netbox/ipam/ipaddress/created'],
    ];
    for (const [why, body, topic] of table) {
      it(`${why} → ${topic}`, () => {
        const checked = validateWebhookEnvelope(body);
        if (!checked.ok) throw new Error(checked.detail);
        expect(webhookTopic('netbox', checked.envelope)).to.equal(topic);
      });
    }

    it('ignores slashes around the prefix', () => {
      const checked = validateWebhookEnvelope(envelope('4.5', 'netbox_dns.record', 'updated', recordData(A), null, null));
      if (!checked.ok) throw new Error(checked.detail);
      expect(webhookTopic('site/netbox/', checked.envelope)).to.equal('site/netbox/netbox_dns/record/updated');
    });

    for (const version of VERSIONS) {
      it(`round-trips a NetBox ${version} body: validate → topic → interpret`, () => {
        const interpreter = createEventInterpreter({
          eventsPrefix: 'netbox', compactPrefix: 'dns/zones', nameserverId: OUR_NS, maxPayloadBytes: 1 << 20,
        });
        const zone = { id: 7, name: 'example.com' };
        for (const body of [
          envelope(version, 'netbox_dns.record', 'created', recordData(A), null, recordSnapshot(A)),
          envelope(version, 'netbox_dns.zone', 'updated', zoneData(zone), zoneSnapshot(zone), zoneSnapshot(zone)),
        ]) {
          const checked = validateWebhookEnvelope(body);
          if (!checked.ok) throw new Error(checked.detail);
          const result = interpreter.interpret(webhookTopic('netbox', checked.envelope), Buffer.from(JSON.stringify(body)));
          expect(result).to.deep.include({ kind: 'zones', zones: [{ zone: 'example.com.' }] });
        }
      });
    }
  });

  describe('subscriptions and reason lists', () => {
    it('subscribes to both forms', () => {
      const interpreter = createEventInterpreter({
        eventsPrefix: 'netbox', compactPrefix: 'dns/zones', nameserverId: OUR_NS, maxPayloadBytes: 1024,
      });
      expect(interpreter.subscriptions()).to.deep.equal(['netbox/#', 'dns/zones/#']);
    });

    it('exports every reason for metric pre-initialisation', () => {
      expect(REJECT_REASONS).to.deep.equal([
        'too_large', 'invalid_json', 'invalid_shape', 'topic_mismatch', 'invalid_zone_name', 'unknown_topic',
      ]);
      expect(IGNORE_REASONS).to.deep.equal(['other_nameserver', 'other_view', 'unsupported_model', 'unsupported_event']);
      expect(EVENT_SOURCES).to.deep.equal(['netbox', 'compact']);
    });
  });
});
