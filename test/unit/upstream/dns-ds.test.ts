/** The DS answer parser and resolver address parsing (the query itself runs against a real PowerDNS in dnssec-ds.test.ts). */
import { expect } from 'chai';
import { parseDsAnswer, parseResolver } from '../../../src/upstream/dns-ds.js';

/** A DNS answer for `child.test. DS` with these flags and DS rdata. */
function answer(id: number, flags: number, ds: Buffer[]): Buffer {
  const header = Buffer.alloc(12);
  header.writeUInt16BE(id, 0);
  header.writeUInt16BE(flags, 2);
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(ds.length, 6);
  const qname = Buffer.from([5, ...Buffer.from('child'), 4, ...Buffer.from('test'), 0]);
  const question = Buffer.concat([qname, Buffer.from([0, 43, 0, 1])]);
  const rrs = ds.map((rd) => {
    const fixed = Buffer.alloc(10);
    fixed.writeUInt16BE(43, 0);
    fixed.writeUInt16BE(1, 2);
    fixed.writeUInt32BE(3600, 4);
    fixed.writeUInt16BE(rd.length, 8);
    return Buffer.concat([Buffer.from([0xc0, 12]), fixed, rd]);
  });
  return Buffer.concat([header, question, ...rrs]);
}
const ds = (tag: number, alg: number, type: number, hex: string): Buffer => Buffer.concat([Buffer.from([tag >> 8, tag & 0xff, alg, type]), Buffer.from(hex, 'hex')]);

describe('DS query', () => {
  it('reads DS rdata in presentation form, lower case', () => {
    const msg = answer(7, 0x8180, [ds(3433, 13, 2, 'AB01'), ds(1, 8, 4, 'ff')]);
    expect(parseDsAnswer(msg, 7)).to.deep.equal(['3433 13 2 ab01', '1 8 4 ff']);
  });

  it('NXDOMAIN and NODATA mean no DS; truncation, SERVFAIL, REFUSED or another id mean unknown', () => {
    expect(parseDsAnswer(answer(7, 0x8183, []), 7)).to.deep.equal([]);
    expect(parseDsAnswer(answer(7, 0x8180, []), 7)).to.deep.equal([]);
    expect(parseDsAnswer(answer(7, 0x8380, []), 7)).to.equal(null);
    expect(parseDsAnswer(answer(7, 0x8182, []), 7)).to.equal(null);
    expect(parseDsAnswer(answer(7, 0x8185, []), 7)).to.equal(null);
    expect(parseDsAnswer(answer(8, 0x8180, []), 7)).to.equal(null);
  });

  it('parses IPv4 and [IPv6] resolvers with and without a port', () => {
    expect(parseResolver('127.0.0.1')).to.deep.equal({ host: '127.0.0.1', port: 53 });
    expect(parseResolver('127.0.0.1:5353')).to.deep.equal({ host: '127.0.0.1', port: 5353 });
    expect(parseResolver('[::1]:5300')).to.deep.equal({ host: '::1', port: 5300 });
    expect(parseResolver('[2001:db8::53]')).to.deep.equal({ host: '2001:db8::53', port: 53 });
  });
});
