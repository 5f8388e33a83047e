/**
 * Approvals and the audit trail over the strict in-memory fakes: with two PowerDNS targets an
 * approval applies the plan on the target whose plan has that id and touches the other not at all;
 * several events coalesced into one write keep every NetBox user and request in the audit record.
 */
import { expect } from 'chai';
import { harness, netboxZone } from './harness.js';
import type { MemoryPdns } from '../fakes/pdns-memory.js';

const rr = (name: string, type: string, content: string) => ({ name, type, changetype: 'REPLACE' as const, ttl: 60, records: [{ content, disabled: false }] });

describe('component: approvals and audit', () => {
  it('with two targets, approves on the target whose plan has the id, and only there', async () => {
    const h = harness({ targets: [{ name: 'dc1' }, { name: 'dc2' }] });
    netboxZone(h.store, 'two.example', [['www', 'A', '192.0.2.1']]);
    const [dc1, dc2] = h.pdns as [MemoryPdns, MemoryPdns];
    // dc2 holds a hand-made copy: its adoption is refused; dc1 simply creates the zone.
    await dc2.createZone({ name: 'two.example.', kind: 'Native', account: '', soa_edit_api: '', nameservers: [], rrsets: [rr('www.two.example.', 'A', '198.51.100.1')] });
    const first = await h.engine.fullReconcile('startup');
    expect(first.zones.map((z) => [z.target, z.outcome])).to.deep.equal([['dc1', 'created'], ['dc2', 'refused']]);
    const pending = h.engine.pendingApprovals();
    expect(pending.map((p) => [p.zone, p.target])).to.deep.equal([['two.example.', 'dc2']]);
    const dc1Writes = dc1.writes().length;

    const outcome = await h.engine.approve('two.example.', { planId: pending[0]?.planId ?? '', by: 'cli:ops', via: 'cli' });
    expect(outcome).to.include({ result: 'applied', target: 'dc2' });
    expect(outcome.results.map((r) => r.target)).to.deep.equal(['dc2']);
    expect(dc2.rrset('two.example.', 'www.two.example.', 'A')?.records.map((r) => r.content)).to.deep.equal(['192.0.2.1']);
    expect(dc1.writes().length).to.equal(dc1Writes);
    expect(h.engine.pendingApprovals()).to.deep.equal([]);
    expect(h.audit.filter((a) => a.trigger === 'approval').every((a) => a.target === 'dc2' && a.approved_by === 'cli:ops')).to.equal(true);

    // An id no server's plan has now: nothing is applied anywhere.
    const stale = await h.engine.approve('two.example.', { planId: 'abcdefabcdef', by: 'cli:ops', via: 'cli' });
    expect(stale.result).to.equal('stale');
  });

  it('a write serving several coalesced events records each NetBox user and request', async () => {
    const h = harness();
    netboxZone(h.store, 'co.example', [['www', 'A', '192.0.2.1']]);
    await h.engine.fullReconcile('startup');
    h.store.createRecord({ zone: 'co.example', name: 'a', type: 'A', value: '192.0.2.2', disable_ptr: true });
    // Hold the first run's write so the next two events wait behind it and coalesce into one run.
    const pdns = h.pdns[0] as MemoryPdns;
    const held = pdns.hold('patchRRsets');
    h.engine.runner.enqueue('co.example.', 'event', 0, false, { username: 'busy', requestId: 'r0' });
    await held.reached;
    h.store.createRecord({ zone: 'co.example', name: 'b', type: 'A', value: '192.0.2.3', disable_ptr: true });
    h.engine.runner.enqueue('co.example.', 'event', 0, false, { username: 'alice', requestId: 'r1' });
    h.engine.runner.enqueue('co.example.', 'event', 0, false, { username: 'bob', requestId: 'r2' });
    held.release();
    await h.engine.runner.idle();
    expect(h.audit.find((a) => a.name === 'a.co.example.')).to.deep.include({ netbox_username: 'busy', netbox_request_id: 'r0' });
    const b = h.audit.find((a) => a.name === 'b.co.example.');
    expect(b).to.deep.include({ trigger: 'event', netbox_username: 'bob', netbox_request_id: 'r2' });
    expect(b?.netbox_events).to.deep.equal([{ username: 'alice', request_id: 'r1' }, { username: 'bob', request_id: 'r2' }]);
  });
});
