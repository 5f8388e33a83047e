import { expect } from 'chai';
import { createEventInterpreter, type ZoneKey } from '../../../../src/intake/events/index.js';
import {
  DEFAULT_VIEW,
  OTHER_NS,
  OTHER_VIEW,
  OUR_NS,
  REQUEST_ID,
  VERSIONS,
  envelope,
  nameserverBrief,
  summary,
  viewBrief,
  zoneData,
  zoneSnapshot,
  type NetboxVersion,
  type ZoneSpec,
} from './fixtures.js';

const ZONE = 'netbox_dns.zone';
const EX: ZoneSpec = { id: 7, name: 'example.com' };

function zones(event: string, keys: ZoneKey[]): Record<string, unknown> {
  return { kind: 'zones', zones: keys, source: 'netbox', model: ZONE, event, requestId: REQUEST_ID, username: 'admin' };
}

interface Case {
  name: string;
  event: string;
  body: Record<string, unknown>;
  expected: Record<string, unknown>;
  viewId?: number;
}

function cases(v: NetboxVersion): Case[] {
  const renamed: ZoneSpec = { ...EX, name: 'example.org' };
  const otherNs: ZoneSpec = { ...EX, nameservers: [OTHER_NS] };
  const bothNs: ZoneSpec = { ...EX, nameservers: [OTHER_NS, OUR_NS] };
  const otherView: ZoneSpec = { ...EX, view: OTHER_VIEW };
  return [
    {
      name: 'zone created names the zone',
      event: 'created',
      body: envelope(v, ZONE, 'created', zoneData(EX), null, zoneSnapshot(EX)),
      expected: zones('created', [{ zone: 'example.com.' }]),
    },
    {
      name: 'serial bump update with prechange null names the zone',
      event: 'updated',
      body: envelope(v, ZONE, 'updated', zoneData(EX), null, zoneSnapshot({ ...EX, serial: 1767607300 })),
      expected: zones('updated', [{ zone: 'example.com.' }]),
    },
    {
      name: 'a zone made inactive (status parked) is named as removed',
      event: 'updated',
      body: envelope(v, ZONE, 'updated', { ...zoneData(EX), status: 'parked', active: false }, zoneSnapshot(EX), zoneSnapshot(EX)),
      expected: zones('updated', [{ zone: 'example.com.', removed: true }]),
    },
    {
      name: 'zone rename names the new zone and the old one as removed',
      event: 'updated',
      body: envelope(v, ZONE, 'updated', zoneData(renamed), zoneSnapshot(EX), zoneSnapshot(renamed)),
      expected: zones('updated', [{ zone: 'example.org.' }, { zone: 'example.com.', removed: true }]),
    },
    {
      name: 'a case-only rename is not a rename',
      event: 'updated',
      body: envelope(v, ZONE, 'updated', zoneData(EX), zoneSnapshot({ ...EX, name: 'Example.COM' }), zoneSnapshot(EX)),
      expected: zones('updated', [{ zone: 'example.com.' }]),
    },
    {
      name: 'zone deleted names the zone as removed',
      event: 'deleted',
      body: envelope(v, ZONE, 'deleted', zoneData(EX), zoneSnapshot(EX), null),
      expected: zones('deleted', [{ zone: 'example.com.', removed: true }]),
    },
    {
      name: 'zone taken off our nameserver is removed',
      event: 'updated',
      body: envelope(v, ZONE, 'updated', zoneData(otherNs), zoneSnapshot(EX), zoneSnapshot(otherNs)),
      expected: zones('updated', [{ zone: 'example.com.', removed: true }]),
    },
    {
      name: 'zone put on our nameserver is named',
      event: 'updated',
      body: envelope(v, ZONE, 'updated', zoneData(bothNs), zoneSnapshot(otherNs), zoneSnapshot(bothNs)),
      expected: zones('updated', [{ zone: 'example.com.' }]),
    },
    {
      name: 'zone renamed and taken off our nameserver: both names removed',
      event: 'updated',
      body: envelope(v, ZONE, 'updated', zoneData({ ...renamed, nameservers: [OTHER_NS] }), zoneSnapshot(EX),
        zoneSnapshot({ ...renamed, nameservers: [OTHER_NS] })),
      expected: zones('updated', [{ zone: 'example.org.', removed: true }, { zone: 'example.com.', removed: true }]),
    },
    {
      name: 'zone renamed while put on our nameserver: the old name was never ours',
      event: 'updated',
      body: envelope(v, ZONE, 'updated', zoneData(renamed), zoneSnapshot(otherNs), zoneSnapshot(renamed)),
      expected: zones('updated', [{ zone: 'example.org.' }]),
    },
    {
      name: 'zone of another nameserver is ignored',
      event: 'updated',
      body: envelope(v, ZONE, 'updated', zoneData(otherNs), zoneSnapshot(otherNs), zoneSnapshot(otherNs)),
      expected: { kind: 'ignored', reason: 'other_nameserver' },
    },
    {
      name: 'serial bump of another nameserver’s zone is ignored',
      event: 'updated',
      body: envelope(v, ZONE, 'updated', zoneData(otherNs), null, zoneSnapshot(otherNs)),
      expected: { kind: 'ignored', reason: 'other_nameserver' },
    },
    {
      name: 'zone created without nameservers is ignored',
      event: 'created',
      body: envelope(v, ZONE, 'created', zoneData({ ...EX, nameservers: [] }), null, zoneSnapshot({ ...EX, nameservers: [] })),
      expected: { kind: 'ignored', reason: 'other_nameserver' },
    },
    {
      name: 'deletion of another nameserver’s zone is ignored',
      event: 'deleted',
      body: envelope(v, ZONE, 'deleted', zoneData(otherNs), zoneSnapshot(otherNs), null),
      expected: { kind: 'ignored', reason: 'other_nameserver' },
    },
    {
      name: 'zone in another view is ignored when a view is configured',
      event: 'updated',
      viewId: DEFAULT_VIEW,
      body: envelope(v, ZONE, 'updated', zoneData(otherView), zoneSnapshot(otherView), zoneSnapshot(otherView)),
      expected: { kind: 'ignored', reason: 'other_view' },
    },
    {
      name: 'zone moved out of our view is removed',
      event: 'updated',
      viewId: DEFAULT_VIEW,
      body: envelope(v, ZONE, 'updated', zoneData(otherView), zoneSnapshot(EX), zoneSnapshot(otherView)),
      expected: zones('updated', [{ zone: 'example.com.', removed: true }]),
    },
    {
      name: 'zone in another view is kept when no view is configured',
      event: 'updated',
      body: envelope(v, ZONE, 'updated', zoneData(otherView), zoneSnapshot(otherView), zoneSnapshot(otherView)),
      expected: zones('updated', [{ zone: 'example.com.' }]),
    },
  ];
}

