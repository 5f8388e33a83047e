import { expect } from 'chai';
import { createStatusStore, type StatusExtra, type ZoneStatus } from '../../../src/observability/status-store.js';
import type { ZoneResult } from '../../../src/reconcile/types.js';
import { ManualClock } from '../../support/manual-clock.js';

const extra: StatusExtra = {
  scheduler: { running: true, next_run: '2025-01-01T06:00:00.000Z', next_quick_run: null },
  mqtt: { enabled: false },
  queue: { pending: 2, running: 1 },
  lock_contention_events: 3,
};

function result(clock: ManualClock, zone: string, outcome: ZoneResult['outcome'], over: Partial<ZoneResult> = {}): ZoneResult {
  return {
    zone, target: 'localhost', trigger: 'cron', outcome, changes: { creates: 1, updates: 2, deletes: 0 }, rejected: [], dryRun: false, warnings: [],
    durationMs: 12.4, finishedAt: clock.now(), ...over,
  };
}

function setup(over: { recentFailureWindowMs?: number; maxZones?: number } = {}) {
  const clock = new ManualClock();
  const store = createStatusStore({ clock, initialSyncWarningMs: 300_000, ...over });
  return { clock, store, doc: () => store.snapshot(extra) };
}

describe('status store', () => {
  describe('overall status', () => {
    it('Healthy → Warning after 5 minutes without a completed initial sync → Healthy once it completes', () => {
      const { clock, store, doc } = setup();
      store.initialSyncStarted();
      expect(doc().status).to.equal('Healthy');
      clock.advance(299_999);
      expect(doc().status).to.equal('Healthy');
      clock.advance(1);
      expect(doc().status).to.equal('Warning');
      expect(doc().initial_sync).to.deep.equal({ started: true, completed: false, error: null, start_time: '2025-01-01T00:00:00.000Z' });
      store.recordFullReconcile({ outcome: 'success', durationMs: 1000 });
      store.initialSyncFinished();
      expect(doc().status).to.equal('Healthy');
      expect(doc().initial_sync.completed).to.equal(true);
    });

    it('without an initial sync (sync on startup off), a successful full reconcile clears the Warning', () => {
      const { clock, store, doc } = setup();
      clock.advance(600_000);
      expect(doc().status).to.equal('Warning');
      store.recordFullReconcile({ outcome: 'success', durationMs: 5 });
      expect(doc().status).to.equal('Healthy');
      expect(doc().initial_sync.started).to.equal(false);
    });

    it('Degraded when the initial sync failed, until a full reconcile succeeds', () => {
      const { store, doc } = setup();
      store.initialSyncStarted();
      store.recordFullReconcile({ outcome: 'failure', error: 'NetBox unreachable', durationMs: 10 });
      store.initialSyncFinished('NetBox unreachable');
      expect(doc().status).to.equal('Degraded');
      expect(doc().initial_sync).to.include({ completed: false, error: 'NetBox unreachable' });
      store.recordFullReconcile({ outcome: 'success', durationMs: 10 });
      expect(doc().status).to.equal('Healthy');
    });

    it('Degraded while the last full reconcile failed', () => {
      const { store, doc } = setup();
      store.recordFullReconcile({ outcome: 'success', durationMs: 10 });
      store.recordFullReconcile({ outcome: 'failure', error: 'boom', durationMs: 10 });
      expect(doc().status).to.equal('Degraded');
      expect(doc().reliability.last_reconcile).to.include({ outcome: 'failure', error: 'boom', duration_ms: 10 });
      store.recordFullReconcile({ outcome: 'refused', error: 'too many zone deletions', durationMs: 10 });
      expect(doc().status).to.equal('Warning');
      // Refused only for zone plans, since approved: nothing is left waiting.
      store.recordFullReconcile({ outcome: 'refused', durationMs: 10 });
      expect(doc().status).to.equal('Healthy');
    });

    it('Degraded while PowerDNS is failing, Healthy again on the next good call', () => {
      const { clock, store, doc } = setup();
      store.recordFullReconcile({ outcome: 'success', durationMs: 10 });
      clock.advance(1000);
      store.recordUpstream('pdns', false, 'PATCH zone: 503');
      expect(doc().status).to.equal('Degraded');
      expect(doc().upstreams.pdns).to.deep.equal({ ok: false, last_error: 'PATCH zone: 503', last_error_at: '2025-01-01T00:00:01.000Z' });
      expect(doc().upstreams.netbox).to.deep.equal({ ok: true, last_error: null, last_error_at: null });
      store.recordUpstream('pdns', true);
      expect(doc().status).to.equal('Healthy');
      // The last error stays visible for diagnosis.
      expect(doc().upstreams.pdns).to.include({ ok: true, last_error: 'PATCH zone: 503' });
    });

    it('Degraded while NetBox is failing', () => {
      const { store, doc } = setup();
      store.recordUpstream('netbox', false, 'GET zones: timeout');
      expect(doc().status).to.equal('Degraded');
    });
  });

  describe('zones', () => {
    it('a KSK rollover waiting for the parent\'s DS is a Warning, and counted per parent DS state', () => {
      const { clock, store, doc } = setup();
      store.initialSyncStarted();
      store.initialSyncFinished();
      const dnssec = { policy: 'p', parent: 'missing' as const, ds: [], stale_at_parent: [], waiting: ['KSK rollover waits'], waiting_for_ds: true, unsupported: [] };
      store.recordZoneResult(result(clock, 'signed.example.', 'unchanged', { dnssec }));
      expect(doc().status).to.equal('Warning');
      expect(doc().problems).to.deep.equal(['1 zone(s) roll a KSK and wait for the parent to publish the new DS (netbox-pdns ds ZONE shows it)']);
      expect(store.counts('localhost').dnssec).to.deep.equal({ missing: 1 });
      expect(store.counts('localhost').waitingForDs).to.equal(1);
      store.recordZoneResult(result(clock, 'signed.example.', 'unchanged', { dnssec: { ...dnssec, parent: 'published', waiting_for_ds: false } }));
      expect(doc().status).to.equal('Healthy');
      expect(store.counts('localhost').dnssec).to.deep.equal({ published: 1 });
    });

    it('lists failing and refused zones and drops them when the zone succeeds', () => {
      const { clock, store, doc } = setup();
      store.recordZoneResult(result(clock, 'b.example.', 'failed', { error: 'PowerDNS 422: bad content', failureReason: 'pdns_rejected' }));
      store.recordZoneResult(result(clock, 'a.example.', 'refused', { error: 'plan deletes 80% of rrsets' }));
      store.recordZoneResult(result(clock, 'c.example.', 'unchanged'));
      expect(doc().zones.managed).to.equal(3);
      expect(doc().zones.failing_count).to.equal(2);
      expect(doc().zones.failing).to.deep.equal([
        { zone: 'a.example.', target: 'localhost', outcome: 'refused', at: '2025-01-01T00:00:00.000Z', changes: { creates: 1, updates: 2, deletes: 0 }, error: 'plan deletes 80% of rrsets' },
        { zone: 'b.example.', target: 'localhost', outcome: 'failed', at: '2025-01-01T00:00:00.000Z', changes: { creates: 1, updates: 2, deletes: 0 }, error: 'PowerDNS 422: bad content' },
      ]);
      clock.advance(5000);
      store.recordZoneResult(result(clock, 'b.example.', 'changed'));
      expect(doc().zones.failing.map((z) => z.zone)).to.deep.equal(['a.example.']);
    });

    it('leaves failures older than the window out of the list', () => {
      const { clock, store, doc } = setup({ recentFailureWindowMs: 60_000 });
      store.recordZoneResult(result(clock, 'a.example.', 'failed', { error: 'x' }));
      clock.advance(60_001);
      expect(doc().zones.failing).to.deep.equal([]);
      expect((store.zoneStatus('a.example.') as ZoneStatus | null)?.outcome).to.equal('failed');
    });

    it('does not count deleted or skipped zones as managed', () => {
      const { clock, store, doc } = setup();
      store.recordZoneResult(result(clock, 'a.example.', 'deleted'));
      store.recordZoneResult(result(clock, 'b.example.', 'skipped'));
      store.recordZoneResult(result(clock, 'c.example.', 'created'));
      expect(doc().zones.managed).to.equal(1);
    });

    it('zoneStatus gives the last result, with or without the trailing dot, any case', () => {
      const { clock, store } = setup();
      store.recordZoneResult(result(clock, 'example.org.', 'failed', { error: 'e1', warnings: ['w'], failureReason: 'pdns_unavailable' }));
      clock.advance(1000);
      store.recordZoneResult(result(clock, 'example.org.', 'changed', { plan: { zone: 'example.org.', kept: [] } as unknown as ZoneResult['plan'] }));
      const expected = {
        zone: 'example.org.', target: 'localhost', outcome: 'changed', at: '2025-01-01T00:00:01.000Z', changes: { creates: 1, updates: 2, deletes: 0 },
        error: null, failure_reason: null, refusal: null, rejected: [], kept: [], warnings: [], dnssec: null, dry_run: false, duration_ms: 12,
      };
      expect(store.zoneStatus('example.org.')).to.deep.equal(expected);
      expect(store.zoneStatus('Example.ORG')).to.deep.equal(expected);
      expect(store.zoneStatus('example.net')).to.equal(null);
    });

    it('keeps one entry per zone and at most maxZones', () => {
      const { clock, store, doc } = setup({ maxZones: 3 });
      for (let i = 0; i < 10; i += 1) store.recordZoneResult(result(clock, 'same.example.', 'changed'));
      expect(doc().zones.managed).to.equal(1);
      for (let i = 0; i < 10; i += 1) store.recordZoneResult(result(clock, `z${i}.example.`, 'changed'));
      expect(doc().zones.managed).to.equal(3);
      expect(store.zoneStatus('z9.example.')).to.not.equal(null);
      expect(store.zoneStatus('z0.example.')).to.equal(null);
    });

    it('forgets the zones a complete full reconcile no longer met, per target', () => {
      const { clock, store, doc } = setup();
      for (const zone of ['kept.example.', 'gone.example.']) {
        store.recordZoneResult(result(clock, zone, 'failed'));
        store.recordZoneResult(result(clock, zone, 'changed', { target: 'dc2' }));
      }
      expect(store.zoneEntries()).to.equal(4);
      const dropped = store.pruneZones([{ zone: 'kept.example.', target: 'localhost' }, { zone: 'Kept.Example', target: 'dc2' }, { zone: 'gone.example.', target: 'dc2' }]);
      expect(dropped).to.equal(1);
      expect(store.zoneEntries()).to.equal(3);
      expect(doc().zones.failing.map((f) => f.zone)).to.deep.equal(['kept.example.']);
      expect(store.zoneStatus('gone.example.')).to.deep.include({ target: 'dc2' });
    });

    it('cuts long error strings', () => {
      const { clock, store } = setup();
      store.recordZoneResult(result(clock, 'a.example.', 'failed', { error: 'x'.repeat(10_000) }));
      expect((store.zoneStatus('a.example.') as ZoneStatus | null)?.error?.length).to.be.at.most(501);
    });
  });

  describe('reliability', () => {
    it('sync_success_rate over recent full reconciles; null before the first', () => {
      const { store, doc } = setup();
      expect(doc().reliability.sync_success_rate).to.equal(null);
      store.recordFullReconcile({ outcome: 'success', durationMs: 1 });
      store.recordFullReconcile({ outcome: 'failure', durationMs: 1 });
      store.recordFullReconcile({ outcome: 'success', durationMs: 1 });
      store.recordFullReconcile({ outcome: 'refused', durationMs: 1 });
      expect(doc().reliability.sync_success_rate).to.equal(0.5);
      for (let i = 0; i < 20; i += 1) store.recordFullReconcile({ outcome: 'success', durationMs: 1 });
      expect(doc().reliability.sync_success_rate).to.equal(1);
    });

    it('last_sync is the last successful full reconcile', () => {
      const { clock, store, doc } = setup();
      expect(doc().reliability.last_sync).to.equal(null);
      clock.advance(1000);
      store.recordFullReconcile({ outcome: 'success', durationMs: 1 });
      clock.advance(1000);
      store.recordFullReconcile({ outcome: 'failure', durationMs: 1 });
      expect(doc().reliability.last_sync).to.equal('2025-01-01T00:00:01.000Z');
      expect(doc().reliability.last_reconcile?.at).to.equal('2025-01-01T00:00:02.000Z');
    });

    it('average_retry_rate is retries per upstream request', () => {
      const { store, doc } = setup();
      expect(doc().reliability.average_retry_rate).to.equal(0);
      for (let i = 0; i < 8; i += 1) store.recordUpstream('pdns', true);
      store.recordUpstream('netbox', true);
      store.recordUpstream('netbox', true);
      store.recordRetry();
      expect(doc().reliability.average_retry_rate).to.equal(0.1);
    });

    it('carries what the daemon passes in (scheduler, mqtt, queue, lock contention) and the uptime', () => {
      const { clock, doc } = setup();
      clock.advance(12_345);
      const d = doc();
      expect(d.uptime_seconds).to.equal(12.35);
      expect(d.scheduler).to.deep.equal(extra.scheduler);
      expect(d.mqtt).to.deep.equal({ enabled: false });
      expect(d.queue).to.deep.equal({ pending: 2, running: 1 });
      expect(d.reliability.lock_contention_events).to.equal(3);
      expect(Object.keys(d)).to.deep.equal(['status', 'problems', 'uptime_seconds', 'initial_sync', 'scheduler', 'mqtt', 'queue', 'reliability', 'upstreams', 'pending_approvals', 'targets', 'zones']);
    });
  });
});
