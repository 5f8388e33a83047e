import { expect } from 'chai';
import { buildZoneCreate, planToChanges } from '../../../src/pdns/patch.js';
import type { RRsetDiff as ZonePlan } from '../../../src/core/types.js';
import { desiredZone, rr, soa } from '../core/fixtures.js';

describe('core/patch', () => {
  describe('planToChanges', () => {
    const plan: ZonePlan = {
      zone: 'example.com.',
      creates: [rr('www.example.com.', 'CNAME', 300, 'web.example.com.'), rr('a.example.com.', 'TXT', 60, '"x"')],
      updates: [
        { before: rr('example.com.', 'SOA', 3600, soa(1)), after: rr('example.com.', 'SOA', 3600, soa(2)) },
        { before: rr('example.com.', 'MX', 3600, '10 mail.example.com.'), after: rr('example.com.', 'MX', 300, '10 mail.example.com.', '20 mx2.example.net.') },
      ],
      deletes: [rr('www.example.com.', 'A', 300, '192.0.2.1'), rr('old.example.com.', 'AAAA', 300, '2001:db8::1')],
      existingCount: 3,
    };

    it('puts every DELETE first, then the REPLACEs, then the apex SOA', () => {
      expect(planToChanges(plan).map((c) => `${c.changetype} ${c.name} ${c.type}`)).to.deep.equal([
        'DELETE old.example.com. AAAA',
        'DELETE www.example.com. A',
        'REPLACE a.example.com. TXT',
        'REPLACE example.com. MX',
        'REPLACE www.example.com. CNAME',
        'REPLACE example.com. SOA',
      ]);
    });

    it('writes REPLACEs with TTL and enabled records, and DELETEs with name and type only', () => {
      const changes = planToChanges(plan);
      expect(changes[0]).to.deep.equal({ name: 'old.example.com.', type: 'AAAA', changetype: 'DELETE' });
      expect(changes[3]).to.deep.equal({
        name: 'example.com.', type: 'MX', changetype: 'REPLACE', ttl: 300,
        records: [{ content: '10 mail.example.com.', disabled: false }, { content: '20 mx2.example.net.', disabled: false }],
      });
    });

    it('never deletes the apex SOA', () => {
      const bad: ZonePlan = { ...plan, creates: [], updates: [], deletes: [rr('example.com.', 'SOA', 3600, soa(1))] };
      expect(planToChanges(bad)).to.deep.equal([]);
    });
  });

  describe('buildZoneCreate', () => {
    it('sends every desired rrset, apex NS and SOA included, with soa_edit_api "" and no nameservers', () => {
      const desired = desiredZone([rr('example.com.', 'NS', 3600, 'ns1.example.net.'), rr('www.example.com.', 'A', 300, '192.0.2.1')]);
      expect(buildZoneCreate(desired, { kind: 'Native', account: 'netbox-pdns' })).to.deep.equal({
        name: 'example.com.',
        kind: 'Native',
        account: 'netbox-pdns',
        soa_edit_api: '',
        nameservers: [],
        rrsets: [
          { name: 'example.com.', type: 'NS', changetype: 'REPLACE', ttl: 3600, records: [{ content: 'ns1.example.net.', disabled: false }] },
          { name: 'example.com.', type: 'SOA', changetype: 'REPLACE', ttl: 3600, records: [{ content: soa(1760000123), disabled: false }] },
          { name: 'www.example.com.', type: 'A', changetype: 'REPLACE', ttl: 300, records: [{ content: '192.0.2.1', disabled: false }] },
        ],
      });
    });
  });
});
