/**
 * Every record type netbox-plugin-dns accepts (every non-meta type of dnspython's rdatatype), in the
 * spellings dnspython's `rdata.from_text` accepts and the plugin therefore stores verbatim, with the
 * presentation form PowerDNS 4.7 stores and returns for each. Used by the unit test (pure) and by
 * test/integration/record-types.test.ts, which writes every case into a real pdns_server and reads
 * it back. Name targets are given both relative (the plugin's `value`) and absolute (its
 * `absolute_value`, dnspython's rendering). Origin: ORIGIN.
 */

export const ORIGIN = 'types.example.';

const KEY = 'AwEAAagAIKlVZrpC6Ia7gEzahOR+9W29euxhJhVVLOyQbSEW0O8gcCjFFVQUTf6v58fLjwBd0YI0EzrAcQqBGCzh/RStIoO8g0NfnfL2MTJRkxoXbfDaUeVPQuYEhg37NZWAJQ9VnMVDxP/VHL496M/QZxkjf5/Efucp2gaDX6RS6CXpoY68LsvPVjR0ZSwzz1apAzvN9dlzEheX7ICJBBtuA6G3LQpzW5hOA2hzCTMjJPJ8LbqF6dsV6DoBQzgul0sGIcGOYl7OyQdXfZ57relSQageu+ipAdTTJ25AsRTAoub8ONGcLmqrAmRLKBP1dfwhYB4N7knNnulqQxA+Uk1ihz0=';
const SHA256 = 'E2D3C916F6DEEAC73294E8268FB5885044A833FC5459588F4A9184CFC41A5766';
const SHA1 = '2BB183AF5F22588179A53B0A98631FAD1A292118';
const SHA384 = 'FEBE3D4CE2EC2FFA4BA99D46CD69D6D29711E55217057BEE7EB1A7B641A47BA7FED2DD5B97AE499FAFA4F22C6BD647DE';
const SIG = 'oJB1W6WNGv+ldvQ3WDG0MQkg5IEhjRip8WTrPYGv07h108dUKGMeDPKijVCHX3DDKdfb+v6oB9wfuh3DTJXUAfI/M0zmO/zz8bW0Rznl8O3tGNazPwQKkRN20XPXV6nwwfoXmJQbsLNrLfkGJ5D6fwFm8nN+6pBzeDQfsS3Ap3o=';