function interpreter(viewId?: number) {
  return createEventInterpreter({
    eventsPrefix: 'netbox', compactPrefix: 'dns/zones', nameserverId: OUR_NS, maxPayloadBytes: 1 << 20,
    ...(viewId === undefined ? {} : { viewId }),
  });
}

describe('events: zone envelopes', () => {
  for (const version of VERSIONS) {
    describe(`NetBox ${version} bodies`, () => {
      for (const c of cases(version)) {
        it(c.name, () => {
          const result = interpreter(c.viewId).interpret(`netbox/netbox_dns/zone/${c.event}`, JSON.stringify(c.body));
          expect(summary(result)).to.deep.equal(c.expected);
        });
      }
    });
  }

  it('the reference §4.2 rename example (trimmed snapshots) names both zones', () => {
    const body = {
      event: 'updated', timestamp: '2026-01-05T10:00:01.000001+00:00', object_type: 'netbox_dns.zone',
      username: 'admin', request_id: REQUEST_ID,
      data: { id: 7, url: '/api/plugins/netbox-dns/zones/7/', name: 'example.org', status: 'active', active: true,
        view: viewBrief(), nameservers: [nameserverBrief(OUR_NS)], soa_serial: 1767607201 },
      snapshots: {
        prechange: { name: 'example.com', view: 1, nameservers: [2], status: 'active', soa_serial: 1767607100 },
        postchange: { name: 'example.org', view: 1, nameservers: [2], status: 'active', soa_serial: 1767607201 },
      },
    };
    expect(interpreter().interpret('netbox/netbox_dns/zone/updated', JSON.stringify(body))).to.deep.equal(
      zones('updated', [{ zone: 'example.org.' }, { zone: 'example.com.', removed: true }]),
    );
  });

  it('a zone body without any nameserver information is treated as ours', () => {
    const data = zoneData(EX);
    delete data['nameservers'];
    const body = envelope('4.5', ZONE, 'updated', data, null, null);
    expect(interpreter().interpret('netbox/netbox_dns/zone/updated', JSON.stringify(body))).to.deep.equal(
      zones('updated', [{ zone: 'example.com.' }]),
    );
  });

  it('an invalid previous name is rejected rather than silently dropped', () => {
    const body = envelope('4.5', ZONE, 'updated', zoneData(EX), zoneSnapshot({ ...EX, name: '../etc' }), zoneSnapshot(EX));
    expect(summary(interpreter().interpret('netbox/netbox_dns/zone/updated', JSON.stringify(body)))).to.deep.equal({
      kind: 'rejected', reason: 'invalid_zone_name',
    });
  });
});

