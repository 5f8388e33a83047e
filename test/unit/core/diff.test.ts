import { expect } from 'chai';
import { actualFromPdns } from '../../../src/pdns/actual.js';
import { buildDesiredZone } from '../../../src/core/desired.js';
import { describePlan, diffZone, isEmptyPlan, planSummary } from '../../../src/core/diff.js';
import { buildZoneCreate, planToChanges } from '../../../src/pdns/patch.js';
import type { ActualZone, RRset } from '../../../src/core/types.js';
import type { PdnsRRsetChange, PdnsZone } from '../../../src/pdns/types.js';
import { desiredZone, netboxRecord, netboxZone, pdnsZoneFrom, rr, soa } from './fixtures.js';

const SERIAL = 1760000123;
const actualOf = (rrsets: RRset[], serial = SERIAL): ActualZone =>
  actualFromPdns(pdnsZoneFrom('example.com.', [...rrsets, rr('example.com.', 'SOA', 3600, soa(serial))]));

/** A NetBox zone full of the awkward value forms real data contains. */
function messyNetbox(): ReturnType<typeof buildDesiredZone> {
  const records = [
    netboxRecord('@', 'NS', 'ns1.example.net.', { managed: true }),
    netboxRecord('@', 'MX', '10 mail'),
    netboxRecord('@', 'MX', '020 mx2.example.net.'),
    netboxRecord('@', 'TXT', 'v=spf1 include:_spf.example.com -all'),
    netboxRecord('@', 'CAA', '0 issue letsencrypt.org'),
    netboxRecord('_sip._tcp', 'SRV', '10 60 5060 sip'),
    netboxRecord('www', 'CNAME', 'web'),
    netboxRecord('web', 'A', '192.0.2.1', { ttl: 300 }),
    netboxRecord('web', 'AAAA', '2001:DB8::0001', { ttl: 300 }),
    netboxRecord('dkim._domainkey', 'TXT', `v=DKIM1; k=rsa; p=${'A'.repeat(400)}`),
    netboxRecord('quoted', 'TXT', '"a""b"'),
    netboxRecord('escaped', 'TXT', 'say "hi" \\ back'),
    netboxRecord('host', 'SSHFP', '1 1 ABCDEF0123'),
    netboxRecord('_443._tcp', 'TLSA', '3 1 1 ABCDEF'),
    netboxRecord('svc', 'HTTPS', '1 resolver alpn="dot"'),
    netboxRecord('off', 'A', '192.0.2.9', { active: false }),
  ];
  return buildDesiredZone(netboxZone(), records);
}

/**
 * Applies PATCH changes in order the way PowerDNS does, strictly: a CNAME next to another type
 * (or another type next to a CNAME) is a 422 at the moment it is applied.
 */
function applyChanges(zone: PdnsZone, changes: PdnsRRsetChange[]): PdnsZone {
  const rrsets = zone.rrsets.map((r) => ({ ...r, records: [...r.records] }));
  for (const change of changes) {
    const at = rrsets.findIndex((r) => r.name === change.name && r.type === change.type);
    if (at >= 0) rrsets.splice(at, 1);
    if (change.changetype === 'DELETE') continue;
    const others = rrsets.filter((r) => r.name === change.name).map((r) => r.type);
    if ((change.type === 'CNAME' && others.length > 0) || others.includes('CNAME')) {
      throw new Error(`RRset ${change.name} IN ${change.type}: Conflicts with pre-existing RRset`);
    }
    rrsets.push({ name: change.name, type: change.type, ttl: change.ttl ?? 0, records: change.records ?? [] });
  }
  const soaRecord = rrsets.find((r) => r.type === 'SOA')?.records[0]?.content ?? '';
  return { ...zone, serial: Number(soaRecord.split(' ')[2]), rrsets };
}

