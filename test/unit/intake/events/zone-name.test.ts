import { expect } from 'chai';
import { isValidZoneName, toZoneName, zoneNameProblem } from '../../../../src/intake/events/zone-name.js';

describe('events: zone-name check', () => {
  const valid = [
    'example.com', 'example.com.', 'EXAMPLE.Com', 'com', 'xn--bcher-kva.de', '_msdcs.example.com', 'a-b.example.com',
    '2.0.192.in-addr.arpa', '0/26.2.0.192.in-addr.arpa', '0-26.2.0.192.in-addr.arpa.', '8.b.d.0.1.0.0.2.ip6.arpa',
    `${'a'.repeat(63)}.com`, // 253 characters: the longest name
    `${Array.from({ length: 4 }, () => 'a'.repeat(62)).join('.')}.a`,
    `${Array.from({ length: 4 }, () => 'a'.repeat(62)).join('.')}.a.`,
  ];
  for (const name of valid) {
    it(`accepts ${name.length > 40 ? `${name.slice(0, 20)}… (${name.length})` : name}`, () => {
      expect(zoneNameProblem(name)).to.equal(undefined);
      expect(isValidZoneName(name)).to.equal(true);
    });
  }

  const invalid: Array<[string, unknown]> = [
    ['empty', ''],
    ['root', '.'],
    ['not a string', 42],
    ['path traversal', '../etc'],
    ['double dot', 'a..b'],
    ['leading dot', '.example.com'],
    ['two trailing dots', 'example.com..'],
    ['space', 'a b'],
    ['tab', 'a\tb.com'],
    ['NUL', 'a\u0000b.com'],
    ['DEL', 'a\u007fb.com'],
    ['percent-encoding', 'a%2Fb'],
    ['PowerDNS encoding', 'a=2Fb'],
    ['backslash', 'a\\b.com'],
    ['slash in a forward zone', 'a/b.example.com'],
    ['slash not in the first label', '2.0/26.192.in-addr.arpa'],
    ['slash at the label start', '/26.2.0.192.in-addr.arpa'],
    ['two slashes', '0/26/1.2.0.192.in-addr.arpa'],
    ['non-ASCII', 'bücher.de'],
    ['zero-width space', 'exa\u200bmple.com'],
    ['fullwidth dot', 'example\uff0ecom'],
    ['64-character label', `${'a'.repeat(64)}.com`],
    ['300-character label', `${'a'.repeat(300)}.com`],
    ['254 characters without the dot', `${Array.from({ length: 4 }, () => 'a'.repeat(62)).join('.')}.ab`],
    ['wildcard', '*.example.com'],
    ['MQTT wildcard', 'a+b.com'],
    ['at sign', '@'],
  ];
  for (const [why, name] of invalid) {
    it(`rejects ${why}`, () => {
      expect(zoneNameProblem(name)).to.be.a('string');
      expect(isValidZoneName(name)).to.equal(false);
    });
  }

  it('makes keys lower-case and absolute', () => {
    expect(toZoneName('Example.COM')).to.equal('example.com.');
    expect(toZoneName('example.com.')).to.equal('example.com.');
    expect(toZoneName('0/26.2.0.192.IN-ADDR.ARPA')).to.equal('0/26.2.0.192.in-addr.arpa.');
  });
});
