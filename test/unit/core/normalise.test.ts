import { expect } from 'chai';
import { normaliseContent } from '../../../src/core/normalise.js';
import { ORIGIN as TABLE_ORIGIN, REFUSED, ROUND_TRIP, UNKNOWN_TO_PDNS } from '../../support/record-type-cases.js';

const ORIGIN = 'example.com.';

/**
 * [type, NetBox value, what PowerDNS 4.7.3 stores and returns]. Every expected form was checked by
 * PATCHing it into a real pdns 4.7.3 and reading it back byte-identical.
 */
const CASES: Array<[string, string, string]> = [
  // addresses
  ['A', '192.0.2.1', '192.0.2.1'],
  ['A', ' 192.0.2.1 ', '192.0.2.1'],
  ['AAAA', '2001:DB8::0001', '2001:db8::1'],
  ['AAAA', '2001:0db8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
  ['AAAA', '2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
  ['AAAA', '2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'],
  ['AAAA', 'FE80::1:0:0:0', 'fe80::1:0:0:0'],
  ['AAAA', '::1', '::1'],
  // name targets made absolute, case kept
  ['CNAME', 'www2', 'www2.example.com.'],
  ['CNAME', 'Host.Example.ORG.', 'Host.Example.ORG.'],
  ['CNAME', '@', 'example.com.'],
  ['NS', 'ns1', 'ns1.example.com.'],
  ['NS', 'ns1.example.net.', 'ns1.example.net.'],
  ['PTR', 'host.example.org.', 'host.example.org.'],
  ['DNAME', 'other.example.', 'other.example.'],
  ['ALIAS', 'target', 'target.example.com.'],
  ['MX', '10 mail', '10 mail.example.com.'],
  ['MX', '010 mx1.example.net.', '10 mx1.example.net.'],
  ['MX', '10 @', '10 example.com.'],
  ['MX', '0 .', '0 .'],
  ['MX', '10   Mail.Example.NET.', '10 Mail.Example.NET.'],
  ['KX', '010 kx', '10 kx.example.com.'],
  ['AFSDB', '1 afs', '1 afs.example.com.'],
  ['SRV', '10 60 636 ldap', '10 60 636 ldap.example.com.'],
  ['SRV', '010 05 5060 sip.example.net.', '10 5 5060 sip.example.net.'],
  ['SRV', '0 0 0 .', '0 0 0 .'],
  ['RP', 'mbox txt', 'mbox.example.com. txt.example.com.'],
  ['RP', 'mbox.example.com. .', 'mbox.example.com. .'],
  ['NAPTR', '100 10 S SIP+D2U "" _sip._udp', '100 10 "S" "SIP+D2U" "" _sip._udp.example.com.'],
  ['NAPTR', '100 10 "s" "SIP+D2U" "!^.*$!sip:a@b!" .', '100 10 "s" "SIP+D2U" "!^.*$!sip:a@b!" .'],
  // TXT / SPF
  ['TXT', 'TXT Record', '"TXT Record"'],
  ['TXT', 'v=spf1 include:_spf.example.com -all', '"v=spf1 include:_spf.example.com -all"'],
  ['TXT', '"v=spf1 -all"', '"v=spf1 -all"'],
  ['TXT', '"a""b"', '"a" "b"'],
  ['TXT', '"a" "b" ', '"a" "b"'],
  ['TXT', '"a"\t "b"', '"a" "b"'],
  ['TXT', 'say "hi" \\ back', '"say \\"hi\\" \\\\ back"'],
  ['TXT', '"say \\"hi\\" \\\\ back"', '"say \\"hi\\" \\\\ back"'],
  ['TXT', '"semi;colon" "tab\there"', '"semi;colon" "tab\there"'],
  ['TXT', '"a\\;b"', '"a\\;b"'],
  ['TXT', '"\\065bc"', '"\\065bc"'],
  ['TXT', '"café ünïcode"', '"café ünïcode"'],
  ['TXT', '', '""'],
  ['TXT', '""', '""'],
  ['TXT', '"unterminated', '"\\"unterminated"'],
  ['TXT', '"a" b', '"\\"a\\" b"'],
  ['SPF', 'v=spf1 -all', '"v=spf1 -all"'],
  // CAA, HINFO, URI: character-strings quoted
  ['CAA', '0 issue letsencrypt.org', '0 issue "letsencrypt.org"'],
  ['CAA', '0 issue "letsencrypt.org"', '0 issue "letsencrypt.org"'],
  ['CAA', '128 iodef mailto:security@example.com', '128 iodef "mailto:security@example.com"'],
  ['CAA', '00 issuewild ";"', '0 issuewild ";"'],
  ['CAA', '0 ISSUE "letsencrypt.org"', '0 ISSUE "letsencrypt.org"'],
  ['HINFO', 'PC Linux', '"PC" "Linux"'],
  ['HINFO', '"P C" "L"', '"P C" "L"'],
  ['URI', '10 1 http://x/', '10 1 "http://x/"'],
  // hex lower-cased and joined, base64 joined and canonical
  ['SSHFP', '1 1 ABCDEF0123', '1 1 abcdef0123'],
  ['SSHFP', '1 2 ABCD EF01', '1 2 abcdef01'],
  ['TLSA', '3 1 1 ABCDEF', '3 1 1 abcdef'],
  ['SMIMEA', '3 1 1 AB CD', '3 1 1 abcd'],
  ['DS', '12345 8 2 ABCDEF0123', '12345 8 2 abcdef0123'],
  ['CDS', '12345 8 2 ABCD EF01', '12345 8 2 abcdef01'],
  ['ZONEMD', '1 1 1 ABCD', '1 1 1 abcd'],
  ['NSEC3PARAM', '1 0 0 -', '1 0 0 -'],
  ['EUI48', '00-00-5E-00-53-2A', '00-00-5e-00-53-2a'],
  ['EUI64', '00-00-5E-EF-10-00-00-2A', '00-00-5e-ef-10-00-00-2a'],
  ['DNSKEY', '257 3 8 AwEAAag AIKlVZr==', '257 3 8 AwEAAagAIKlVZg=='],
  ['CDNSKEY', '257 3 8 AwEAAagAIKlVZg==', '257 3 8 AwEAAagAIKlVZg=='],
  ['OPENPGPKEY', 'mG8EXtVI sRMF', 'mG8EXtVIsRMF'],
  ['DHCID', 'AAIBY2/AuCccgoJb saxcQc9TUapptP69lOjxfNuVAA2kjEA=', 'AAIBY2/AuCccgoJbsaxcQc9TUapptP69lOjxfNuVAA2kjEA='],
  ['CERT', '1 0 0 AA AA', '1 0 0 AAAA'],
  ['IPSECKEY', '10 1 2 192.0.2.38 AQNRU3mG7TVT O2BkR47u', '10 1 2 192.0.2.38 AQNRU3mG7TVTO2BkR47u'],
  ['IPSECKEY', '10 2 2 2001:DB8::1 AQNRU3mG', '10 2 2 2001:db8::1 AQNRU3mG'],
  ['IPSECKEY', '10 3 2 gw AQNRU3mG', '10 3 2 gw.example.com. AQNRU3mG'],
  // LOC: every field, truncated, precisions as digit × 10^n
  ['LOC', '51 30 12.748 N 0 7 39.611 W 0.00m 1.00m 10000.00m 10.00m', '51 30 12.748 N 0 7 39.611 W 0.00m 1.00m 10000.00m 10.00m'],
  ['LOC', '51 30 12.7485 N 0 7 39.611 W 10.555m 15m 25m 0.5m', '51 30 12.748 N 0 7 39.611 W 10.55m 10.00m 20.00m 0.50m'],
  ['LOC', '51 N 0 W 0', '51 0 0.000 N 0 0 0.000 W 0.00m 1.00m 10000.00m 10.00m'],
  ['LOC', '51 30 12 n 0 7 39 w -0.004m', '51 30 12.000 N 0 7 39.000 W 0.00m 1.00m 10000.00m 10.00m'],
  ['LOC', '1 2 3 S 4 5 6 E -10.5m 1.99m 20 0.01', '1 2 3.000 S 4 5 6.000 E -10.50m 1.00m 20.00m 0.01m'],
  // SVCB / HTTPS: dnspython's quoted lists unquoted, keys sorted, target absolute
  ['HTTPS', '1 resolver alpn="dot"', '1 resolver.example.com. alpn=dot'],
  ['HTTPS', '1 . port=443 alpn=h2', '1 . alpn=h2 port=443'],
  ['HTTPS', '1 . no-default-alpn alpn="h2,h3"', '1 . alpn=h2,h3 no-default-alpn'],
  ['HTTPS', '1 . mandatory="port,alpn" alpn="h2" port="443"', '1 . mandatory=alpn,port alpn=h2 port=443'],
  ['HTTPS', '1 . ipv6hint="2001:DB8::1,2001:db8::0002" ipv4hint="192.0.2.1"', '1 . ipv4hint=192.0.2.1 ipv6hint=2001:db8::1,2001:db8::2'],
  ['HTTPS', '1 . ech="AEn+DQBF"', '1 . ech="AEn+DQBF"'],
  ['HTTPS', '1 . key65000=abc', '1 . key65000="abc"'],
  ['HTTPS', '1 . dohpath="/q{?dns}"', '1 . key7="/q{?dns}"'],
  ['HTTPS', '01 svc.example. ALPN=h2', '1 svc.example. alpn=h2'],
  ['SVCB', '0 svc', '0 svc.example.com.'],
  // others: tokens joined with one space, quoted strings untouched
  ['LUA', 'a "return \'1.2.3.4\'"', 'A "return \'1.2.3.4\'"'],
  ['L32', '10  10.1.2.0', '10 10.1.2.0'],
  ['APL', '1:192.0.2.0/24', '1:192.0.2.0/24'],
  ['CSYNC', '66 3 A NS AAAA', '66 3 A NS AAAA'],
  ['X-CUSTOM', '  some   "quoted  text"  here ', 'some "quoted  text" here'],
  ['a', '192.0.2.1', '192.0.2.1'],
];

const FAILURES: Array<[string, string, RegExp]> = [
  ['A', '999.1.1.1', /not an IPv4 address/],
  ['A', '192.0.2.01', /not an IPv4 address/],
  ['A', '2001:db8::1', /not an IPv4 address/],
  ['AAAA', '192.0.2.1', /not an IPv6 address/],
  ['AAAA', 'fe80::1%eth0', /not an IPv6 address/],
  ['AAAA', '::ffff:192.0.2.1', /IPv4-mapped.*cannot round-trip/],
  ['AAAA', '::ffff:c000:201', /IPv4-mapped/],
  ['AAAA', '::1:2', /IPv4-compatible/],
  ['MX', 'mx1.example.net.', /expected 2 fields/],
  ['MX', 'ten mx1.example.net.', /"ten" is not a number/],
  ['MX', '10 mx1 extra', /expected 2 fields/],
  ['SRV', '10 5 sip.example.net.', /expected 4 fields/],
  ['CNAME', '', /expected 1 fields/],
  ['SSHFP', '1 1 XYZ', /not hexadecimal/],
  ['DNSKEY', '257 3 8 not*base64', /not base64/],
  ['CAA', '0 issue "a" "b"', /one quoted value/],
  ['LOC', 'somewhere', /degrees/],
  ['LOC', '51 30 12 N 0 7 39 W 9x3m', /bad distance/],
  ['LOC', '51 30 12 N 0 7 39 W 1e20m', /out of range/],
  // not reachable from NetBox (dnspython refuses them too), refused all the same
  ['TLSA', '3 1 1', /expected 4 fields/],
  ['SSHFP', '1 1 ', /expected 3 fields/],
  ['DNSKEY', '257 3 8 ', /expected 4 fields/],
  ['OPENPGPKEY', '', /expected 1 fields/],
  ['SIG', 'A 8 2 3600 20300101000000 20000101000000 2143 foo.example. AAAA', /generic form/],
  ['A6', '0 2001:db8::1', /generic form/],
  ['A6', '\\# 2 00', /length says 2 bytes, the data has 1/],
  ['MB', '\\# 2 0161', /too short/],
  ['MB', '\\# 3 00 0000', /bytes left over/],
  ['RRSIG', 'A 8 2 3600 203001010000 20000101000000 2143 foo. AAAA', /neither YYYYMMDDHHMMSS nor epoch/],
  ['RRSIG', 'A 8 2 1y 20300101000000 20000101000000 2143 foo. AAAA', /BIND duration/],
  ['NSEC', 'a.example. BOGUS', /unknown record type "BOGUS"/],
  ['NSEC3', '1 1 12 aabb 2vptu5timamqttgl4luu9kg21e0aor3z', /base32hex/],
  ['NSEC3PARAM', '1 0 12 abc', /salt/],
  ['APL', '3:abcd/8', /family 3/],
  ['APL', '1:192.0.2.0/33', /too long/],
  ['IPSECKEY', '10 4 2 . AQNR', /gateway type 4/],
  ['IPSECKEY', '10 0 2 gw AQNR', /needs the gateway "."/],
  ['HTTPS', '1 . key1=h2', /generic spelling holds wire bytes/],
  ['HTTPS', '1 . ech="not*b64"', /not base64/],
  ['HTTPS', '1 . ipv4hint=192.0.2.01', /not an IPv4 address/],
  ['CERT', 'BOGUS 0 0 AAAA', /certificate type/],
  ['DS', '1 BOGUS 2 ab', /algorithm/],
  ['NID', '10 14:4fff:ff20:ee64', /four groups of four hex digits/],
  ['EUI48', '00-00-5e-00-53', /not an EUI-48/],
  ['CNAME', `${'a'.repeat(64)}.example.`, /longer than 63 bytes/],
  ['TA', '\\# 1 00', /does not support the TA type/],
  ['NSAP_PTR', 'a.example.', /does not support/],
  ['HTTPS', '1', /priority and a target/],
  ['HTTPS', '1 . alpn=h2 alpn=h3', /appears twice/],
  ['HTTPS', '1 . bogus=1', /unknown parameter/],
  ['HTTPS', '1 . port=http', /port/],
  ['RT', '10 rt.example.', /PowerDNS 4.7 does not support the RT type/],
  ['MX', '10 mail_1', /not a host name/],
  ['PX', '10 a. b.', /does not support/],
  ['X-CUSTOM', '   ', /empty/],
];

describe('core/normaliseContent', () => {
  describe('returns exactly what PowerDNS 4.7 stores', () => {
    for (const [type, value, expected] of CASES) {
      it(`${type} ${JSON.stringify(value)} → ${JSON.stringify(expected)}`, () => {
        expect(normaliseContent(type, value, ORIGIN)).to.equal(expected);
      });
    }
  });

  it('is idempotent: normalising a normalised value changes nothing', () => {
    for (const [type, , expected] of CASES) {
      expect(normaliseContent(type, expected, ORIGIN), `${type} ${expected}`).to.equal(expected);
    }
  });

  describe('refuses content PowerDNS would reject or could not round-trip', () => {
    for (const [type, value, reason] of FAILURES) {
      it(`${type} ${JSON.stringify(value)}`, () => {
        expect(() => normaliseContent(type, value, ORIGIN)).to.throw(Error, reason);
      });
    }

    it('names the type and the value in the message', () => {
      expect(() => normaliseContent('MX', 'mx1.example.net.', ORIGIN)).to.throw('invalid MX content "mx1.example.net."');
    });
  });

  describe('the record-type table of the integration test (every type and spelling the plugin can hold)', () => {
    for (const [type, value, expected] of ROUND_TRIP) {
      it(`${type} ${JSON.stringify(value)} → ${JSON.stringify(expected)}`, () => {
        expect(normaliseContent(type, value, TABLE_ORIGIN)).to.equal(expected);
        expect(normaliseContent(type, expected, TABLE_ORIGIN), 'idempotent').to.equal(expected);
      });
    }
    for (const [type, value, reason] of REFUSED) {
      it(`refuses ${type} ${JSON.stringify(value)}`, () => {
        expect(() => normaliseContent(type, value, TABLE_ORIGIN)).to.throw(Error, reason);
      });
    }
    it('refuses every type PowerDNS 4.7 does not know', () => {
      for (const [type, value] of UNKNOWN_TO_PDNS) {
        expect(() => normaliseContent(type, value, TABLE_ORIGIN), type).to.throw(Error, `does not support the ${type} type`);
      }
    });
  });

  describe('long TXT', () => {
    const strings = (content: string): string[] => [...content.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1] ?? '');

    it('splits an unquoted value longer than 255 bytes into 255-byte strings', () => {
      const result = normaliseContent('TXT', 'x'.repeat(600), ORIGIN);
      expect(strings(result).map((s) => s.length)).to.deep.equal([255, 255, 90]);
      expect(result).to.equal(`"${'x'.repeat(255)}" "${'x'.repeat(255)}" "${'x'.repeat(90)}"`);
    });

    it('splits a quoted string longer than 255 bytes the same way', () => {
      expect(normaliseContent('TXT', `"${'y'.repeat(300)}"`, ORIGIN)).to.equal(`"${'y'.repeat(255)}" "${'y'.repeat(45)}"`);
    });

    it('keeps a string of exactly 255 bytes whole', () => {
      expect(normaliseContent('TXT', 'z'.repeat(255), ORIGIN)).to.equal(`"${'z'.repeat(255)}"`);
    });

    it('counts UTF-8 bytes and never splits inside a multi-byte character', () => {
      const result = normaliseContent('TXT', 'é'.repeat(200), ORIGIN); // 400 bytes
      const parts = strings(result);
      expect(parts.map((s) => Buffer.byteLength(s))).to.deep.equal([254, 146]);
      expect(parts.join('')).to.equal('é'.repeat(200));
    });

    it('never splits inside an escape, counting \\" and \\DDD as one byte', () => {
      const value = `${'a'.repeat(254)}"b`;
      const parts = strings(normaliseContent('TXT', value, ORIGIN));
      expect(parts).to.deep.equal([`${'a'.repeat(254)}\\"`, 'b']);
      const decimal = strings(normaliseContent('TXT', `"${'a'.repeat(254)}\\065\\066"`, ORIGIN));
      expect(decimal).to.deep.equal([`${'a'.repeat(254)}\\065`, '\\066']);
    });

    it('splits a DKIM key written unquoted in NetBox', () => {
      const key = `v=DKIM1; k=rsa; p=${'A'.repeat(400)}`;
      const parts = strings(normaliseContent('TXT', key, ORIGIN));
      expect(parts.join('')).to.equal(key);
      expect(parts.every((p) => p.length <= 255)).to.equal(true);
    });
  });
});
