import { expect } from 'chai';
import { absoluteName, isInZone, isValidZoneName, ownerNameProblem, toZoneName, zoneNameProblem } from '../../../src/core/names.js';

describe('core/names', () => {
  describe('toZoneName', () => {
    const cases: Array<[string, string]> = [
      ['example.com', 'example.com.'],
      ['Example.COM', 'example.com.'],
      ['example.com.', 'example.com.'],
      ['0/26.2.0.192.in-addr.arpa', '0/26.2.0.192.in-addr.arpa.'],
      ['xn--caf-dma.example', 'xn--caf-dma.example.'],
    ];
    for (const [input, expected] of cases) {
      it(`turns ${JSON.stringify(input)} into ${JSON.stringify(expected)}`, () => {
        expect(toZoneName(input)).to.equal(expected);
      });
    }
  });

  describe('zone name validation', () => {
    const valid = [
      'example.com',
      'example.com.',
      'EXAMPLE.com',
      '0/26.2.0.192.in-addr.arpa',
      '0-25.2.0.192.in-addr.arpa',
      '2.0.192.in-addr.arpa',
      '8.b.d.0.1.0.0.2.ip6.arpa',
      'xn--caf-dma.example',
      '_tcp.example.com',
      'under_score.example',
      'com',
      `${'a'.repeat(63)}.example`,
      `${'a.'.repeat(126)}b`,
    ];
    for (const name of valid) {
      it(`accepts ${JSON.stringify(name.length > 40 ? `${name.slice(0, 40)}…` : name)}`, () => {
        expect(zoneNameProblem(name)).to.equal(null);
        expect(isValidZoneName(name)).to.equal(true);
      });
    }

    const invalid: Array<[string, RegExp]> = [
      ['', /empty/],
      ['.', /empty/],
      ['example..com', /empty label/],
      ['.example.com', /empty label/],
      ['../etc/passwd', /empty label/],
      ['exa mple.com', /character " "/],
      ['exa%2Fmple.com', /character "%"/],
      ['a=b.example', /character "="/],
      ['a\\.b.example', /character "\\\\"/],
      ['café.example', /not ASCII.*punycode/],
      ['例え.jp', /not ASCII/],
      ['*.example.com', /character "\*"/],
      ['example.com/', /"\/" is only allowed/],
      ['a/b.example.com', /"\/" is only allowed/],
      ['2.0/26.192.in-addr.arpa', /"\/" is only allowed/],
      ['/26.2.0.192.in-addr.arpa', /"\/" is only allowed/],
      ['0/26/1.2.0.192.in-addr.arpa', /"\/" is only allowed/],
      [`${'a'.repeat(64)}.example`, /longer than 63/],
      [`${'a.'.repeat(127)}b`, /longer than 253/],
    ];
    for (const [name, reason] of invalid) {
      it(`refuses ${JSON.stringify(name.length > 40 ? `${name.slice(0, 40)}…` : name)} saying why`, () => {
        expect(isValidZoneName(name)).to.equal(false);
        expect(zoneNameProblem(name)).to.match(reason);
      });
    }

    it('allows a wildcard label only in record owner names, and only leftmost', () => {
      expect(ownerNameProblem('*.example.com.')).to.equal(null);
      expect(ownerNameProblem('a.*.example.com.')).to.match(/character "\*"/);
      expect(ownerNameProblem('_sip._udp.example.com.')).to.equal(null);
    });
  });

  describe('absoluteName', () => {
    const cases: Array<[string, string]> = [
      ['@', 'example.com.'],
      ['www', 'www.example.com.'],
      ['Mail.Sub', 'Mail.Sub.example.com.'],
      ['host.example.net.', 'host.example.net.'],
      ['.', '.'],
    ];
    for (const [name, expected] of cases) {
      it(`resolves ${JSON.stringify(name)} against example.com. to ${JSON.stringify(expected)}`, () => {
        expect(absoluteName(name, 'example.com.')).to.equal(expected);
      });
    }

    it('refuses an empty name', () => {
      expect(() => absoluteName('', 'example.com.')).to.throw(/empty name/);
    });
  });

  describe('isInZone', () => {
    const cases: Array<[string, string, boolean]> = [
      ['example.com.', 'example.com.', true],
      ['www.example.com.', 'example.com.', true],
      ['WWW.Example.COM.', 'example.com.', true],
      ['a.b.example.com.', 'example.com.', true],
      ['badexample.com.', 'example.com.', false],
      ['example.net.', 'example.com.', false],
      ['com.', 'example.com.', false],
      ['1.0/26.2.0.192.in-addr.arpa.', '0/26.2.0.192.in-addr.arpa.', true],
    ];
    for (const [fqdn, zone, expected] of cases) {
      it(`says ${fqdn} is ${expected ? '' : 'not '}in ${zone}`, () => {
        expect(isInZone(fqdn, zone)).to.equal(expected);
      });
    }
  });
});
