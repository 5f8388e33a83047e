import { expect } from 'chai';
import { planWrites, planZone, type PlanPolicy } from '../../../src/core/plan.js';
import { describeZoneAction, describeZonePlan } from '../../../src/core/plan-text.js';
import { parseProtectRules, protectRulesProblem, protectingRule } from '../../../src/core/protect.js';
import { checkAdoption, checkEmptyAnswer, checkZonePlan } from '../../../src/core/safety.js';
import type { ActualZone, RRset } from '../../../src/core/types.js';
import { desiredZone, rr, soa } from './fixtures.js';

const Z = 'example.com.';
const SERIAL = 1760000123;
const POLICY: PlanPolicy = { ownerId: 'netbox-pdns', adoption: 'safe', zoneKind: 'Native', protect: parseProtectRules('_acme-challenge.*:TXT'), recordOwnership: false };
const ns = rr(Z, 'NS', 3600, 'ns1.example.net.');
const actual = (rrsets: RRset[], over: Partial<ActualZone> = {}): ActualZone => ({
  name: Z, id: Z, kind: 'Native', account: 'netbox-pdns', soaEditApi: '', serial: SERIAL,
  rrsets: [...rrsets, rr(Z, 'SOA', 3600, soa(SERIAL))].sort((a, b) => (a.name + a.type < b.name + b.type ? -1 : 1)), ...over,
});
const opts = { maxChangeRatio: 0.3, minRrsets: 10, adoption: 'safe' as const };

describe('core/plan', () => {
  it('plans a create with the zone settings, and says so in words', () => {
    const plan = planZone({ zone: Z, desired: desiredZone([ns]), actual: null, policy: POLICY, mayDelete: false });
    expect(plan.action).to.equal('create');
    expect(plan.settings).to.deep.equal([{ field: 'kind', from: null, to: 'Native' }, { field: 'account', from: null, to: 'netbox-pdns' }, { field: 'soa_edit_api', from: null, to: '' }]);
    expect(describeZoneAction(plan)).to.equal('create zone (kind Native, account netbox-pdns)');
    expect(planWrites(plan)).to.equal(true);
  });

  it('plans an adoption with its account change, resets SOA-EDIT-API and the kind on owned zones', () => {
    const adopt = planZone({ zone: Z, desired: desiredZone([ns]), actual: actual([ns], { account: 'hand', soaEditApi: 'DEFAULT' }), policy: POLICY, mayDelete: false });
    expect(adopt.action).to.equal('adopt');
    expect(adopt.settings).to.deep.equal([{ field: 'account', from: 'hand', to: 'netbox-pdns' }, { field: 'soa_edit_api', from: 'DEFAULT', to: '' }]);
    expect(describeZonePlan(adopt).slice(0, 2)).to.deep.equal(['* account: "hand" → "netbox-pdns"', '* soa_edit_api: "DEFAULT" → ""']);
    const kind = planZone({ zone: Z, desired: desiredZone([ns]), actual: actual([ns], { kind: 'Master' }), policy: POLICY, mayDelete: false });
    expect(kind.settings).to.deep.equal([{ field: 'kind', from: 'Master', to: 'Native' }]);
    const primary = planZone({ zone: Z, desired: desiredZone([ns]), actual: actual([ns], { kind: 'Master' }), policy: { ...POLICY, zoneKind: 'Primary' }, mayDelete: false });
    expect(primary.settings).to.deep.equal([]);
  });

  it('plans a delete only when allowed, listing what goes with the zone; otherwise leaves it', () => {
    const www = rr('www.example.com.', 'A', 300, '192.0.2.1');
    const gone = planZone({ zone: Z, desired: null, absentReason: 'inactive in NetBox', actual: actual([www]), policy: POLICY, mayDelete: true });
    expect(gone.action).to.equal('delete');
    expect(describeZonePlan(gone)).to.include('- www.example.com. 300 A 192.0.2.1');
    expect(describeZoneAction(gone)).to.match(/^delete zone with its 2 rrset\(s\) \(inactive in NetBox\)/);
    expect(planZone({ zone: Z, desired: null, actual: actual([www]), policy: POLICY, mayDelete: false }).action).to.equal('skip');
    expect(planZone({ zone: Z, desired: null, actual: actual([www], { account: 'x' }), policy: POLICY, mayDelete: true }).action).to.equal('skip');
  });

  it('keeps protected rrsets unless NetBox holds them, and content PowerDNS refused before', () => {
    const acme = rr('_acme-challenge.www.example.com.', 'TXT', 60, '"t"');
    const kept = planZone({ zone: Z, desired: desiredZone([ns]), actual: actual([ns, acme]), policy: POLICY, mayDelete: false });
    expect(kept.deletes).to.deep.equal([]);
    expect(kept.kept.map((k) => k.reason)).to.deep.equal(['protected']);
    expect(planWrites(kept)).to.equal(false);
    const held = { ...acme, records: ['"from netbox"'] };
    const owned = planZone({ zone: Z, desired: desiredZone([ns, held]), actual: actual([ns, acme]), policy: POLICY, mayDelete: false });
    expect(owned.updates.map((u) => u.after.records)).to.deep.include(['"from netbox"']);
    const bad = rr('lua.example.com.', 'LUA', 300, 'A 1.2.3.4');
    const refused = planZone({ zone: Z, desired: desiredZone([ns, bad]), actual: actual([ns]), policy: POLICY, mayDelete: false, rejectedBefore: (r) => (r.type === 'LUA' ? 'no quote' : null) });
    expect(refused.creates).to.deep.equal([]);
    expect(refused.updates).to.deep.equal([]);
    expect(refused.kept).to.deep.equal([{ name: 'lua.example.com.', type: 'LUA', reason: 'rejected', detail: 'no quote', wanted: bad }]);
  });

  it('protect rules: globs, types, none, and clear problems', () => {
    const rules = parseProtectRules('_acme-challenge.*:TXT, *.dyn.example.com:A+AAAA, _dmarc.*');
    expect(protectingRule(rules, '_acme-challenge.example.com.', 'TXT')?.text).to.equal('_acme-challenge.*:TXT');
    expect(protectingRule(rules, '_acme-challenge.example.com.', 'A')).to.equal(null);
    expect(protectingRule(rules, 'h1.dyn.example.com.', 'AAAA')?.text).to.equal('*.dyn.example.com:A+AAAA');
    expect(protectingRule(rules, '_DMARC.Example.com.', 'MX')?.text).to.equal('_dmarc.*');
    expect(protectingRule(rules, 'www.example.com.', 'TXT')).to.equal(null);
    expect(parseProtectRules('none')).to.deep.equal([]);
    expect(protectRulesProblem('a b')).to.match(/is not NAME-GLOB/);
    expect(protectRulesProblem('_acme-challenge.*:TXT')).to.equal(null);
  });
});