describe('core/diffZone', () => {
  describe('first and second round', () => {
    it('creates everything, SOA included, when PowerDNS does not have the zone', () => {
      const desired = desiredZone([rr('www.example.com.', 'A', 300, '192.0.2.1')]);
      const plan = diffZone(desired, null);
      expect(plan).to.deep.equal({
        zone: 'example.com.',
        creates: [rr('example.com.', 'SOA', 3600, soa(SERIAL)), rr('www.example.com.', 'A', 300, '192.0.2.1')],
        updates: [],
        deletes: [],
        existingCount: 0,
      });
    });

    it('finds nothing to do after a round trip through PowerDNS (idempotency)', () => {
      const { desired, warnings, errors } = messyNetbox();
      expect(warnings).to.deep.equal([]);
      expect(errors).to.deep.equal([]);
      const created = applyChanges(pdnsZoneFrom('example.com.', []), buildZoneCreate(desired, { kind: 'Native', account: 'netbox-pdns' }).rrsets);
      const plan = diffZone(desired, actualFromPdns(created));
      expect(isEmptyPlan(plan), describePlan(plan).join('\n')).to.equal(true);
      expect(plan.existingCount).to.equal(desired.rrsets.length - 1);
    });

    it('converges after applying a plan, and then stays empty', () => {
      const before = messyNetbox().desired;
      const pdns = applyChanges(pdnsZoneFrom('example.com.', []), buildZoneCreate(before, { kind: 'Native', account: 'x' }).rrsets);
      const records = [
        netboxRecord('@', 'NS', 'ns1.example.net.', { managed: true }),
        netboxRecord('www', 'A', '192.0.2.7'),
        netboxRecord('web', 'CNAME', 'www'),
        netboxRecord('new', 'TXT', 'hello'),
      ];
      const after = buildDesiredZone(netboxZone({ soa_serial: SERIAL + 10 }), records).desired;
      const plan = diffZone(after, actualFromPdns(pdns));
      expect(isEmptyPlan(plan)).to.equal(false);
      const applied = applyChanges(pdns, planToChanges(plan));
      expect(applied.serial).to.equal(SERIAL + 10);
      expect(isEmptyPlan(diffZone(after, actualFromPdns(applied)))).to.equal(true);
    });
  });

  describe('rrset changes', () => {
    it('swaps A for CNAME at one name as a delete plus a create', () => {
      const plan = diffZone(desiredZone([rr('www.example.com.', 'CNAME', 300, 'web.example.com.')]), actualOf([rr('www.example.com.', 'A', 300, '192.0.2.1')]));
      expect(plan.deletes).to.deep.equal([rr('www.example.com.', 'A', 300, '192.0.2.1')]);
      expect(plan.creates).to.deep.equal([rr('www.example.com.', 'CNAME', 300, 'web.example.com.')]);
      expect(planToChanges(plan).map((c) => `${c.changetype} ${c.name} ${c.type}`)).to.deep.equal([
        'DELETE www.example.com. A',
        'REPLACE www.example.com. CNAME',
        'REPLACE example.com. SOA',
      ]);
    });

    it('updates an rrset whose TTL alone changed', () => {
      const plan = diffZone(desiredZone([rr('example.com.', 'MX', 300, '10 mail.example.com.')]), actualOf([rr('example.com.', 'MX', 3600, '10 mail.example.com.')]));
      expect(plan.updates[0]).to.deep.equal({ before: rr('example.com.', 'MX', 3600, '10 mail.example.com.'), after: rr('example.com.', 'MX', 300, '10 mail.example.com.') });
      expect(describePlan(plan)[0]).to.equal('~ example.com. MX 3600 → 300');
    });

    it('updates an rrset whose records changed, and describes each record', () => {
      const plan = diffZone(desiredZone([rr('www.example.com.', 'A', 300, '192.0.2.1', '192.0.2.3')]), actualOf([rr('www.example.com.', 'A', 300, '192.0.2.1', '192.0.2.2')]));
      expect(plan.updates.map((u) => u.after.type)).to.deep.equal(['SOA', 'A']);
      expect(describePlan(plan)).to.include.members(['~ www.example.com. A - 192.0.2.2', '~ www.example.com. A + 192.0.2.3']);
    });

    it('deletes an rrset NetBox no longer has', () => {
      const plan = diffZone(desiredZone([]), actualOf([rr('old.example.com.', 'A', 300, '192.0.2.1')]));
      expect(plan.deletes).to.deep.equal([rr('old.example.com.', 'A', 300, '192.0.2.1')]);
      expect(describePlan(plan)[0]).to.equal('- old.example.com. 300 A 192.0.2.1');
    });

    it('describes a create one record per line', () => {
      const plan = diffZone(desiredZone([rr('www.example.com.', 'A', 300, '192.0.2.1', '192.0.2.2')]), actualOf([]));
      expect(describePlan(plan).slice(0, 2)).to.deep.equal(['+ www.example.com. 300 A 192.0.2.1', '+ www.example.com. 300 A 192.0.2.2']);
    });

    it('rewrites an rrset holding disabled records even when the content matches', () => {
      const actual = actualFromPdns({
        ...pdnsZoneFrom('example.com.', [rr('example.com.', 'SOA', 3600, soa(SERIAL)), rr('a.example.com.', 'A', 300, '192.0.2.1')]),
      });
      const a = actual.rrsets.find((r) => r.type === 'A');
      if (a) a.hasDisabled = true;
      const plan = diffZone(desiredZone([rr('a.example.com.', 'A', 300, '192.0.2.1')]), actual);
      expect(plan.updates.map((u) => `${u.after.name} ${u.after.type}`)).to.deep.equal(['a.example.com. A', 'example.com. SOA']);
      expect(describePlan(plan)).to.include('~ a.example.com. A re-enable disabled records');
    });

    it('counts existing rrsets without the SOA', () => {
      const plan = diffZone(desiredZone([]), actualOf([rr('a.example.com.', 'A', 300, '192.0.2.1'), rr('b.example.com.', 'A', 300, '192.0.2.1')]));
      expect(plan.existingCount).to.equal(2);
    });

    it('never deletes the apex SOA, even when the desired zone lacks one', () => {
      const desired = { ...desiredZone([]), rrsets: [] };
      const plan = diffZone(desired, actualOf([]));
      expect(plan.deletes).to.deep.equal([]);
      expect(isEmptyPlan(plan)).to.equal(true);
    });

    it('is deterministic and plain JSON whatever the input order', () => {
      const rrsets = [rr('b.example.com.', 'A', 1, '1.1.1.1'), rr('a.example.com.', 'TXT', 1, '"x"'), rr('a.example.com.', 'A', 1, '1.1.1.1')];
      const old = [rr('z.example.com.', 'A', 1, '1.1.1.1'), rr('c.example.com.', 'A', 1, '1.1.1.1')];
      const one = diffZone(desiredZone(rrsets), actualOf(old));
      const two = diffZone(desiredZone([...rrsets].reverse()), actualOf([...old].reverse()));
      expect(two).to.deep.equal(one);
      expect(JSON.parse(JSON.stringify(one))).to.deep.equal(one);
      expect(one.creates.map((r) => `${r.name} ${r.type}`)).to.deep.equal(['a.example.com. A', 'a.example.com. TXT', 'b.example.com. A']);
    });
  });

  describe('SOA serial (the daemon owns it and it never goes back)', () => {
    const www = rr('www.example.com.', 'A', 300, '192.0.2.1');
    // [title, NetBox serial, PowerDNS serial, does anything else change, expected SOA serial or null for an empty plan]
    const cases: Array<[string, number, number, boolean, number | null]> = [
      ['no other change, NetBox newer → SOA-only update to NetBox\'s serial', 20, 10, false, 20],
      ['no other change, NetBox equal → nothing to do', 10, 10, false, null],
      ['no other change, NetBox older → nothing to do', 5, 10, false, null],
      ['other changes, NetBox newer → NetBox\'s serial', 20, 10, true, 20],
      ['other changes, NetBox equal → PowerDNS + 1', 10, 10, true, 11],
      ['other changes, NetBox older → PowerDNS + 1', 5, 10, true, 11],
      ['wrap-around: NetBox 5 is newer than 4294967295', 5, 4294967295, false, 5],
      ['wrap-around: PowerDNS + 1 skips 0', 4294967290, 4294967295, true, 1],
      ['wrap-around: NetBox 4294967295 is older than 3', 4294967295, 3, true, 4],
    ];
    for (const [title, netboxSerial, pdnsSerial, otherChange, expected] of cases) {
      it(title, () => {
        const desired = desiredZone(otherChange ? [www] : [], netboxSerial);
        const plan = diffZone(desired, actualOf([], pdnsSerial));
        if (expected === null) {
          expect(isEmptyPlan(plan)).to.equal(true);
          return;
        }
        const soaUpdate = plan.updates.find((u) => u.after.type === 'SOA');
        expect(soaUpdate?.after).to.deep.equal(rr('example.com.', 'SOA', 3600, soa(expected)));
        expect(soaUpdate?.before).to.deep.equal(rr('example.com.', 'SOA', 3600, soa(pdnsSerial)));
        expect(plan.creates).to.deep.equal(otherChange ? [www] : []);
      });
    }

    it('rewrites the SOA when another SOA field changed, with a serial that moves forward', () => {
      const desired = desiredZone([], 10);
      const soaRRset = desired.rrsets.find((r) => r.type === 'SOA');
      if (soaRRset) soaRRset.records = ['ns2.example.net. hostmaster.example.com. 10 43200 7200 2419200 3600'];
      const plan = diffZone(desired, actualOf([], 10));
      expect(plan.updates.map((u) => u.after.records[0])).to.deep.equal(['ns2.example.net. hostmaster.example.com. 11 43200 7200 2419200 3600']);
    });

    it('rewrites the SOA when only its TTL changed', () => {
      const desired = desiredZone([], 10);
      const soaRRset = desired.rrsets.find((r) => r.type === 'SOA');
      if (soaRRset) soaRRset.ttl = 600;
      const plan = diffZone(desired, actualOf([], 10));
      expect(plan.updates.map((u) => u.after)).to.deep.equal([rr('example.com.', 'SOA', 600, soa(11))]);
    });

    it('counts a serial-only change as one update in the summary', () => {
      expect(planSummary(diffZone(desiredZone([], 20), actualOf([], 10)))).to.deep.equal({ creates: 0, updates: 1, deletes: 0 });
    });
  });
});