describe('events: nameserver, view and DNSSEC policy envelopes', () => {
  const table: Array<{ model: string; event: string; data: Record<string, unknown> }> = [
    { model: 'netbox_dns.nameserver', event: 'created', data: nameserverBrief(4) },
    { model: 'netbox_dns.nameserver', event: 'updated', data: nameserverBrief(OUR_NS) },
    { model: 'netbox_dns.nameserver', event: 'deleted', data: nameserverBrief(OTHER_NS) },
    { model: 'netbox_dns.view', event: 'created', data: viewBrief(OTHER_VIEW) },
    { model: 'netbox_dns.view', event: 'updated', data: viewBrief() },
    { model: 'netbox_dns.view', event: 'deleted', data: viewBrief(OTHER_VIEW) },
    // A policy or key template change re-signs every zone that uses it.
    { model: 'netbox_dns.dnssecpolicy', event: 'updated', data: { id: 1, name: 'default', zones: [] } },
    { model: 'netbox_dns.dnsseckeytemplate', event: 'deleted', data: { id: 3, name: 'corp', type: 'KSK' } },
  ];
  for (const version of VERSIONS) {
    for (const { model, event, data } of table) {
      it(`${version} ${model} ${event} triggers a full reconcile`, () => {
        const body = envelope(version, model, event, data, event === 'created' ? null : { name: 'x' },
          event === 'deleted' ? null : { name: 'x' });
        const result = interpreter().interpret(`netbox/${model.replace('.', '/')}/${event}`, JSON.stringify(body));
        expect(result).to.deep.equal({
          kind: 'full', reason: `${model} ${event}`, source: 'netbox', model, event, requestId: REQUEST_ID, username: 'admin',
        });
      });
    }
  }
});

describe('events: unsupported models and events', () => {
  const unsupported = [
    'netbox_dns.registrar', 'netbox_dns.contact', 'netbox_dns.zonetemplate', 'netbox_dns.recordtemplate',
    'ipam.ipaddress', 'dcim.device', 'tenancy.contact',
  ];
  for (const model of unsupported) {
    it(`${model} is ignored as unsupported_model`, () => {
      const body = envelope('4.5', model, 'updated', { id: 1, name: 'x' }, { name: 'x' }, { name: 'x' });
      const result = interpreter().interpret(`netbox/${model.replace('.', '/')}/updated`, JSON.stringify(body));
      expect(summary(result)).to.deep.equal({ kind: 'ignored', reason: 'unsupported_model' });
    });
  }

  it('a ≤4.3 body for a model outside netbox_dns is unsupported_model', () => {
    const body = envelope('4.3', 'ipam.ipaddress', 'updated', { id: 1, address: '192.0.2.1/24' }, null, null);
    const result = interpreter().interpret('netbox/ipam/ipaddress/updated', JSON.stringify(body));
    expect(summary(result)).to.deep.equal({ kind: 'ignored', reason: 'unsupported_model' });
  });

  for (const event of ['job_started', 'job_completed', 'object_renamed']) {
    it(`event ${event} is ignored as unsupported_event`, () => {
      const body = envelope('4.5', ZONE, event, zoneData(EX), null, zoneSnapshot(EX));
      const result = interpreter().interpret(`netbox/netbox_dns/zone/${event}`, JSON.stringify(body));
      expect(summary(result)).to.deep.equal({ kind: 'ignored', reason: 'unsupported_event' });
    });
  }
});
