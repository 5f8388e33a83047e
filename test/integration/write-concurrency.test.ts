/**
 * Write concurrency follows the backend, against a real PowerDNS: on gpgsql (a real PostgreSQL) the
 * PATCHes of a full reconcile to different zones run side by side, on sqlite3 they stay one at a
 * time. Observed through the write gate's own count of changes in flight (and the proxy's count of
 * PATCHes in flight), not through timing: each PATCH is held a moment at the proxy so that any
 * overlap the gate allows is sure to happen. The daemon says what it found in its log, /status and
 * /metrics.
 * Whatever the backend, two writes to one zone never overlap (the zone lock), also when events and
 * full reconciles for the same zones arrive at once.
 */
import { expect } from 'chai';
import { startSyncEnv, type SyncEnv } from '../support/sync-env.js';
import { startDaemon } from '../support/daemon-env.js';
import { forEachBackend, LAUNCH_NAME } from '../support/backends.js';
import { queryDns } from '../support/dns.js';
import { waitFor } from '../support/wait.js';
import type { StatusDocument } from '../../src/observability/status-store.js';
import { AUTO_CONCURRENT_WRITES } from '../../src/pdns/backend.js';
import { overlappingPairs, timeWrites } from '../support/write-spans.js';

const ZONES = Array.from({ length: 8 }, (_, i) => `w${i}.example`);

