import { expect } from 'chai';
import { buildDesiredZone } from '../../../src/core/desired.js';
import { compareRRsets } from '../../../src/core/rrset.js';
import { netboxRecord, netboxZone, rr, soa } from './fixtures.js';

describe('core/buildDesiredZone', () => {
  it('builds the apex SOA from the zone fields, in the form PowerDNS shows it', () => {
    const { desired, warnings, errors } = buildDesiredZone(netboxZone(), []);
    expect(desired.name).to.equal('example.com.');
    expect(desired.netboxId).to.equal(7);
    expect(desired.view).to.equal('_default_');
    expect(desired.rrsets).to.deep.equal([rr('example.com.', 'SOA', 3600, soa(1760000123))]);
    expect(desired.soa).to.deep.equal({
      mname: 'ns1.example.net.', rname: 'hostmaster.example.com.', serial: 1760000123,
      refresh: 43200, retry: 7200, expire: 2419200, minimum: 3600, ttl: 3600,
    });
    expect(warnings).to.deep.equal([]);
    expect(errors).to.deep.equal([]);
  });

  const soaCases: Array<[string, Parameters<typeof netboxZone>[0], string, number]> = [
    ['keeps an rname that already ends in a dot', { soa_rname: 'hostmaster.example.com.' }, soa(1760000123), 3600],
    ['uses serial 1 when NetBox has none', { soa_serial: null }, soa(1), 3600],
    ['falls back to default_ttl for the SOA TTL', { soa_ttl: null, default_ttl: 600 }, soa(1760000123), 600],
    ['uses the plugin defaults for missing timers', { soa_refresh: null, soa_retry: null, soa_expire: null, soa_minimum: null }, soa(1760000123), 3600],
    ['lower-cases the zone name but keeps the case of SOA names', { name: 'Example.COM', soa_rname: 'HostMaster.example.com' },
      'ns1.example.net. HostMaster.example.com. 1760000123 43200 7200 2419200 3600', 3600],
  ];
  for (const [title, zone, content, ttl] of soaCases) {
    it(title, () => {
      const { desired } = buildDesiredZone(netboxZone(zone), []);
      expect(desired.rrsets).to.deep.equal([rr('example.com.', 'SOA', ttl, content)]);
    });
  }

  it('ignores NetBox\'s own SOA record and inactive records', () => {
    const records = [
      netboxRecord('@', 'SOA', soa(5), { managed: true }),
      netboxRecord('www', 'A', '192.0.2.1', { active: false, status: 'inactive' }),
      netboxRecord('web', 'A', '192.0.2.2'),
    ];
    const { desired } = buildDesiredZone(netboxZone(), records);
    expect(desired.rrsets.map((r) => `${r.name} ${r.type}`)).to.deep.equal(['example.com. SOA', 'web.example.com. A']);
  });

  describe('TTLs', () => {
    const cases: Array<[string, Parameters<typeof netboxZone>[0], number | null, number, { defaultTtl?: number }?]> = [
      ['keeps an explicit record TTL', {}, 300, 300],
      ['uses the zone default_ttl for a null TTL', { default_ttl: 1800 }, null, 1800],
      ['falls back to soa_minimum when default_ttl is null', { default_ttl: null, soa_minimum: 900 }, null, 900],
      ['falls back to 3600 when the zone gives nothing', { default_ttl: null, soa_minimum: null }, null, 3600],
      ['falls back to opts.defaultTtl before 3600', { default_ttl: null, soa_minimum: null }, null, 120, { defaultTtl: 120 }],
    ];
    for (const [title, zone, ttl, expected, opts] of cases) {
      it(title, () => {
        const { desired } = buildDesiredZone(netboxZone(zone), [netboxRecord('www', 'A', '192.0.2.1', { ttl })], opts);
        expect(desired.rrsets.find((r) => r.type === 'A')?.ttl).to.equal(expected);
      });
    }

    it('uses the lowest TTL when the records of one rrset differ, with a warning', () => {
      const records = [
        netboxRecord('www', 'A', '192.0.2.1', { ttl: 600 }),
        netboxRecord('www', 'A', '192.0.2.2', { ttl: 300 }),
        netboxRecord('www', 'A', '192.0.2.3', { ttl: null }),
      ];
      const { desired, warnings } = buildDesiredZone(netboxZone(), records);
      expect(desired.rrsets.find((r) => r.type === 'A')).to.deep.equal(rr('www.example.com.', 'A', 300, '192.0.2.1', '192.0.2.2', '192.0.2.3'));
      expect(warnings).to.deep.equal(['www.example.com. A: records have different TTLs (300, 600, 3600); using the lowest, 300']);
    });
  });

  it('groups records into rrsets by lower-case name and type, sorted, duplicates collapsed', () => {
    const records = [
      netboxRecord('www', 'A', '192.0.2.2'),
      netboxRecord('WWW', 'A', '192.0.2.1', { fqdn: 'WWW.example.com.' }),
      netboxRecord('www', 'a', '192.0.2.1'),
      netboxRecord('www', 'AAAA', '2001:DB8::1'),
      netboxRecord('www', 'AAAA', '2001:db8::0001'),
      netboxRecord('@', 'MX', '10 mail'),
      netboxRecord('@', 'NS', 'ns1.example.net.', { managed: true }),
    ];
    const { desired, warnings } = buildDesiredZone(netboxZone(), records);
    expect(desired.rrsets).to.deep.equal([
      rr('example.com.', 'MX', 3600, '10 mail.example.com.'),
      rr('example.com.', 'NS', 3600, 'ns1.example.net.'),
      rr('example.com.', 'SOA', 3600, soa(1760000123)),
      rr('www.example.com.', 'A', 3600, '192.0.2.1', '192.0.2.2'),
      rr('www.example.com.', 'AAAA', 3600, '2001:db8::1'),
    ]);
    expect([...desired.rrsets].sort(compareRRsets)).to.deep.equal(desired.rrsets);
    expect(warnings).to.deep.equal([]);
  });

  it('prefers absolute_value over value', () => {
    const record = netboxRecord('@', 'MX', '10 mail', { absolute_value: '10 mail.example.com.' });
    const { desired } = buildDesiredZone(netboxZone(), [record]);
    expect(desired.rrsets[0]).to.deep.equal(rr('example.com.', 'MX', 3600, '10 mail.example.com.'));
  });

  it('includes managed PTR records like any other', () => {
    const zone = netboxZone({ name: '2.0.192.in-addr.arpa' });
    const ptr = netboxRecord('1', 'PTR', 'www.example.com.', { fqdn: '1.2.0.192.in-addr.arpa.', managed: true });
    const { desired } = buildDesiredZone(zone, [ptr]);
    expect(desired.rrsets[0]).to.deep.equal(rr('1.2.0.192.in-addr.arpa.', 'PTR', 3600, 'www.example.com.'));
  });

  it('works for an RFC 2317 zone whose name holds a slash', () => {
    const zone = netboxZone({ name: '0/26.2.0.192.in-addr.arpa' });
    const ptr = netboxRecord('5', 'PTR', 'host.example.com.', { fqdn: '5.0/26.2.0.192.in-addr.arpa.' });
    const { desired, errors, warnings } = buildDesiredZone(zone, [ptr]);
    expect(desired.name).to.equal('0/26.2.0.192.in-addr.arpa.');
    expect(desired.rrsets.map((r) => r.name)).to.deep.equal(['0/26.2.0.192.in-addr.arpa.', '5.0/26.2.0.192.in-addr.arpa.']);
    expect(errors).to.deep.equal([]);
    expect(warnings).to.deep.equal([]);
  });

  describe('skips bad records with a warning naming id, fqdn, type, value and reason', () => {
    const cases: Array<[string, ReturnType<typeof netboxRecord>, RegExp]> = [
      ['content that cannot be normalised', netboxRecord('bad', 'A', '999.1.1.1', { id: 41 }),
        /^record 41 \(bad\.example\.com\. A "999\.1\.1\.1"\) skipped: invalid A content "999\.1\.1\.1": .*not an IPv4 address/],
      ['an MX without preference', netboxRecord('@', 'MX', 'mail.example.com.', { id: 42 }), /^record 42 \(example\.com\. MX "mail\.example\.com\."\) skipped: invalid MX content/],
      ['an owner outside the zone', netboxRecord('x', 'A', '192.0.2.1', { id: 43, fqdn: 'x.example.net.' }), /^record 43 \(x\.example\.net\. A .*outside the zone example\.com\./],
      ['a UTF-8 owner name', netboxRecord('café', 'A', '192.0.2.1', { id: 44 }), /^record 44 .*punycode/],
      ['a type PowerDNS 4.7 does not know', netboxRecord('r', 'RT', '10 relay', { id: 45 }), /^record 45 .*does not support the RT type/],
      ['a DNSKEY below the apex', netboxRecord('sub', 'DNSKEY', '257 3 8 AwEAAagAIKlVZg==', { id: 46 }), /^record 46 .*DNSKEY only at the zone apex/],
      ['a DS at the apex', netboxRecord('@', 'DS', '12345 8 2 abcd', { id: 47 }), /^record 47 .*DS record cannot be at the zone apex/],
    ];
    for (const [title, record, message] of cases) {
      it(title, () => {
        const { desired, warnings, errors } = buildDesiredZone(netboxZone(), [record, netboxRecord('ok', 'A', '192.0.2.9')]);
        expect(warnings).to.have.length(1);
        expect(warnings[0]).to.match(message);
        expect(errors).to.deep.equal([]);
        expect(desired.rrsets.map((r) => r.name)).to.deep.equal(['example.com.', 'ok.example.com.']);
      });
    }

    it('accepts a punycode (IDN) owner name', () => {
      const { desired, warnings } = buildDesiredZone(netboxZone(), [netboxRecord('xn--caf-dma', 'A', '192.0.2.1')]);
      expect(warnings).to.deep.equal([]);
      expect(desired.rrsets.map((r) => r.name)).to.include('xn--caf-dma.example.com.');
    });
  });

  describe('leaves out CNAMEs PowerDNS would refuse (422) and reports them, keeping the rest of the zone', () => {
    const cases: Array<[string, ReturnType<typeof netboxRecord>[], string[]]> = [
      ['CNAME with another type at the same name', [netboxRecord('www', 'CNAME', 'web'), netboxRecord('www', 'A', '192.0.2.1'), netboxRecord('www', 'TXT', 'x')],
        ['www.example.com. CNAME: conflicts with A, TXT at the same name']],
      ['CNAME with more than one record', [netboxRecord('www', 'CNAME', 'web1'), netboxRecord('www', 'CNAME', 'web2')],
        ['www.example.com. CNAME: has 2 records, a CNAME may have only one']],
      ['CNAME at the apex', [netboxRecord('@', 'CNAME', 'other.example.net.')], ['example.com. CNAME: a CNAME is not allowed at the zone apex']],
    ];
    for (const [title, records, errors] of cases) {
      it(title, () => {
        const built = buildDesiredZone(netboxZone(), records);
        expect(built.invalid.map((i) => i.reason)).to.deep.equal(errors);
        expect(built.errors).to.deep.equal([]);
        expect(built.desired.rrsets.some((r) => r.type === 'CNAME')).to.equal(false);
        expect(built.desired.rrsets.length).to.equal(records.filter((r) => r.type !== 'CNAME').length > 0 ? 3 : 1);
      });
    }

    it('does not count duplicate CNAME values as two records', () => {
      const records = [netboxRecord('www', 'CNAME', 'web'), netboxRecord('www', 'CNAME', 'web.example.com.')];
      expect(buildDesiredZone(netboxZone(), records).invalid).to.deep.equal([]);
    });

    it('ignores an inactive record when looking for conflicts', () => {
      const records = [netboxRecord('www', 'CNAME', 'web'), netboxRecord('www', 'A', '192.0.2.1', { active: false })];
      expect(buildDesiredZone(netboxZone(), records).invalid).to.deep.equal([]);
    });
  });

  it('reports an invalid zone name as an error', () => {
    expect(buildDesiredZone(netboxZone({ name: 'bad zone.example' }), []).errors[0]).to.match(/^bad zone\.example\.: invalid zone name/);
  });
});
