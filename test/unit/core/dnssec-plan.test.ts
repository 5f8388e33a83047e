/**
 * The signing planner and key lifecycle (pure), driven through whole rollovers in fast-forward: each
 * step's plan is applied to an in-memory PowerDNS signing state, as the apply step would.
 */
import { expect } from 'chai';
import { planSigning, type SigningInput } from '../../../src/core/dnssec/plan.js';
import { desiredSigning } from '../../../src/core/dnssec/policy.js';
import { formatKeyRecords, parseKeyRecords } from '../../../src/core/dnssec/records.js';
import type { ActualSigning, DesiredSigning, SigningPlan, SourceDnssecPolicy } from '../../../src/core/dnssec/types.js';
import { describeSigning } from '../../../src/core/plan-text.js';

const DAY = 86400;
const T0 = 1_800_000_000;

function policy(over: Partial<SourceDnssecPolicy> = {}): SourceDnssecPolicy {
  return {
    id: 1, name: 'p', status: 'active', inline_signing: true, key_templates: [], dnskey_ttl: null, purge_keys: null, publish_safety: 3600,
    retire_safety: 3600, signatures_jitter: null, signatures_refresh: null, signatures_validity: null, signatures_validity_dnskey: null,
    max_zone_ttl: 86400, zone_propagation_delay: 300, create_cdnskey: true, cds_digest_types: ['SHA256'], parent_ds_ttl: 3600,
    parent_propagation_delay: 3600, use_nsec3: false, nsec3_iterations: null, nsec3_opt_out: null, nsec3_salt_size: null, ...over,
  };
}
const template = (type: string, lifetime: number | null, algorithm = 'ECDSAP256SHA256') => ({ id: type.length, name: type, type, algorithm, key_size: null, lifetime });
const desired = (p: SourceDnssecPolicy): DesiredSigning => {
  const d = desiredSigning(p, { soaMinimum: 3600 }).desired;
  if (!d) throw new Error('policy refused');
  return d;
};

/** Applies a plan to the in-memory state the way applySigning does to PowerDNS. */
function apply(actual: ActualSigning, plan: SigningPlan, ids: { next: number }): ActualSigning {
  let keys = actual.keys.map((k) => ({ ...k }));
  const refs = new Map<string, number>();
  let cds = actual.cds;
  let cdnskey = actual.cdnskey;
  let nsec3param = actual.nsec3param;
  for (const c of plan.changes) {
    if (c.op === 'add-key') {
      const id = ids.next++;
      refs.set(c.ref, id);
      const flags = c.role === 'zsk' ? 256 : 257;
      keys.push({ id, flags, algorithm: c.algorithm, bits: 256, active: c.active, published: c.published, dnskey: `${flags} 3 13 k${id}`, ds: flags === 257 ? [`${id} 13 2 aa${id}`, `${id} 13 4 bb${id}`] : [] });
    } else if (c.op === 'set-key') keys = keys.map((k) => (k.id === c.id ? { ...k, active: c.active, published: c.published } : k));
    else if (c.op === 'delete-key') keys = keys.filter((k) => k.id !== c.id);
    else if (c.op === 'nsec3param') nsec3param = c.to;
    else if (c.op === 'metadata' && c.kind === 'PUBLISH-CDS') cds = c.to;
    else if (c.op === 'metadata') cdnskey = c.to;
    else keys = [];
  }
  const records = plan.records === null ? null : parseKeyRecords(formatKeyRecords(plan.records.map((r) => ({ ...r, id: typeof r.id === 'number' ? r.id : refs.get(r.id) ?? -1 }))));
  return { dnssec: keys.some((k) => k.active), nsec3param, keys, cds, cdnskey, records };
}

function runner(d: DesiredSigning, start: ActualSigning | null = null) {
  const ids = { next: 1 };
  let actual: ActualSigning = start ?? { dnssec: false, nsec3param: '', keys: [], cds: [], cdnskey: [], records: null };
  return {
    step(now: number, extra: Partial<SigningInput> = {}): SigningPlan {
      const plan = planSigning({ desired: d, actual, now, parentDs: null, approved: false, salt: (n) => 'ab'.repeat(n), ...extra });
      actual = apply(actual, plan, ids);
      return plan;
    },
    get actual() { return actual; },
    state: () => actual.keys.map((k) => `${k.id}:${k.flags}:${k.active ? 'A' : '-'}${k.published ? 'P' : '-'}:${actual.records?.find((r) => r.id === k.id)?.state ?? '?'}`),
  };
}

