/**
 * The PowerDNS write gate: at limit 1 (sqlite) zone creates run alongside each other (bounded) and
 * every other write runs alone; above 1 (PostgreSQL, MySQL) changes run side by side up to the
 * limit, beside creates. Nothing overtakes a waiting write (FIFO), so PATCHes are not starved by a
 * cold sync, and the gate counts what ran at once.
 */
import { expect } from 'chai';
import { createWriteGate, type WriteGate, type WriteKind } from '../../../src/pdns/write-gate.js';

/** Runs `names` (c… = create, anything else = change) through the gate; what ran at once, and in what order. */
async function drive(gate: WriteGate, names: string[]): Promise<{ order: string[]; maxCreates: number; maxChanges: number; mixed: boolean }> {
  let creates = 0;
  let changes = 0;
  let maxCreates = 0;
  let maxChanges = 0;
  let mixed = false;
  const order: string[] = [];
  const job = (kind: WriteKind, name: string) => gate.run(kind, async () => {
    order.push(name);
    if (kind === 'create') creates++;
    else changes++;
    maxCreates = Math.max(maxCreates, creates);
    maxChanges = Math.max(maxChanges, changes);
    if (creates > 0 && changes > 0) mixed = true;
    // Hold the gate across a turn of the event loop so later jobs arrive while this one runs.
    await new Promise((resolve) => setImmediate(resolve));
    if (kind === 'create') creates--;
    else changes--;
    return name;
  });
  const results = await Promise.all(names.map((n) => job(n.startsWith('c') ? 'create' : 'change', n)));
  expect(results).to.deep.equal(names);
  return { order, maxCreates, maxChanges, mixed };
}

const NAMES = ['c1', 'c2', 'c3', 'c4', 'c5', 'p1', 'c6', 'p2', 'd1', 'c7', 'p3', 'p4', 'p5'];

describe('pdns write gate', () => {
  it('at limit 1 runs creates concurrently up to the bound and every change alone, in FIFO order', async () => {
    const gate = createWriteGate({ maxCreates: 3 });
    const seen = await drive(gate, NAMES);
    expect(seen).to.deep.include({ maxCreates: 3, maxChanges: 1, mixed: false });
    expect(seen.order).to.deep.equal(NAMES);
    expect(gate.stats()).to.deep.equal({ limit: 1, inFlight: 0, peakChanges: 1, peakCreates: 3 });
  });

  it('above 1 runs changes side by side up to the limit, beside creates, in FIFO order', async () => {
    const gate = createWriteGate({ maxCreates: 3, limit: 2 });
    const seen = await drive(gate, NAMES);
    expect(seen).to.deep.include({ maxCreates: 3, maxChanges: 2, mixed: true });
    expect(seen.order).to.deep.equal(NAMES);
    expect(gate.stats()).to.deep.include({ limit: 2, inFlight: 0, peakChanges: 2 });
  });

  it('a raised limit lets waiting changes start at once', async () => {
    const gate = createWriteGate({ maxCreates: 8 });
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => { release = resolve; });
    const first = gate.run('change', () => held);
    const started: string[] = [];
    const second = gate.run('change', async () => void started.push('second'));
    await new Promise((resolve) => setImmediate(resolve));
    expect(started).to.deep.equal([]);
    expect(gate.stats().inFlight).to.equal(1);
    gate.setLimit(4);
    await second;
    expect(started).to.deep.equal(['second']);
    expect(gate.stats().peakChanges).to.equal(2);
    release();
    await first;
  });

  it('releases the gate when work fails', async () => {
    const gate = createWriteGate({ maxCreates: 2 });
    const failed = gate.run('change', () => Promise.reject(new Error('boom')));
    const next = gate.run('change', () => Promise.resolve('ok'));
    await failed.then(() => expect.fail('should reject'), (err: Error) => expect(err.message).to.equal('boom'));
    expect(await next).to.equal('ok');
    expect(gate.stats().inFlight).to.equal(0);
  });
});