describe('write concurrency per PowerDNS backend', function () {
  this.timeout(60_000);

  forEachBackend((backend) => {
    const concurrent = backend === 'pgsql';
    let env: SyncEnv;

    before(async () => {
      env = await startSyncEnv({ backend });
      for (const zone of ZONES) {
        env.netbox.store.createZone({ name: zone, nameservers: ['ns1.example.net'], soa_mname: 'ns1.example.net', soa_rname: `hostmaster.${zone}` });
        env.netbox.store.createRecord({ zone, name: 'www', type: 'A', value: '192.0.2.1', disable_ptr: true });
      }
      expect((await env.core().core.engine.fullReconcile('cli')).outcome).to.equal('success');
    });
    after(async () => env?.stop());

    it(concurrent ? 'runs PATCHes to different zones side by side (auto: detected from /config)' : 'keeps PATCHes one at a time (auto: detected from /config)', async () => {
      for (const zone of ZONES) {
        const www = env.netbox.store.listRecords({ zone }).find((r) => r.name === 'www');
        env.netbox.store.updateRecord(Number(www?.id), { value: '192.0.2.2' });
      }
      // Each PATCH waits a moment at the proxy: wide windows for any overlap the gate lets through.
      for (const _ of ZONES) env.proxy.enqueue({ method: 'PATCH', delayMs: 150 });
      env.proxy.maxInFlight.clear();
      const { core, logs } = env.core({ NETBOX_PDNS_WORKERS: '8' });
      const result = await core.engine.fullReconcile('cli');
      expect(result.outcome).to.equal('success');
      expect(result.zones.map((z) => z.outcome)).to.deep.equal(ZONES.map(() => 'changed'));

      const writes = core.pdnsWrites.get('default')?.state();
      expect(writes).to.include({ setting: 'auto', backend: LAUNCH_NAME[backend], source: 'detected', inFlight: 0 });
      if (concurrent) {
        expect(writes?.concurrency).to.equal(AUTO_CONCURRENT_WRITES);
        expect(writes?.peakChanges, 'changes in flight at once').to.be.at.least(2);
        expect(env.proxy.maxInFlight.get('PATCH'), 'PATCHes PowerDNS had in flight at once').to.be.at.least(2);
      } else {
        expect(writes?.concurrency).to.equal(1);
        expect(writes?.peakChanges).to.equal(1);
        expect(env.proxy.maxInFlight.get('PATCH')).to.equal(1);
      }
      expect(logs.map((l) => l.message)).to.include(`PowerDNS: backend ${LAUNCH_NAME[backend]}, write concurrency ${writes?.concurrency} (auto)`);
      for (const zone of ZONES) expect((await queryDns(env.pdns.dnsPort, `www.${zone}`, 'A')).answers).to.deep.equal(['192.0.2.2']);
    });

    it('a configured concurrency is used as it is', async () => {
      for (const zone of ZONES) {
        const www = env.netbox.store.listRecords({ zone }).find((r) => r.name === 'www');
        env.netbox.store.updateRecord(Number(www?.id), { value: '192.0.2.3' });
      }
      for (const _ of ZONES) env.proxy.enqueue({ method: 'PATCH', delayMs: 100 });
      const { core } = env.core({ NETBOX_PDNS_WORKERS: '8', NETBOX_PDNS_PDNS_CONCURRENT_WRITES: concurrent ? '2' : '1' });
      expect((await core.engine.fullReconcile('cli')).outcome).to.equal('success');
      expect(core.pdnsWrites.get('default')?.state()).to.include({ setting: concurrent ? 2 : 1, concurrency: concurrent ? 2 : 1, source: 'configured', peakChanges: concurrent ? 2 : 1 });
    });

    it('the daemon logs the backend and its write concurrency at start, and /status shows them per target', async () => {
      const d = await startDaemon(env, { NETBOX_PDNS_SYNC_ON_STARTUP: 'false' });
      try {
        const status = await waitFor(async () => {
          const doc = (await (await d.get('/status')).json()) as StatusDocument;
          return doc.targets.default?.backend ? doc : undefined;
        }, { message: '/status to show the backend' });
        expect(status.targets.default).to.include({
          backend: LAUNCH_NAME[backend], write_concurrency: concurrent ? AUTO_CONCURRENT_WRITES : 1, write_concurrency_source: 'detected', writes_in_flight: 0,
        });
        expect(d.logs.map((l) => l.message)).to.include(`PowerDNS: backend ${LAUNCH_NAME[backend]}, write concurrency ${concurrent ? AUTO_CONCURRENT_WRITES : 1} (auto)`);
        expect(await d.metric('netbox_pdns_pdns_write_concurrency', { server: 'default' })).to.equal(concurrent ? AUTO_CONCURRENT_WRITES : 1);
        expect(await d.metric('netbox_pdns_pdns_writes_in_flight', { server: 'default' })).to.equal(0);
      } finally {
        await d.stop();
      }
    });

    it('events and full reconciles for the same zones at once: writes to one zone never overlap', async () => {
      const d = await startDaemon(env, { NETBOX_PDNS_SYNC_ON_STARTUP: 'false', NETBOX_PDNS_WORKERS: '8' });
      try {
        const spans = timeWrites(env.proxy);
        for (const zone of ZONES) for (let i = 0; i < 2; i++) env.netbox.store.createRecord({ zone, name: `conc${i}`, type: 'A', value: `198.51.100.${i + 1}`, disable_ptr: true });
        for (let i = 0; i < 2 * ZONES.length; i++) env.proxy.enqueue({ method: 'PATCH', delayMs: 60 });
        const pub = await d.publisher();
        const compact = (zone: string): string => JSON.stringify({ zone, serial: 1, event: 'update', timestamp: 1 });
        const { engine } = d.daemon.core;
        const reconciles = [engine.fullReconcile('api'), engine.fullReconcile('api')];
        await Promise.all(ZONES.flatMap((zone) => Array.from({ length: 3 }, () => pub.publishAsync(`dns/zones/${zone}/update`, compact(zone), { qos: 1 }))));
        expect((await Promise.all(reconciles)).map((r) => r.outcome)).to.deep.equal(['success', 'success']);
        await waitFor(() => engine.runner.pending() === 0 && engine.runner.running() === 0, { message: 'the queue to be idle' });
        expect(spans.length).to.be.at.least(ZONES.length);
        expect(spans.every((w) => w.end !== undefined), 'every write answered').to.equal(true);
        const sameZone = overlappingPairs(spans).filter(([a, b]) => a.url === b.url).map(([a, b]) => `${b.method} ${b.url} began before ${a.method} ${a.url} ended`);
        expect(sameZone).to.deep.equal([]);
        const peak = d.daemon.core.pdnsWrites.get('default')?.state().peakChanges ?? 0;
        if (!concurrent) expect(peak).to.equal(1);
        for (const zone of ZONES) expect((await queryDns(env.pdns.dnsPort, `conc1.${zone}`, 'A')).answers).to.deep.equal(['198.51.100.2']);
      } finally {
        await d.stop();
      }
    });
  });
});