describe('dnssec: signing plan', () => {
  it('signs an unsigned zone: one active CSK, NSEC3 with a salt of the asked size, CDS and CDNSKEY', () => {
    const r = runner(desired(policy({ key_templates: [template('CSK', null)], use_nsec3: true, nsec3_iterations: 0, nsec3_salt_size: 4 })));
    const plan = r.step(T0);
    expect(plan.changes.map((c) => c.op)).to.deep.equal(['add-key', 'nsec3param', 'metadata', 'metadata']);
    expect(r.actual.nsec3param).to.equal('1 0 0 abababab');
    expect(r.state()).to.deep.equal(['1:257:AP:active']);
    expect(plan.unsafe).to.equal(null);
    const again = r.step(T0 + 60);
    expect(again.changes).to.deep.equal([]);
    expect(again.recordsChanged).to.equal(false);
  });

  it('reports what PowerDNS cannot express, and refuses a policy it cannot carry out', () => {
    const d = desiredSigning(policy({ key_templates: [template('CSK', null)], dnskey_ttl: 300, signatures_validity: 1209600, inline_signing: false }), { soaMinimum: 3600 });
    expect(d.desired?.unsupported.join('\n')).to.match(/dnskey_ttl 300: PowerDNS serves DNSKEY with the zone's SOA minimum \(3600\)/)
      .and.match(/signatures_validity/).and.match(/inline_signing off/);
    expect(desiredSigning(policy({ key_templates: [template('KSK', null)] }), { soaMinimum: 60 }).errors[0]).to.match(/one CSK, or one KSK and one ZSK/);
    expect(desiredSigning(policy({ key_templates: [template('CSK', null)], use_nsec3: true, nsec3_iterations: 500 }), { soaMinimum: 60 }).errors[0]).to.match(/at most 100/);
  });

  it('rolls a ZSK by pre-publication on its lifetime: publish, then sign with it, then remove the old one', () => {
    const lifetime = 30 * DAY;
    const tPub = 3600 + 3600 + 300;
    const r = runner(desired(policy({ key_templates: [template('KSK', null), template('ZSK', lifetime)] })));
    r.step(T0);
    expect(r.state()).to.deep.equal(['1:257:AP:active', '2:256:AP:active']);
    expect(r.step(T0 + lifetime - tPub - 1).changes).to.deep.equal([]);
    r.step(T0 + lifetime - tPub);
    expect(r.state()).to.deep.equal(['1:257:AP:active', '2:256:AP:active', '3:256:-P:published']);
    const activation = planSigning({ desired: desired(policy({ key_templates: [template('KSK', null), template('ZSK', lifetime)] })), actual: r.actual, now: T0 + lifetime, parentDs: null, approved: false, salt: () => '' });
    expect(describeSigning(activation)).to.deep.equal([
      'dnssec ~ key 3 ZSK → active, published: new ZSK 3 propagated (7500 s): it signs now',
      'dnssec ~ key 2 ZSK → inactive, published: replaced by ZSK 3: stops signing, stays published until its signatures expire from caches',
    ]);
    const waiting = r.step(T0 + lifetime - 1);
    expect(waiting.changes).to.deep.equal([]);
    expect(waiting.waiting[0]).to.match(/new ZSK 3 is in the DNSKEY set/);
    r.step(T0 + lifetime);
    expect(r.state()).to.deep.equal(['1:257:AP:active', '2:256:-P:retired', '3:256:AP:active']);
    expect(r.step(T0 + lifetime + 86400 + 300 + 3600 - 1).changes).to.deep.equal([]);
    const removed = r.step(T0 + lifetime + 86400 + 300 + 3600);
    expect(removed.changes.map((c) => c.op)).to.deep.equal(['delete-key']);
    expect(removed.unsafe).to.equal(null);
    expect(r.state()).to.deep.equal(['1:257:AP:active', '3:256:AP:active']);
  });

  it('rolls a KSK by double signature, waiting for the parent\'s DS of the new key', () => {
    const lifetime = 365 * DAY;
    const r = runner(desired(policy({ key_templates: [template('KSK', lifetime), template('ZSK', null)] })));
    r.step(T0);
    const t1 = T0 + lifetime - 7500;
    r.step(t1);
    expect(r.state()).to.deep.equal(['1:257:AP:active', '2:256:AP:active', '3:257:AP:published']);
    const noDs = r.step(t1 + 7500, { parentDs: ['1 13 2 aa1'] });
    expect(noDs.changes).to.deep.equal([]);
    expect(noDs.waiting[0]).to.match(/waits for the parent's DS of the new key \(3 13 2 aa3\): the parent does not publish it yet/);
    expect(r.step(t1 + DAY).waiting[0]).to.match(/could not be checked/);
    const seen = r.step(t1 + DAY + 10, { parentDs: ['1 13 2 aa1', '3 13 2 aa3'] });
    expect(seen.changes).to.deep.equal([]);
    expect(seen.recordsChanged).to.equal(true);
    expect(r.actual.records?.find((k) => k.id === 3)?.dsSeen).to.equal(t1 + DAY + 10);
    expect(r.step(t1 + DAY + 10 + 7199).changes).to.deep.equal([]);
    r.step(t1 + DAY + 10 + 7200);
    expect(r.state()).to.deep.equal(['1:257:--:retired', '2:256:AP:active', '3:257:AP:active']);
    r.step(t1 + DAY + 10 + 7200 + 3600 + 300 + 3600);
    expect(r.state()).to.deep.equal(['2:256:AP:active', '3:257:AP:active']);
  });

  it('an approval (sync --force) stands in for a parent that cannot be asked', () => {
    const r = runner(desired(policy({ key_templates: [template('CSK', 100 * DAY)] })));
    r.step(T0);
    r.step(T0 + 100 * DAY);
    r.step(T0 + 100 * DAY + 7500, { approved: true });
    expect(r.actual.records?.find((k) => k.id === 2)?.dsSeen).to.equal(T0 + 100 * DAY + 7500);
  });

  it('turning a policy off is one "disable", refused as unsafe; a hand-signed zone without a policy is not ours', () => {
    const r = runner(desired(policy({ key_templates: [template('CSK', null)] })));
    r.step(T0);
    const off = planSigning({ desired: null, actual: r.actual, now: T0, parentDs: null, approved: false, salt: () => '' });
    expect(off.changes.map((c) => c.op)).to.deep.equal(['disable', 'metadata', 'metadata']);
    expect(off.unsafe).to.match(/turning DNSSEC off deletes 1 key\(s\) \(1 active\)/);
    const hand = planSigning({ desired: null, actual: { ...r.actual, records: null }, now: T0, parentDs: null, approved: false, salt: () => '' });
    expect(hand.changes).to.deep.equal([]);
  });

  it('adopts the matching keys of a zone signed by hand, deletes the others only with approval', () => {
    const handKeys: ActualSigning = {
      dnssec: true, nsec3param: '', cds: ['2'], cdnskey: ['1'], records: null,
      keys: [
        { id: 7, flags: 257, algorithm: 'ECDSAP256SHA256', bits: 256, active: true, published: true, dnskey: '257 3 13 x', ds: ['7 13 2 aa7'] },
        { id: 8, flags: 256, algorithm: 'RSASHA256', bits: 1024, active: true, published: true, dnskey: '256 3 8 y', ds: [] },
      ],
    };
    const plan = planSigning({ desired: desired(policy({ key_templates: [template('CSK', null)] })), actual: handKeys, now: T0, parentDs: null, approved: false, salt: () => '' });
    expect(plan.changes.map((c) => `${c.op}${'id' in c ? ` ${c.id}` : ''}`)).to.deep.equal(['delete-key 8']);
    expect(plan.unsafe).to.match(/deleting active key 8 \(RSASHA256, flags 256\)/);
    expect(plan.records?.map((k) => `${k.id} ${k.role} ${k.state}`)).to.deep.equal(['7 csk active']);
  });

  it('a CSK policy turned into KSK+ZSK keeps the flags-257 key and adds a ZSK', () => {
    const r = runner(desired(policy({ key_templates: [template('CSK', null)] })));
    r.step(T0);
    const split = planSigning({ desired: desired(policy({ key_templates: [template('KSK', null), template('ZSK', null)] })), actual: r.actual, now: T0 + 1, parentDs: null, approved: false, salt: () => '' });
    expect(split.changes.map((c) => c.op)).to.deep.equal(['add-key']);
    expect(split.unsafe).to.equal(null);
    expect(split.records?.map((k) => `${k.id} ${k.role}`)).to.deep.equal(['1 ksk', 'new-1 zsk']);
  });
});
