import { expect } from 'chai';
import { clipDetail } from '../../../src/upstream/exchange.js';
import { patchBodyBytes, splitChanges } from '../../../src/pdns/chunk.js';
import { errorDetail, serverUrl } from '../../../src/pdns/http.js';
import type { PdnsRRsetChange } from '../../../src/pdns/types.js';
import { pdnsZoneId } from '../../../src/pdns/zone-id.js';
import { TerminalError } from '../../../src/util/errors.js';

const a = (i: number): PdnsRRsetChange => ({
  name: `h${i}.example.`, type: 'A', changetype: 'REPLACE', ttl: 300, records: [{ content: '192.0.2.1', disabled: false }],
});

describe('splitChanges', () => {
  it('gives no bodies for no changes (no PATCH, no serial bump)', () => {
    expect(splitChanges([], 1000)).to.deep.equal([]);
  });

  it('keeps everything in one body when it fits exactly', () => {
    const changes = [a(1), a(2), a(3)];
    expect(splitChanges(changes, patchBodyBytes(changes))).to.deep.equal([changes]);
  });

  it('cuts into consecutive bodies under the limit, preserving order', () => {
    const changes: PdnsRRsetChange[] = [{ name: 'h0.example.', type: 'CNAME', changetype: 'DELETE' }, ...Array.from({ length: 500 }, (_, i) => a(i))];
    const limit = 5000;
    const chunks = splitChanges(changes, limit);
    expect(chunks.length).to.be.greaterThan(1);
    for (const chunk of chunks) expect(patchBodyBytes(chunk)).to.be.at.most(limit);
    expect(chunks.flat()).to.deep.equal(changes);
    // Each body is as full as possible: adding the next change would cross the limit.
    chunks.slice(0, -1).forEach((chunk, i) => {
      const next = chunks[i + 1]?.[0];
      if (next) expect(patchBodyBytes([...chunk, next])).to.be.greaterThan(limit);
    });
  });

  it('counts bytes, not characters', () => {
    const txt: PdnsRRsetChange = { name: 't.example.', type: 'TXT', changetype: 'REPLACE', ttl: 60, records: [{ content: '"ääää"', disabled: false }] };
    const chunks = splitChanges([txt, txt], patchBodyBytes([txt, txt]) - 1);
    expect(chunks).to.have.length(2);
  });

  it('refuses a single change larger than any body', () => {
    expect(() => splitChanges([a(1)], 20)).to.throw(TerminalError, /over the PATCH body limit of 20/);
  });
});

describe('pdnsZoneId', () => {
  for (const [zone, id] of [
    ['example.com.', 'example.com.'],
    ['Example.COM', 'Example.COM.'],
    ['0/26.2.0.192.in-addr.arpa.', '0=2F26.2.0.192.in-addr.arpa.'],
    ['_msdcs.example.test.', '=5Fmsdcs.example.test.'],
    ['a b+c.example.', 'a=20b=2Bc.example.'],
    ['.', '=2E'],
  ]) {
    it(`${zone} → ${id}`, () => expect(pdnsZoneId(zone ?? '')).to.equal(id));
  }
});

describe('PowerDNS HTTP helpers', () => {
  it('builds the server URL from a base with or without /api/v1', () => {
    for (const base of ['http://127.0.0.1:8081', 'http://127.0.0.1:8081/', 'http://127.0.0.1:8081/api/v1', 'http://127.0.0.1:8081/api/v1/']) {
      expect(serverUrl(base, 'localhost')).to.equal('http://127.0.0.1:8081/api/v1/servers/localhost');
    }
  });

  it('reads JSON {"error"} bodies and plain-text reason phrases', () => {
    expect(errorDetail('{"error": "RRset x. IN CNAME: Conflicts with pre-existing RRset"}')).to.equal('RRset x. IN CNAME: Conflicts with pre-existing RRset');
    expect(errorDetail('Not Found')).to.equal('Not Found');
    expect(errorDetail('  Conflict\n')).to.equal('Conflict');
    expect(clipDetail(errorDetail('x'.repeat(600)))).to.have.length(501);
  });
});
