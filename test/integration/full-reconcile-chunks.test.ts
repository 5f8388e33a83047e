/**
 * The full reconcile reads NetBox records in chunks of zones and works on each chunk as soon as it is
 * read. When a later chunk cannot be read: the zones already read are synced, the others are reported
 * failed and not written, and no zone is deleted.
 */
import { expect } from 'chai';
import { startSyncEnv, type SyncEnv } from '../support/sync-env.js';
import { runFullReconcile } from '../../src/reconcile/full.js';
import { createMemoryLogger } from '../../src/util/log.js';
import { systemClock } from '../../src/util/clock.js';
import type { NetboxSource } from '../../src/netbox/source.js';
import { createTargetMemory } from '../../src/reconcile/memory.js';
import { createReadLedger } from '../../src/reconcile/ledger.js';
import { createZoneReader } from '../../src/reconcile/read.js';
import { runZoneTask } from '../../src/reconcile/zone-task.js';

describe('full reconcile in chunks', function () {
  this.timeout(30_000);
  let env: SyncEnv;
  const ZONES = ['c1.example', 'c2.example', 'c3.example'];

  before(async () => {
    env = await startSyncEnv();
    for (const zone of ZONES) {
      env.netbox.store.createZone({ name: zone, nameservers: ['ns1.example.net'], soa_mname: 'ns1.example.net', soa_rname: `hostmaster.${zone}` });
      env.netbox.store.createRecord({ zone, name: 'www', type: 'A', value: '192.0.2.1', disable_ptr: true });
    }
    // An owned zone NetBox no longer has: a deletion candidate.
    await env.direct.client.createZone({ name: 'old.example.', kind: 'Native', account: 'netbox-pdns', soa_edit_api: '', nameservers: ['ns1.example.net.'], rrsets: [] });
  });
  after(async () => env?.stop());

  it('syncs the zones of chunks read whole, fails the rest, and deletes nothing after a failed read', async () => {
    const { core } = env.core();
    let reads = 0;
    // The real NetBox client; the fake NetBox is told to refuse the second bulk read.
    const netbox: NetboxSource = {
      ...core.netbox,
      listRecords: (ids) => {
        reads += 1;
        if (reads === 2) env.netbox.faults.next({ status: 403 }, 1);
        return core.netbox.listRecords(ids);
      },
    };
    const { logger } = createMemoryLogger();
    const targets = core.targets.map((target) => ({ target, memory: createTargetMemory() }));
    const ledger = createReadLedger();
    const settings = { dryRun: false };
    const result = await runFullReconcile({
      netbox, targets, logger, clock: systemClock, settings, ledger, concurrency: 4, recordChunkZones: 1,
      runZone: (zone, options) => runZoneTask(zone, { reader: createZoneReader(netbox, targets.map((t) => t.target.scope)), targets, logger, clock: systemClock, settings, ledger }, options),
    }, 'cli');
    expect(result.outcome).to.equal('failure');
    expect(result.error).to.match(/403/);
    const outcomes = Object.fromEntries(result.zones.map((z) => [z.zone, z.outcome]));
    expect(outcomes).to.deep.equal({
      'c1.example.': 'created', 'c2.example.': 'failed', 'c3.example.': 'failed', 'old.example.': 'failed',
    });
    expect(await env.direct.client.getZone('c1.example.')).to.not.equal(null);
    expect(await env.direct.client.getZone('c2.example.')).to.equal(null);
    expect(await env.direct.client.getZone('old.example.')).to.not.equal(null);
  });
});
