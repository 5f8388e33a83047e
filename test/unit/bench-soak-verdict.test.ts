/** The soak's verdict rules (test/bench/soak-verdict.ts) over hand-made records: no timing is measured here. */
import { expect } from 'chai';
import { judge, type SoakRecord } from '../bench/soak-verdict.js';
import type { ReconcileRecord } from '../bench/protocol.js';

const MIN = 60_000;
const run = (startMin: number, outcome = 'success'): ReconcileRecord => ({ trigger: 'cron', outcome, startedAt: startMin * MIN, endedAt: startMin * MIN + 2000, outcomes: {} });

/** Ten minutes, warm-up two, an outage at minute five (+ one minute of recovery), flat memory and latency. */
function soak(over: Partial<SoakRecord> = {}): SoakRecord {
  return {
    startedAt: 0, endedAt: 10 * MIN, warmupMs: 2 * MIN, windowMs: MIN,
    affected: [{ start: 5 * MIN, end: 6 * MIN }],
    reconciles: Array.from({ length: 20 }, (_, i) => run(i / 2)),
    memory: Array.from({ length: 60 }, (_, i) => ({ at: i * 10_000, rssMb: 150, heapMb: 40 })),
    latency: Array.from({ length: 1200 }, (_, i) => ({ at: i * 500, ms: 20 + (i % 10) })),
    ...over,
  };
}

describe('soak verdict', () => {
  it('passes a flat soak whose every reconcile succeeded', () => {
    const v = judge(soak());
    expect(v.ok).to.equal(true);
    expect(v.reconciles).to.include({ total: 20, outside: 17, succeeded: 17 });
    expect(v.rss.growthPct).to.equal(0);
  });

  it('forgives reconciles that failed in an outage window, not outside one', () => {
    const during = soak({ reconciles: [...soak().reconciles, run(5.5, 'failure')] });
    expect(judge(during).reconciles.ok).to.equal(true);
    const after = soak({ reconciles: [...soak().reconciles, run(7, 'refused')] });
    expect(judge(after).reconciles.ok).to.equal(false);
    expect(judge(after).reconciles.failures).to.deep.equal([{ outcome: 'refused', at: new Date(7 * MIN).toISOString() }]);
  });

  it('fails memory that grew more than 15 % after warm-up (the warm-up itself does not count)', () => {
    const growing = soak({ memory: soak().memory.map((s) => ({ ...s, heapMb: s.at < 2 * MIN ? 10 : s.at < 9 * MIN ? 40 : 47 })) });
    const v = judge(growing);
    expect(v.rss.ok).to.equal(true);
    expect(v.heap).to.include({ ok: false, baselineMb: 40, endMb: 47, growthPct: 17.5 });
  });

  it('fails latency that climbs, and any timeout outside an outage; probes that overlapped one do not count', () => {
    const climbing = soak({ latency: soak().latency.map((s) => ({ ...s, ms: s.at > 6 * MIN ? 60 : 20 })) });
    expect(judge(climbing).latency.ok).to.equal(false);
    // Published just before the outage, served after it: affected, left out.
    const straddling = soak({ latency: [...soak().latency, { at: 5 * MIN - 1000, ms: 20_000 }, { at: 5.5 * MIN, ms: null }] });
    expect(judge(straddling).latency).to.include({ ok: true, timeouts: 0 });
    const lost = soak({ latency: [...soak().latency, { at: 8 * MIN, ms: null }] });
    expect(judge(lost).latency).to.include({ ok: false, timeouts: 1 });
  });
});
