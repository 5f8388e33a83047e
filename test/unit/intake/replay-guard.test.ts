import { expect } from 'chai';
import { CLOCK_SKEW_MS, createReplayGuard } from '../../../src/intake/replay-guard.js';
import { ManualClock } from '../../support/manual-clock.js';

const T0 = Date.parse('2026-03-06T15:11:23.503186+00:00');
const WINDOW_MS = 900_000;

/** A NetBox-like body stamped `offsetMs` from T0, in Python isoformat (microseconds, +00:00). */
function body(offsetMs: number, id = 1): { raw: Buffer; timestamp: string } {
  const timestamp = new Date(T0 + offsetMs).toISOString().replace('Z', '186+00:00');
  return { raw: Buffer.from(`{"event": "updated", "timestamp": "${timestamp}", "data": {"id": ${id}}}`), timestamp };
}

function guard(clock: ManualClock, maxEntries?: number) {
  return createReplayGuard({ maxAgeMs: WINDOW_MS, clock, ...(maxEntries !== undefined ? { maxEntries } : {}) });
}

describe('webhook replay guard', () => {
  it('admits a fresh body once and calls the same bytes again a replay', () => {
    const clock = new ManualClock(T0 + 1_000);
    const g = guard(clock);
    const b = body(0);
    expect(g.admit(b.raw, b.timestamp).ok).to.equal(true);
    expect(g.admit(b.raw, b.timestamp)).to.deep.equal({ ok: false, reason: 'replayed', detail: 'this exact body was accepted before' });
    clock.advance(WINDOW_MS - 2_000);
    expect(g.admit(b.raw, b.timestamp).ok, 'still inside the window').to.equal(false);
    const other = body(0, 2);
    expect(g.admit(other.raw, other.timestamp).ok, 'a different body with the same timestamp').to.equal(true);
  });

  it('reads NetBox timestamps (microseconds, offsets) and refuses naive or malformed ones', () => {
    const clock = new ManualClock(T0);
    const g = guard(clock);
    for (const ts of ['2026-03-06T15:11:23.503186+00:00', '2026-03-06T16:11:23+01:00', '2026-03-06T15:11:23Z', '2026-03-06 15:11:23.5+00:00']) {
      expect(g.admit(Buffer.from(ts), ts).ok, ts).to.equal(true);
    }
    for (const ts of ['2026-03-06T15:11:23.503186', 'yesterday', '', '2026-13-45T99:99:99+00:00', 1772809883, undefined, null]) {
      const verdict = g.admit(Buffer.from(String(ts)), ts);
      expect(verdict, String(ts)).to.deep.include({ ok: false, reason: 'invalid_shape' });
    }
  });

  it('calls a body stale once it is older than the window, and one too far ahead of our clock', () => {
    const clock = new ManualClock(T0);
    const g = guard(clock);
    const old = body(-WINDOW_MS - 1_000);
    expect(g.admit(old.raw, old.timestamp)).to.deep.include({ ok: false, reason: 'stale' });
    const edge = body(-WINDOW_MS + 1_000);
    expect(g.admit(edge.raw, edge.timestamp).ok).to.equal(true);
    const ahead = body(CLOCK_SKEW_MS + 1_000);
    const verdict = g.admit(ahead.raw, ahead.timestamp);
    expect(verdict).to.deep.include({ ok: false, reason: 'stale' });
    expect(verdict.ok ? '' : verdict.detail).to.match(/61 s ahead/);
    const skewed = body(CLOCK_SKEW_MS - 1_000);
    expect(g.admit(skewed.raw, skewed.timestamp).ok, 'within the allowed clock skew').to.equal(true);
  });

  it('a replay after the window is stale, and by then the body is forgotten (memory follows the window)', () => {
    const clock = new ManualClock(T0);
    const g = guard(clock);
    for (let i = 0; i < 50; i += 1) {
      const b = body(i * 1_000, i);
      expect(g.admit(b.raw, b.timestamp).ok).to.equal(true);
    }
    expect(g.size()).to.equal(50);
    clock.advance(WINDOW_MS + 60_000);
    const first = body(0, 0);
    expect(g.admit(first.raw, first.timestamp)).to.deep.include({ reason: 'stale' });
    const fresh = body(WINDOW_MS + 60_000, 999);
    expect(g.admit(fresh.raw, fresh.timestamp).ok).to.equal(true);
    expect(g.size(), 'the 50 expired entries were dropped').to.equal(1);
  });

  it('never holds more than maxEntries bodies, forgetting the oldest first', () => {
    const clock = new ManualClock(T0);
    const g = guard(clock, 100);
    for (let i = 0; i < 1_000; i += 1) {
      const b = body(0, i);
      expect(g.admit(b.raw, b.timestamp).ok).to.equal(true);
      expect(g.size()).to.be.at.most(100);
    }
    const newest = body(0, 999);
    expect(g.admit(newest.raw, newest.timestamp).ok, 'the newest is still remembered').to.equal(false);
    const oldest = body(0, 0);
    expect(g.admit(oldest.raw, oldest.timestamp).ok, 'the oldest was pushed out by 999 newer ones').to.equal(true);
  });

  it('undo forgets a body, so a retry after a failed hand-on is no replay', () => {
    const g = guard(new ManualClock(T0));
    const b = body(0);
    const first = g.admit(b.raw, b.timestamp);
    if (!first.ok) throw new Error('expected admission');
    first.undo();
    expect(g.admit(b.raw, b.timestamp).ok).to.equal(true);
  });

  it('is off with a zero window: every body admitted, nothing remembered', () => {
    const g = createReplayGuard({ maxAgeMs: 0, clock: new ManualClock(T0) });
    const ancient = body(-10 * WINDOW_MS);
    expect(g.admit(ancient.raw, ancient.timestamp).ok).to.equal(true);
    expect(g.admit(ancient.raw, ancient.timestamp).ok).to.equal(true);
    expect(g.admit(Buffer.from('x'), undefined).ok).to.equal(true);
    expect(g.size()).to.equal(0);
  });
});
