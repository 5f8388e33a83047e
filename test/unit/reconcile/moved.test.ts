import { expect } from 'chai';
import { movedZones, type MovedInput } from '../../../src/reconcile/moved.js';
import type { SourceZone } from '../../../src/core/types.js';
import type { PdnsZoneSummary } from '../../../src/pdns/types.js';
import type { Target } from '../../../src/reconcile/types.js';

const SINCE = Date.parse('2026-12-04T10:00:00Z');
const target = { name: 'dc1', scope: { nameserverId: 1 }, policy: { ownerId: 'netbox-pdns' } } as unknown as Target;

function nb(id: number, name: string, serial: number, updated = '2026-12-04T09:00:00Z', extra: Partial<SourceZone> = {}): SourceZone & { last_updated: string } {
  return {
    id, name, view: { id: 1, name: '_default_' }, nameservers: [{ id: 1 }], active: true, default_ttl: 3600, soa_ttl: 3600,
    soa_mname: { name: 'ns1.example.net' }, soa_rname: 'hostmaster', soa_serial: serial, soa_refresh: null, soa_retry: null,
    soa_expire: null, soa_minimum: null, last_updated: updated, ...extra,
  };
}
const pd = (name: string, serial: number, account = 'netbox-pdns'): [string, PdnsZoneSummary] => [name, { id: name, name, kind: 'Native', serial, account }];

function moved(netboxZones: MovedInput['netboxZones'], pdns: Array<[string, PdnsZoneSummary]>, changed: number[] = []): string[] {
  return [...movedZones({ netboxZones, listings: [{ target, zones: new Map(pdns) }], recordsChangedIn: new Set(changed), since: SINCE })].sort();
}

describe('quick reconcile: which zones moved', () => {
  it('nothing, when serials match or PowerDNS is ahead and nothing changed since', () => {
    expect(moved([nb(1, 'a.example', 100), nb(2, 'b.example', 100)], [pd('a.example.', 100), pd('b.example.', 101)])).to.deep.equal([]);
  });
  it('a newer NetBox serial (with wrap-around), a zone PowerDNS lacks, a change at or after since, changed records', () => {
    const zones = [nb(1, 'a.example', 101), nb(2, 'b.example', 5), nb(3, 'c.example', 1), nb(4, 'd.example', 1, '2026-12-04T10:00:00Z'), nb(5, 'e.example', 1)];
    expect(moved(zones, [pd('a.example.', 100), pd('b.example.', 4294967290), pd('d.example.', 1), pd('e.example.', 1)], [5]))
      .to.deep.equal(['a.example.', 'b.example.', 'c.example.', 'd.example.', 'e.example.']);
  });
  it('owned zones NetBox no longer serves active; never foreign ones; zones of other nameservers are not ours', () => {
    const zones = [nb(1, 'inactive.example', 1, undefined, { active: false }), nb(2, 'other.example', 1, undefined, { nameservers: [{ id: 9 }] })];
    expect(moved(zones, [pd('inactive.example.', 1), pd('gone.example.', 1), pd('foreign.example.', 1, 'someone'), pd('other.example.', 1)]))
      .to.deep.equal(['gone.example.', 'inactive.example.', 'other.example.']);
  });
  it('a zone without a change time counts as moved', () => {
    const { last_updated: _unknown, ...zone } = nb(1, 'a.example', 1);
    expect(moved([zone], [pd('a.example.', 1)])).to.deep.equal(['a.example.']);
  });
});
