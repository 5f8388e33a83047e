import { expect } from 'chai';
import { planZone, type PlanPolicy } from '../../../src/core/plan.js';
import { describePlanChange, isPlanId, planId } from '../../../src/core/plan-id.js';
import { parseProtectRules } from '../../../src/core/protect.js';
import type { ActualZone, RRset } from '../../../src/core/types.js';
import { desiredZone, rr, soa } from './fixtures.js';

const Z = 'example.com.';
const SERIAL = 1760000123;
const POLICY: PlanPolicy = { ownerId: 'netbox-pdns', adoption: 'safe', zoneKind: 'Native', protect: parseProtectRules('none'), recordOwnership: false };
const ns = rr(Z, 'NS', 3600, 'ns1.example.net.');
const actual = (rrsets: RRset[], over: Partial<ActualZone> = {}): ActualZone => ({
  name: Z, id: Z, kind: 'Native', account: 'netbox-pdns', soaEditApi: '', serial: SERIAL,
  rrsets: [...rrsets, rr(Z, 'SOA', 3600, soa(SERIAL))].sort((a, b) => (a.name + a.type < b.name + b.type ? -1 : 1)), ...over,
});
const www = (ip: string): RRset => rr('www.example.com.', 'A', 300, ip);
const plan = (want: RRset[], have: RRset[], over: Partial<ActualZone> = {}) =>
  planZone({ zone: Z, desired: desiredZone([ns, ...want]), actual: actual([ns, ...have], over), policy: POLICY, mayDelete: false });

describe('core/plan-id', () => {
  it('gives the same plan computed from the same state the same id, whenever and wherever it is computed', () => {
    const a = planId(plan([www('192.0.2.1')], [www('192.0.2.9')]), 'default');
    const b = planId(plan([www('192.0.2.1')], [www('192.0.2.9')]), 'default');
    expect(a).to.equal(b);
    expect(isPlanId(a)).to.equal(true);
    expect(isPlanId('not-an-id')).to.equal(false);
  });

  it('changes when what would be written changes, when the state it came from changes, or on another server', () => {
    const base = planId(plan([www('192.0.2.1')], [www('192.0.2.9')]), 'default');
    expect(planId(plan([www('192.0.2.2')], [www('192.0.2.9')]), 'default'), 'other content').to.not.equal(base);
    expect(planId(plan([www('192.0.2.1')], [www('192.0.2.8')]), 'default'), 'other before').to.not.equal(base);
    expect(planId(plan([www('192.0.2.1')], [www('192.0.2.9')], { account: 'hand' }), 'default'), 'adoption').to.not.equal(base);
    expect(planId(plan([www('192.0.2.1')], [www('192.0.2.9')]), 'dc2'), 'other target').to.not.equal(base);
  });

  it('says what differs between an approved plan and the current one', () => {
    const approved = plan([www('192.0.2.1')], [www('192.0.2.9')]);
    const current = plan([www('192.0.2.1')], [www('192.0.2.9'), rr('ftp.example.com.', 'A', 60, '198.51.100.1')]);
    expect(describePlanChange(approved, current)).to.deep.equal(['now: - ftp.example.com. 60 A 198.51.100.1']);
  });
});
