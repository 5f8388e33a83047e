import { expect } from 'chai';
import { actualFromPdns } from '../../../src/pdns/actual.js';
import type { PdnsZone } from '../../../src/pdns/types.js';
import { rr, soa } from '../core/fixtures.js';

const zone = (rrsets: PdnsZone['rrsets']): PdnsZone => ({
  id: 'example.com.', name: 'example.com.', kind: 'Native', serial: 5, account: 'netbox-pdns', rrsets,
});
const records = (...contents: string[]): Array<{ content: string; disabled: boolean }> => contents.map((content) => ({ content, disabled: false }));

describe('core/actualFromPdns', () => {
  it('keeps the zone metadata', () => {
    const actual = actualFromPdns({ ...zone([]), id: '0=2F26.2.0.192.in-addr.arpa.', name: '0/26.2.0.192.in-addr.arpa.', kind: 'Master', serial: 9 });
    expect(actual).to.deep.equal({ name: '0/26.2.0.192.in-addr.arpa.', id: '0=2F26.2.0.192.in-addr.arpa.', kind: 'Master', account: 'netbox-pdns', soaEditApi: '', serial: 9, rrsets: [] });
  });

  it('lower-cases names and types, sorts rrsets by name then type and records by content', () => {
    const actual = actualFromPdns(zone([
      { name: 'WWW.example.com.', type: 'a', ttl: 300, records: records('192.0.2.2', '192.0.2.1') },
      { name: 'example.com.', type: 'SOA', ttl: 3600, records: records(soa(5)) },
      { name: 'example.com.', type: 'NS', ttl: 3600, records: records('ns2.example.net.', 'ns1.example.net.') },
    ]));
    expect(actual.rrsets).to.deep.equal([
      rr('example.com.', 'NS', 3600, 'ns1.example.net.', 'ns2.example.net.'),
      rr('example.com.', 'SOA', 3600, soa(5)),
      rr('www.example.com.', 'A', 300, '192.0.2.1', '192.0.2.2'),
    ]);
  });

  it('drops rrsets without records (comments only)', () => {
    const actual = actualFromPdns(zone([{ name: 'c.example.com.', type: 'A', ttl: 300, records: [], comments: [{ content: 'x', account: 'someone' }] }]));
    expect(actual.rrsets).to.deep.equal([]);
  });

  it('de-duplicates records', () => {
    const actual = actualFromPdns(zone([{ name: 'a.example.com.', type: 'A', ttl: 300, records: records('192.0.2.1', '192.0.2.1') }]));
    expect(actual.rrsets).to.deep.equal([rr('a.example.com.', 'A', 300, '192.0.2.1')]);
  });

  it('marks an rrset holding a disabled record, keeping its content', () => {
    const actual = actualFromPdns(zone([
      { name: 'a.example.com.', type: 'A', ttl: 300, records: [{ content: '192.0.2.1', disabled: true }, { content: '192.0.2.2', disabled: false }] },
      { name: 'b.example.com.', type: 'A', ttl: 300, records: records('192.0.2.3') },
    ]));
    expect(actual.rrsets).to.deep.equal([
      { ...rr('a.example.com.', 'A', 300, '192.0.2.1', '192.0.2.2'), hasDisabled: true },
      rr('b.example.com.', 'A', 300, '192.0.2.3'),
    ]);
  });
});