/** [type, NetBox value, what PowerDNS 4.7 stores and returns]. */
export const ROUND_TRIP: Array<[string, string, string]> = [
  // addresses
  ['A', '192.0.2.1', '192.0.2.1'],
  ['A', ' 192.0.2.1 ', '192.0.2.1'],
  ['AAAA', '2001:db8::1', '2001:db8::1'],
  ['AAAA', '2001:DB8::0001', '2001:db8::1'],
  ['AAAA', '2001:0db8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
  ['AAAA', '2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
  ['AAAA', '2001:db8::192.0.2.1', '2001:db8::c000:201'],
  ['AAAA', 'FE80::1:0:0:0', 'fe80::1:0:0:0'],
  ['AAAA', '::1', '::1'],
  // single name targets: relative, absolute, @, escapes, case
  ['CNAME', 'www2', 'www2.types.example.'],
  ['CNAME', 'www2.types.example.', 'www2.types.example.'],
  ['CNAME', 'Host.Example.ORG.', 'Host.Example.ORG.'],
  ['CNAME', '@', 'types.example.'],
  ['CNAME', '.', '.'],
  ['CNAME', '_sip._udp', '_sip._udp.types.example.'],
  ['CNAME', '*.example.', '*.example.'],
  ['CNAME', 'a\\065b.example.', 'aAb.example.'],
  ['CNAME', 'a\\ b.example.', 'a\\032b.example.'],
  ['CNAME', 'a\\032b.example.', 'a\\032b.example.'],
  ['CNAME', 'a\\.b.example.', 'a\\.b.example.'],
  ['CNAME', 'a\\@b', 'a@b.types.example.'],
  ['CNAME', 'a\\\\b.example.', 'a\\\\b.example.'],
  ['CNAME', 'a\\255b.example.', 'a\\255b.example.'],
  ['DNAME', 'other.example.', 'other.example.'],
  ['DNAME', 'sub', 'sub.types.example.'],
  ['PTR', 'host.example.org.', 'host.example.org.'],
  ['PTR', 'host', 'host.types.example.'],
  ['NS', 'ns1', 'ns1.types.example.'],
  ['NS', 'ns1.example.net.', 'ns1.example.net.'],
  ['NS', 'NS1.Example.NET.', 'NS1.Example.NET.'],
  ['NS', 'xn--caf-dma.example.', 'xn--caf-dma.example.'],
  // MB, MG, MR, MINFO: dnspython has no parser, so NetBox can only hold the generic form
  ['MB', '\\# 16 066d61696c6278076578616d706c6500', 'mailbx.example.'],
  ['MG', '\\# 16 066D61696C6278076578616D706C6500', 'mailbx.example.'],
  ['MR', '\\# 16 ( 066d61696c6278 076578616d706c6500 )', 'mailbx.example.'],
  ['MINFO', '\\# 12 0161076578616d706c6500 00', 'a.example. .'],
  // preference + name
  ['MX', '10 mail', '10 mail.types.example.'],
  ['MX', '10 mail.types.example.', '10 mail.types.example.'],
  ['MX', '010 mx1.example.net.', '10 mx1.example.net.'],
  ['MX', '10 @', '10 types.example.'],
  ['MX', '0 .', '0 .'],
  ['MX', '10   Mail.Example.NET.', '10 Mail.Example.NET.'],
  ['MX', '10 a\\045b', '10 a-b.types.example.'],
  ['KX', '010 kx', '10 kx.types.example.'],
  ['KX', '10 kx.types.example.', '10 kx.types.example.'],
  ['AFSDB', '1 afs', '1 afs.types.example.'],
  ['AFSDB', '02 afs.example.', '2 afs.example.'],
  ['LP', '10 l64-subnet1', '10 l64-subnet1.types.example.'],
  ['LP', '010 L64.Example.', '10 L64.Example.'],
  ['SRV', '10 60 636 ldap', '10 60 636 ldap.types.example.'],
  ['SRV', '10 60 636 ldap.types.example.', '10 60 636 ldap.types.example.'],
  ['SRV', '010 05 5060 sip.example.net.', '10 5 5060 sip.example.net.'],
  ['SRV', '0 0 0 .', '0 0 0 .'],
  ['RP', 'mbox txt', 'mbox.types.example. txt.types.example.'],
  ['RP', 'mbox.types.example. .', 'mbox.types.example. .'],
  ['RP', '@ a\\.b', 'types.example. a\\.b.types.example.'],
  ['NAPTR', '100 10 S SIP+D2U "" _sip._udp', '100 10 "S" "SIP+D2U" "" _sip._udp.types.example.'],
  ['NAPTR', '100 10 "S" "SIP+D2U" "" _sip._udp.types.example.', '100 10 "S" "SIP+D2U" "" _sip._udp.types.example.'],
  ['NAPTR', '100 10 "s" "SIP+D2U" "!^.*$!sip:a@b!" .', '100 10 "s" "SIP+D2U" "!^.*$!sip:a@b!" .'],
  ['NAPTR', '0100 010 "" "" "a\\"b" .', '100 10 "" "" "a\\"b" .'],
  // TXT / SPF: unquoted values quoted, quoted strings kept byte for byte
  ['TXT', 'TXT Record', '"TXT Record"'],
  ['TXT', 'v=spf1 include:_spf.example.com -all', '"v=spf1 include:_spf.example.com -all"'],
  ['TXT', 'v=DKIM1; k=rsa; p=MIGf', '"v=DKIM1; k=rsa; p=MIGf"'],
  ['TXT', '"v=spf1 -all"', '"v=spf1 -all"'],
  ['TXT', '"a""b"', '"a" "b"'],
  ['TXT', '"a" "b" ', '"a" "b"'],
  ['TXT', '"say \\"hi\\" \\\\ back"', '"say \\"hi\\" \\\\ back"'],
  ['TXT', 'say "hi"', '"say \\"hi\\""'],
  ['TXT', '"a\\;b"', '"a\\;b"'],
  ['TXT', '"\\065bc"', '"\\065bc"'],
  ['TXT', '""', '""'],
  // the plugin stores a value longer than 255 characters already split into quoted strings
  ['TXT', `"${'x'.repeat(255)}" "${'x'.repeat(45)}"`, `"${'x'.repeat(255)}" "${'x'.repeat(45)}"`],
  ['SPF', 'v=spf1 -all', '"v=spf1 -all"'],
  ['SPF', '"v=spf1" "-all"', '"v=spf1" "-all"'],
  // character-strings elsewhere
  ['HINFO', 'PC Linux', '"PC" "Linux"'],
  ['HINFO', '"P C" "L"', '"P C" "L"'],
  ['HINFO', '"PC" Linux', '"PC" "Linux"'],
  ['HINFO', '"P\\065C" "a\\"b"', '"P\\065C" "a\\"b"'],
  ['URI', '10 1 http://x/', '10 1 "http://x/"'],
  ['URI', '010 01 "http://x/\\"q"', '10 1 "http://x/\\"q"'],
  ['CAA', '0 issue letsencrypt.org', '0 issue "letsencrypt.org"'],
  ['CAA', '0 issue "letsencrypt.org"', '0 issue "letsencrypt.org"'],
  ['CAA', '128 iodef mailto:security@example.com', '128 iodef "mailto:security@example.com"'],
  ['CAA', '00 issuewild ";"', '0 issuewild ";"'],
  ['CAA', '0 ISSUE "letsencrypt.org"', '0 ISSUE "letsencrypt.org"'],
  ['CAA', '0 issue "ca.example; account=1"', '0 issue "ca.example; account=1"'],
  ['CAA', '0 issue ""', '0 issue ""'],
  // hex: lower-cased and joined
  ['SSHFP', '1 1 2BB183AF5F22588179A53B0A98631FAD1A292118', `1 1 ${SHA1.toLowerCase()}`],
  ['SSHFP', '4 2 ab CD ef', '4 2 abcdef'],
  ['TLSA', `3 1 1 ${SHA256}`, `3 1 1 ${SHA256.toLowerCase()}`],
  ['TLSA', '03 01 01 ( AB CD )', '3 1 1 abcd'],
  ['SMIMEA', '3 1 1 AB CD', '3 1 1 abcd'],
  ['DS', `12345 8 2 ${SHA256}`, `12345 8 2 ${SHA256.toLowerCase()}`],
  ['DS', `012345 RSASHA256 02 ${SHA256.slice(0, 32)} ${SHA256.slice(32)}`, `12345 8 2 ${SHA256.toLowerCase()}`],
  ['DS', `12345 ecdsap256sha256 1 ${SHA1}`, `12345 13 1 ${SHA1.toLowerCase()}`],
  ['CDS', `12345 8 2 ${SHA256.toLowerCase()}`, `12345 8 2 ${SHA256.toLowerCase()}`],
  ['CDS', '0 0 0 00', '0 0 0 00'],
  ['DLV', `12345 RSASHA1 1 ${SHA1}`, `12345 5 1 ${SHA1.toLowerCase()}`],
  ['ZONEMD', `2018031900 1 1 ${SHA384}`, `2018031900 1 1 ${SHA384.toLowerCase()}`],
  ['ZONEMD', `02018031900 01 01 ( ${SHA384.slice(0, 48)} ${SHA384.slice(48)} )`, `2018031900 1 1 ${SHA384.toLowerCase()}`],
  ['NSEC3PARAM', '1 0 0 -', '1 0 0 -'],
  ['NSEC3PARAM', '1 0 012 AABBCCDD', '1 0 12 aabbccdd'],
  ['EUI48', '00-00-5E-00-53-2A', '00-00-5e-00-53-2a'],
  ['EUI48', '00-00-5e-00-53-2a', '00-00-5e-00-53-2a'],
  ['EUI64', '00-00-5E-EF-10-00-00-2A', '00-00-5e-ef-10-00-00-2a'],
  // NID and L64 are written upper-case by PowerDNS
  ['NID', '10 0014:4fff:ff20:ee64', '10 0014:4FFF:FF20:EE64'],
  ['NID', '010 0014:4FFF:FF20:EE64', '10 0014:4FFF:FF20:EE64'],
  ['L64', '10 2001:0db8:1140:1000', '10 2001:0DB8:1140:1000'],
  ['L32', '10 10.1.2.0', '10 10.1.2.0'],
  ['L32', '010  10.1.2.0', '10 10.1.2.0'],
  // base64: joined, unused bits cleared; algorithm and certificate-type mnemonics as numbers
  ['DNSKEY', `257 3 8 ${KEY}`, `257 3 8 ${KEY}`],
  ['DNSKEY', `256 3 RSASHA256 ( ${KEY.slice(0, 100)} ${KEY.slice(100)} )`, `256 3 8 ${KEY}`],
  ['CDNSKEY', '257 3 8 AwEAAagAIKlVZg==', '257 3 8 AwEAAagAIKlVZg=='],
  ['CDNSKEY', '257 3 ed25519 AwEAAag AIKlVZr==', '257 3 15 AwEAAagAIKlVZg=='],
  ['CDNSKEY', '0 3 0 AA==', '0 3 0 AA=='],
  ['KEY', '\\# 8 0100 03 08 03010001', '256 3 8 AwEAAQ=='],
  ['OPENPGPKEY', 'mG8EXtVI sRMr', 'mG8EXtVIsRMr'],
  ['OPENPGPKEY', 'mG8EXtVIsRN=', 'mG8EXtVIsRM='],
  ['DHCID', 'AAIBY2/AuCccgoJb saxcQc9TUapptP69lOjxfNuVAA2kjEA=', 'AAIBY2/AuCccgoJbsaxcQc9TUapptP69lOjxfNuVAA2kjEA='],
  ['CERT', '1 0 0 AA AA', '1 0 0 AAAA'],
  ['CERT', 'PKIX 0 RSASHA256 AAB=', '1 0 8 AAA='],
  ['CERT', 'URI 65535 PRIVATEOID AAAA', '253 65535 254 AAAA'],
  ['CERT', '65000 0 0 AAAA', '65000 0 0 AAAA'],
  // IPSECKEY: no gateway field for type 0, inet_ntop IPv6, relative gateway names
  ['IPSECKEY', '10 1 2 192.0.2.38 AQNRU3mG7TVT O2BkR47u', '10 1 2 192.0.2.38 AQNRU3mG7TVTO2BkR47u'],
  ['IPSECKEY', '10 0 2 . AQNRU3mG', '10 0 2 AQNRU3mG'],
  ['IPSECKEY', '10 2 2 2001:DB8::1 AQNRU3mG', '10 2 2 2001:db8::1 AQNRU3mG'],
  ['IPSECKEY', '10 2 2 ::ffff:c000:201 AQNRU3mG', '10 2 2 ::ffff:192.0.2.1 AQNRU3mG'],
  ['IPSECKEY', '10 3 2 gw AQNRU3mG', '10 3 2 gw.types.example. AQNRU3mG'],
  ['IPSECKEY', '010 3 2 Gw.Example. AQNR', '10 3 2 Gw.Example. AQNR'],
  // DNSSEC records (the plugin filters NSEC, NSEC3 and RRSIG by default, but can hold them)
  ['RRSIG', `A 8 2 3600 20300101000000 20000101000000 2143 foo.example. ${SIG}`, `A 8 2 3600 20300101000000 20000101000000 2143 foo.example. ${SIG}`],
  ['RRSIG', `a RSASHA256 2 1h 1893456000 946684800 02143 foo ${SIG.slice(0, 60)} ${SIG.slice(60)}`, `A 8 2 3600 20300101000000 20000101000000 2143 foo.types.example. ${SIG}`],
  ['RRSIG', 'TYPE1 8 2 1w2d3h4m5s 20300101000000 20000101000000 2143 Foo.Example. AAB=', 'A 8 2 788645 20300101000000 20000101000000 2143 Foo.Example. AAA='],
  ['RRSIG', 'TYPE65000 8 2 3600 20300101000000 20000101000000 2143 foo.example. AAAA', 'TYPE65000 8 2 3600 20300101000000 20000101000000 2143 foo.example. AAAA'],
  ['RRSIG', 'nsap-ptr 8 2 3600 20300101000000 20000101000000 2143 foo.example. AAAA', 'TYPE23 8 2 3600 20300101000000 20000101000000 2143 foo.example. AAAA'],
  ['NSEC', 'next A MX', 'next.types.example. A MX'],
  ['NSEC', 'next.types.example. mx a TYPE1 rrsig nsec', 'next.types.example. A MX RRSIG NSEC'],
  ['NSEC', 'A.Example. MD SIG TYPE65000 A6', 'A.Example. TYPE3 TYPE24 TYPE38 TYPE65000'],
  ['NSEC', 'a.example.', 'a.example.'],
  ['NSEC3', '1 1 12 aabbccdd 2vptu5timamqttgl4luu9kg21e0aor3s A RRSIG', '1 1 12 aabbccdd 2VPTU5TIMAMQTTGL4LUU9KG21E0AOR3S A RRSIG'],
  ['NSEC3', '1 1 012 AABBCCDD 2VPTU5TIMAMQTTGL4LUU9KG21E0AOR3S rrsig a', '1 1 12 aabbccdd 2VPTU5TIMAMQTTGL4LUU9KG21E0AOR3S A RRSIG'],
  ['NSEC3', '1 0 0 - 2vptu5timamqttgl', '1 0 0 - 2VPTU5TIMAMQTTGL'],
  ['CSYNC', '66 3 A NS AAAA', '66 3 A NS AAAA'],
  ['CSYNC', '066 03 aaaa ns a', '66 3 A NS AAAA'],
  ['CSYNC', '66 3 TYPE1 MD', '66 3 A TYPE3'],
  ['CSYNC', '66 3', '66 3'],
  // APL
  ['APL', '1:192.0.2.0/24', '1:192.0.2.0/24'],
  ['APL', '1:192.0.2.0/24  !2:2001:DB8::/32', '1:192.0.2.0/24 !2:2001:db8::/32'],
  ['APL', '1:192.0.2.0/024', '1:192.0.2.0/24'],
  ['APL', '2:::ffff:c000:200/120', '2:::ffff:192.0.2.0/120'],
  ['APL', '1:0.0.0.0/0 2:::/0', '1:0.0.0.0/0 2:::/0'],
  ['APL', '', ''],
  // LOC: every field, truncated, precisions as digit × 10^n, zero angles S/W
  ['LOC', '51 30 12.748 N 0 7 39.611 W 0.00m 1.00m 10000.00m 10.00m', '51 30 12.748 N 0 7 39.611 W 0.00m 1.00m 10000.00m 10.00m'],
  ['LOC', '51 30 12.748 N 0 7 39.611 W 10.555m 15m 25m 0.5m', '51 30 12.748 N 0 7 39.611 W 10.55m 10.00m 20.00m 0.50m'],
  ['LOC', '51 N 0 W 0', '51 0 0.000 N 0 0 0.000 W 0.00m 1.00m 10000.00m 10.00m'],
  ['LOC', '51 30 N 0 7 E 0m', '51 30 0.000 N 0 7 0.000 E 0.00m 1.00m 10000.00m 10.00m'],
  ['LOC', '51 30 12 N 0 7 39 W -0.004m', '51 30 12.000 N 0 7 39.000 W 0.00m 1.00m 10000.00m 10.00m'],
  ['LOC', '51 30 12.5 N 0 7 39.25 W 1e3m', '51 30 12.500 N 0 7 39.250 W 1000.00m 1.00m 10000.00m 10.00m'],
  ['LOC', '1 2 3 S 4 5 6 E -10.5m 1.99m 20 0.01', '1 2 3.000 S 4 5 6.000 E -10.50m 1.00m 20.00m 0.01m'],
  ['LOC', '0 0 0 N 0 0 0 E 0m', '0 0 0.000 S 0 0 0.000 W 0.00m 1.00m 10000.00m 10.00m'],
  ['LOC', '0 0 0.001 N 0 0 0.001 E 0m', '0 0 0.001 N 0 0 0.001 E 0.00m 1.00m 10000.00m 10.00m'],
  ['LOC', '90 S 180 E 21374836.47m 40000000m 0 0', '90 0 0.000 S 180 0 0.000 E 21374836.47m 40000000.00m 0.00m 0.00m'],
  ['LOC', '42 21 43.528 N 71 5 6.284 W -100000m', '42 21 43.528 N 71 5 6.284 W -100000.00m 1.00m 10000.00m 10.00m'],
  ['LOC', '52 22 23.000 N 4 53 32.000 E -2.00m 0.29m 0.07m 4.35m', '52 22 23.000 N 4 53 32.000 E -2.00m 0.20m 0.07m 4.00m'],
  // SVCB / HTTPS
  ['HTTPS', '1 resolver alpn=dot', '1 resolver.types.example. alpn=dot'],
  ['HTTPS', '1 resolver.types.example. alpn="dot"', '1 resolver.types.example. alpn=dot'],
  ['HTTPS', '1 . port=443 alpn=h2', '1 . alpn=h2 port=443'],
  ['HTTPS', '1 . no-default-alpn alpn="h2,h3"', '1 . alpn=h2,h3 no-default-alpn'],
  ['HTTPS', '1 . mandatory="port,alpn" alpn="h2" port="443"', '1 . mandatory=alpn,port alpn=h2 port=443'],
  ['HTTPS', '1 . ipv6hint="2001:DB8::1,2001:db8::0002" ipv4hint="192.0.2.1"', '1 . ipv4hint=192.0.2.1 ipv6hint=2001:db8::1,2001:db8::2'],
  ['HTTPS', '1 . ipv6hint=::ffff:c000:201', '1 . ipv6hint=::ffff:192.0.2.1'],
  ['HTTPS', '1 . ech="AEn+DQBF"', '1 . ech="AEn+DQBF"'],
  ['HTTPS', '1 . ech=AEn+DR==', '1 . ech="AEn+DQ=="'],
  ['HTTPS', '1 . key65000=abc', '1 . key65000="abc"'],
  ['HTTPS', '1 . key65000', '1 . key65000=""'],
  ['HTTPS', '1 . key65000="\\001\\065\\"b"', '1 . key65000="\\001A\\"b"'],
  ['HTTPS', '1 . dohpath="/q{?dns}"', '1 . key7="/q{?dns}"'],
  ['HTTPS', '1 . ohttp', '1 . key8=""'],
  ['HTTPS', '1 . docpath="dns-query,v1"', '1 . key10="\\009dns-query\\002v1"'],
  ['HTTPS', '1 . key7="/q" key65535="a b"', '1 . key7="/q" key65535="a b"'],
  ['HTTPS', '01 svc.example. ALPN=h2', '1 svc.example. alpn=h2'],
  ['HTTPS', '0 svc', '0 svc.types.example.'],
  ['SVCB', '0 svc', '0 svc.types.example.'],
  ['SVCB', '1 svc.types.example. mandatory="alpn" alpn="h2,h3" port="443" ipv4hint="192.0.2.1,192.0.2.2" ech="AEn+DQBF"', '1 svc.types.example. mandatory=alpn alpn=h2,h3 port=443 ipv4hint=192.0.2.1,192.0.2.2 ech="AEn+DQBF"'],
  ['SVCB', '65535 Svc.Example. mandatory=key65000 key65000=x', '65535 Svc.Example. mandatory=key65000 key65000="x"'],
  // types only held as opaque generic data by PowerDNS 4.7
  ['SIG', '\\# 4 0A0B0C0D', '\\# 4 0a0b0c0d'],
  ['SIG', '\\# 0', '\\# 0 '],
  ['A6', '\\# 17 00 20010db8000000000000000000000001', '\\# 17 0020010db8000000000000000000000001'],
];

/**
 * [type, NetBox value, why normaliseContent refuses it]. Every one of these is a spelling the
 * plugin can hold and PowerDNS 4.7 cannot (the integration test checks that sending the value as is
 * gets a 422 or comes back different), so the daemon skips and reports the record.
 */
export const REFUSED: Array<[string, string, RegExp]> = [
  ['AAAA', '::ffff:192.0.2.1', /IPv4-mapped.*cannot round-trip/],
  ['AAAA', '::ffff:c000:201', /IPv4-mapped/],
  ['AAAA', '::192.0.2.1', /IPv4-compatible/],
  ['A', '\\# 4 C0000201', /generic form .* for A/],
  ['TXT', '\\# 3 026869', /generic form .* for TXT/],
  ['CAA', '\\# 9 0005697373756561 61', /generic form/],
  ['MX', '10 mail_1', /not a host name/],
  ['MX', '10 *.example.', /not a host name/],
  ['NS', 'ns_1.example.', /not a host name/],
  ['NS', '.', /root/],
  ['SRV', '0 0 389 -ldap.example.', /not a host name/],
  ['SRV', '0 0 389 a\\ b.example.', /not a host name/],
  ['KEY', '\\# 4 01000308', /no key data/],
  ['APL', '1:192.0.2.1/24', /bits set beyond the prefix/],
  ['APL', '2:2001:db8::1/32', /bits set beyond the prefix/],
  ['IPSECKEY', '10 1 0 192.0.2.1 AQNRU3mG', /algorithm 0/],
  ['LOC', '51 30 12 N 0 7 39 W 21374836.48m', /altitude .* PowerDNS 4.7 can hold/],
  ['LOC', '51 30 12 N 0 7 39 W 0 90000000m', /42949672.96m or more/],
  ['HTTPS', '1 . alpn=h2\\,x', /alpn .* escape/],
  ['HTTPS', '1 . key65000="a;b"', /";"/],
  ['HTTPS', '1 . key3="\\001\\187"', /generic spelling holds wire bytes/],
  // dnspython refuses these too; the check is defence in depth for data that reached NetBox otherwise.
  ['SRV', '10 60 65536 sip.example.net.', /larger than 65535/],
  ['MX', '65536 mx.example.net.', /larger than 65535/],
  ['SSHFP', '1 1 abc', /odd number of hex digits/],
  ['TLSA', '3 1 256 abcd', /larger than 255/],
];

/**
 * Types the plugin offers that PowerDNS 4.7 does not know at all ("unknown type given"), each with a
 * value dnspython accepts for it.
 */
export const UNKNOWN_TO_PDNS: Array<[string, string]> = [
  ['AMTRELAY', '0 0 0 .'],
  ['AVC', '"app-name:WOLFGANG|app-class:OAM"'],
  ['DELEG', '1 a.example.'],
  ['DELEGI', '1 a.example.'],
  ['DSYNC', 'CDS NOTIFY 5359 a.example.'],
  ['GPOS', '-32.6882 116.8652 10.0'],
  ['HIP', '2 200100107B1A74DF365639CC39F1D578 AwEAAbdxyhNuSutc5EMzxTs9LBPCIkOFH8cIvM4p9+LrV4e19WzK00+CI6zBCQTdtWsuxKbWIy87UOoJTwkUs7lBu+Upr1gsNrut79ryra+bSRGQb1slImA8YVJyuIDsj7kwzG7jnERNqnWxZ48AWkskmdHaVDP4BcelrTI3rMXdXF5D'],
  ['ISDN', '"150862028003217"'],
  ['MD', '\\# 1 00'],
  ['MF', '\\# 1 00'],
  ['NINFO', '"a" "b"'],
  ['NSAP', '0x47000580ffff000000321099991111222233334444'],
  ['NSAP-PTR', 'a.example.'],
  ['NSAP_PTR', 'a.example.'],
  ['NULL', '\\# 1 00'],
  ['NXT', '\\# 1 00'],
  ['PX', '10 map822.example. mapx400.example.'],
  ['RESINFO', 'qnamemin exterr=15,16,17'],
  ['RT', '10 relay.example.'],
  ['TA', '\\# 1 00'],
  ['TYPE0', '\\# 1 00'],
  ['UNSPEC', '\\# 1 00'],
  ['WALLET', '"BTC" "bc1q"'],
  ['WKS', '192.0.2.1 tcp 25'],
  ['X25', '311061700956'],
];

/**
 * Every non-meta type of dnspython's rdatatype (2.8, plus the draft DELEG/DELEGI of its main
 * branch), spelled as the plugin names them. SOA is built from the zone's fields, never from a
 * record, so it is not a case here.
 */
export const DNSPYTHON_TYPES = [
  'TYPE0', 'A', 'NS', 'MD', 'MF', 'CNAME', 'SOA', 'MB', 'MG', 'MR', 'NULL', 'WKS', 'PTR', 'HINFO',
  'MINFO', 'MX', 'TXT', 'RP', 'AFSDB', 'X25', 'ISDN', 'RT', 'NSAP', 'NSAP_PTR', 'SIG', 'KEY', 'PX',
  'GPOS', 'AAAA', 'LOC', 'NXT', 'SRV', 'NAPTR', 'KX', 'CERT', 'A6', 'DNAME', 'APL', 'DS', 'SSHFP',
  'IPSECKEY', 'RRSIG', 'NSEC', 'DNSKEY', 'DHCID', 'NSEC3', 'NSEC3PARAM', 'TLSA', 'SMIMEA', 'HIP',
  'NINFO', 'CDS', 'CDNSKEY', 'OPENPGPKEY', 'CSYNC', 'ZONEMD', 'SVCB', 'HTTPS', 'DSYNC', 'SPF',
  'UNSPEC', 'NID', 'L32', 'L64', 'LP', 'EUI48', 'EUI64', 'URI', 'CAA', 'AVC', 'AMTRELAY', 'RESINFO',
  'WALLET', 'TA', 'DLV', 'DELEG', 'DELEGI',
];