describe('core/safety: zone-level checks', () => {
  const www = rr('www.example.com.', 'A', 300, '198.51.100.9');
  it('adoption may add and set the apex SOA/NS, nothing else without approval', () => {
    const adds = planZone({ zone: Z, desired: desiredZone([ns, www, rr('new.example.com.', 'A', 300, '192.0.2.1')]), actual: actual([www], { account: 'hand' }), policy: POLICY, mayDelete: false });
    expect(checkAdoption(adds)).to.equal(null);
    const changes = planZone({ zone: Z, desired: desiredZone([ns, { ...www, records: ['192.0.2.80'] }]), actual: actual([ns, www], { account: 'hand' }), policy: POLICY, mayDelete: false });
    expect(checkAdoption(changes)).to.equal(`${Z}: adopting this zone would change 1 existing rrset(s); approve with sync --zone ${Z} --force, or set NETBOX_PDNS_ADOPT_ZONES=always`);
    expect(checkZonePlan(changes, null, { ...opts, adoption: 'always' })).to.equal(null);
    const kind = planZone({ zone: Z, desired: desiredZone([ns, www]), actual: actual([ns, www], { account: 'hand', kind: 'Master' }), policy: POLICY, mayDelete: false });
    expect(checkAdoption(kind)).to.match(/change its kind from Master to Native/);
  });

  it('an answer with nothing beyond SOA/NS never empties a zone, however small', () => {
    const desired = desiredZone([ns]);
    const plan = planZone({ zone: Z, desired, actual: actual([ns, www]), policy: POLICY, mayDelete: false });
    expect(checkEmptyAnswer(plan, desired)).to.match(/NetBox returned no records beyond SOA and NS, while PowerDNS holds 1 more/);
    expect(checkZonePlan(plan, desired, opts)?.code).to.equal('empty_answer');
    const some = desiredZone([ns, rr('other.example.com.', 'A', 300, '192.0.2.1')]);
    expect(checkEmptyAnswer(planZone({ zone: Z, desired: some, actual: actual([ns, www]), policy: POLICY, mayDelete: false }), some)).to.equal(null);
  });
});
