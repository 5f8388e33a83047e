import { expect } from 'chai';
import { checkEmptySource, checkZoneDeletionSafety, checkZonePlanSafety } from '../../../src/core/safety.js';
import type { RRset, RRsetDiff as ZonePlan } from '../../../src/core/types.js';
import { rr, soa } from './fixtures.js';

const OPTS = { maxChangeRatio: 0.3, minRrsets: 10 };
const a = (n: number): RRset => rr(`h${n}.example.com.`, 'A', 300, '192.0.2.1');
const soaUpdate = { before: rr('example.com.', 'SOA', 3600, soa(1)), after: rr('example.com.', 'SOA', 3600, soa(2)) };

function plan(parts: { creates?: number; updates?: number; deletes?: number; existing: number }): ZonePlan {
  const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
  return {
    zone: 'example.com.',
    creates: range(parts.creates ?? 0).map((i) => a(1000 + i)),
    updates: [...range(parts.updates ?? 0).map((i) => ({ before: a(i), after: { ...a(i), ttl: 60 } })), soaUpdate],
    deletes: range(parts.deletes ?? 0).map((i) => a(500 + i)),
    existingCount: parts.existing,
  };
}

describe('core/safety', () => {
  describe('checkZonePlanSafety (octoDNS thresholds)', () => {
    it('allows deletes up to the ratio and refuses the first one over it, saying how to force', () => {
      const verdicts = [0, 1, 2, 3, 4].map((deletes) => checkZonePlanSafety(plan({ deletes, existing: 10 }), OPTS));
      expect(verdicts.slice(0, 4)).to.deep.equal([null, null, null, null]);
      expect(verdicts[4]).to.equal('example.com.: too many deletes, 40.00% is over 30.00% (4/10); use --force to apply');
    });

    it('walks updates up to the threshold the same way', () => {
      let refusedAt = -1;
      for (let updates = 0; updates <= 20 && refusedAt < 0; updates += 1) {
        if (checkZonePlanSafety(plan({ updates, existing: 20 }), OPTS) !== null) refusedAt = updates;
      }
      expect(refusedAt).to.equal(7);
      expect(checkZonePlanSafety(plan({ updates: 7, existing: 20 }), OPTS)).to.equal(
        'example.com.: too many updates, 35.00% is over 30.00% (7/20); use --force to apply',
      );
    });

    it('never counts creates', () => {
      expect(checkZonePlanSafety(plan({ creates: 500, existing: 10 }), OPTS)).to.equal(null);
    });

    it('never counts the SOA update', () => {
      expect(checkZonePlanSafety(plan({ updates: 3, existing: 10 }), OPTS)).to.equal(null);
    });

    it('does not apply to zones with fewer rrsets than minRrsets', () => {
      expect(checkZonePlanSafety(plan({ deletes: 9, existing: 9 }), OPTS)).to.equal(null);
      expect(checkZonePlanSafety(plan({ deletes: 10, existing: 10 }), OPTS)).to.match(/too many deletes, 100\.00%/);
    });

    it('honours other thresholds', () => {
      expect(checkZonePlanSafety(plan({ deletes: 2, existing: 4 }), { maxChangeRatio: 0.5, minRrsets: 0 })).to.equal(null);
      expect(checkZonePlanSafety(plan({ deletes: 3, existing: 4 }), { maxChangeRatio: 0.5, minRrsets: 0 })).to.match(/75\.00% is over 50\.00% \(3\/4\)/);
    });

    it('allows anything on an empty zone', () => {
      expect(checkZonePlanSafety(plan({ creates: 3, existing: 0 }), { maxChangeRatio: 0.3, minRrsets: 0 })).to.equal(null);
    });
  });

  describe('checkZoneDeletionSafety', () => {
    const cases: Array<[number, number, number, string | null]> = [
      [0, 20, 0.1, null],
      [1, 1, 0.1, null], // one zone is always allowed
      [1, 20, 0.1, null],
      [2, 20, 0.1, null],
      [3, 20, 0.1, 'too many zone deletions, 15.00% is over 10.00% (3/20 owned zones); use --force to apply'],
      [2, 2, 0.1, 'too many zone deletions, 100.00% is over 10.00% (2/2 owned zones); use --force to apply'],
      [2, 2, 1, null],
    ];
    for (const [toDelete, owned, ratio, expected] of cases) {
      it(`${expected === null ? 'allows' : 'refuses'} deleting ${toDelete} of ${owned} owned zones at ${ratio * 100}%`, () => {
        expect(checkZoneDeletionSafety(toDelete, owned, ratio)).to.equal(expected);
      });
    }
  });

  describe('checkEmptySource', () => {
    it('refuses when NetBox lists no zones while we own some', () => {
      expect(checkEmptySource(0, 3)).to.match(/^NetBox lists no zones but 3 owned zone\(s\) exist in PowerDNS; refusing/);
    });

    it('allows an empty NetBox when we own nothing, and any non-empty NetBox', () => {
      expect(checkEmptySource(0, 0)).to.equal(null);
      expect(checkEmptySource(1, 50)).to.equal(null);
    });
  });
});
