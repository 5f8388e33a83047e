import { expect } from 'chai';
import { createStatusStore, type StatusExtra } from '../../../src/observability/status-store.js';
import type { CatalogState, SecondaryState } from '../../../src/observability/status-types.js';
import { ManualClock } from '../../support/manual-clock.js';

const base: StatusExtra = { scheduler: { running: true, next_run: null, next_quick_run: null }, mqtt: { enabled: false }, queue: { pending: 0, running: 0 }, lock_contention_events: 0 };

describe('status store: replication', () => {
  it('shows catalogs and secondaries, and warns about a lag lasting 10 minutes and a failed catalog bump', () => {
    const clock = new ManualClock();
    const store = createStatusStore({ clock, initialSyncWarningMs: 300_000 });
    store.initialSyncStarted();
    store.initialSyncFinished();
    const since = new Date(clock.now()).toISOString();
    const secondary: SecondaryState = {
      address: '192.0.2.53', target: 'default', last_check: since, last_error: null, zones_checked: 3, zones_lagging: 1,
      lagging: [{ zone: 'a.example.', primary_serial: 5, secondary_serial: 4, since }],
    };
    const catalog: CatalogState = { zone: 'catalog.invalid.', members: 3, last_change: since, serial: 1796000000, last_error: null };
    const doc = (over: Partial<CatalogState> = {}) => store.snapshot({ ...base, replication: { catalogs: { default: { ...catalog, ...over } }, secondaries: [secondary] } });
    expect(doc().replication?.catalogs.default).to.deep.equal(catalog);
    expect(doc().status).to.equal('Healthy');
    clock.advance(10 * 60_000);
    expect(doc().status).to.equal('Warning');
    expect(doc().problems).to.deep.equal(['secondary 192.0.2.53 lags on 1 zone(s) for over 10 min (see replication.secondaries)']);
    expect(doc({ last_error: 'timeout' }).problems[0]).to.equal('catalog zone catalog.invalid. of default: the last bump/NOTIFY failed: timeout');
    expect(store.snapshot(base).replication).to.equal(undefined);
  });
});
