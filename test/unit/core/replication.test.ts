import { expect } from 'chai';
import { planCatalog } from '../../../src/core/catalog.js';
import { planZone, type PlanPolicy } from '../../../src/core/plan.js';
import { describeZonePlan } from '../../../src/core/plan-text.js';
import { transferChanges } from '../../../src/core/transfer.js';
import type { ActualZone } from '../../../src/core/types.js';
import { desiredZone, rr, soa } from './fixtures.js';

const Z = 'example.com.';
const CAT = 'catalog.invalid.';
const SERIAL = 1760000123;
const TRANSFER = { alsoNotify: ['192.0.2.53'], allowAxfrFrom: ['192.0.2.0/24'], tsigKeys: ['xfr-key.'] };
const POLICY: PlanPolicy = { ownerId: 'netbox-pdns', adoption: 'safe', zoneKind: 'Master', protect: [], recordOwnership: false, catalog: CAT, transfer: TRANSFER };
const ns = rr(Z, 'NS', 3600, 'ns1.example.net.');
const actual = (over: Partial<ActualZone> = {}): ActualZone => ({
  name: Z, id: Z, kind: 'Master', account: 'netbox-pdns', soaEditApi: '', serial: SERIAL, catalog: CAT,
  transfer: { ...TRANSFER, tsigKeys: ['xfr-key'] }, rrsets: [ns, rr(Z, 'SOA', 3600, soa(SERIAL))], ...over,
});

describe('core: catalog membership and transfer settings in the plan', () => {
  it('a created zone joins the catalog and carries the configured transfer settings, and plan says so', () => {
    const plan = planZone({ zone: Z, desired: desiredZone([ns]), actual: null, policy: POLICY, mayDelete: false });
    expect(plan.settings.slice(3)).to.deep.equal([
      { field: 'catalog', from: null, to: CAT },
      { field: 'also_notify', from: null, to: '192.0.2.53' },
      { field: 'allow_axfr_from', from: null, to: '192.0.2.0/24' },
      { field: 'tsig_allow_axfr', from: null, to: 'xfr-key.' },
    ]);
    expect(describeZonePlan(plan)[0]).to.equal('* catalog: (none) → "catalog.invalid." (then the catalog serial is bumped and NOTIFYed)');
  });

  it('a zone in step plans nothing; membership and transfer drift are repaired both ways', () => {
    expect(planZone({ zone: Z, desired: desiredZone([ns]), actual: actual(), policy: POLICY, mayDelete: false }).settings).to.deep.equal([]);
    const drift = planZone({
      zone: Z, desired: desiredZone([ns]), policy: POLICY, mayDelete: false,
      actual: actual({ catalog: 'other.invalid.', transfer: { alsoNotify: ['192.0.2.53', '198.51.100.1'], allowAxfrFrom: [], tsigKeys: [] } }),
    });
    expect(drift.settings).to.deep.equal([
      { field: 'catalog', from: 'other.invalid.', to: CAT },
      { field: 'also_notify', from: '192.0.2.53,198.51.100.1', to: '192.0.2.53' },
      { field: 'allow_axfr_from', from: '', to: '192.0.2.0/24' },
      { field: 'tsig_allow_axfr', from: '', to: 'xfr-key.' },
    ]);
  });

  it('without a catalog or transfer policy, membership and metadata are left as they are', () => {
    const { catalog: _c, transfer: _t, ...plain } = POLICY;
    expect(planZone({ zone: Z, desired: desiredZone([ns]), actual: actual({ catalog: '' }), policy: plain, mayDelete: false }).settings).to.deep.equal([]);
    expect(transferChanges({ alsoNotify: [], allowAxfrFrom: [], tsigKeys: [] }, null)).to.deep.equal([]);
  });

  it('plans the catalog as a Producer with EPOCH serials, and never takes over a foreign non-producer zone', () => {
    const created = planCatalog(null, { name: CAT, ownerId: 'netbox-pdns', adoption: 'safe' });
    expect(created.action).to.equal('create');
    expect(created.settings.slice(0, 3).map((s) => `${s.field}=${s.to}`)).to.deep.equal(['kind=Producer', 'account=netbox-pdns', 'soa_edit_api=EPOCH']);
    const cat = (over: Partial<ActualZone>): ActualZone => ({ name: CAT, id: CAT, kind: 'Producer', account: 'netbox-pdns', soaEditApi: 'EPOCH', serial: 1, rrsets: [], ...over });
    expect(planCatalog(cat({}), { name: CAT, ownerId: 'netbox-pdns', adoption: 'safe' }).settings).to.deep.equal([]);
    expect(planCatalog(cat({ soaEditApi: 'DEFAULT' }), { name: CAT, ownerId: 'netbox-pdns', adoption: 'safe' }).settings)
      .to.deep.equal([{ field: 'soa_edit_api', from: 'DEFAULT', to: 'EPOCH' }]);
    expect(planCatalog(cat({ kind: 'Native', account: '' }), { name: CAT, ownerId: 'netbox-pdns', adoption: 'safe' }).action).to.equal('skip');
    expect(planCatalog(cat({ account: '' }), { name: CAT, ownerId: 'netbox-pdns', adoption: 'safe' }).action).to.equal('adopt');
  });
});
