/**
 * The PowerDNS write gate: zone creates run alongside each other (bounded), every other write runs
 * alone, and nothing overtakes a waiting write (FIFO), so PATCHes are not starved by a cold sync.
 */
import { expect } from 'chai';
import { createWriteGate, type GateMode } from '../../../src/pdns/http.js';

describe('pdns write gate', () => {
  it('runs shared work concurrently up to the bound and exclusive work alone, in FIFO order', async () => {
    const gate = createWriteGate(3);
    let shared = 0;
    let exclusive = 0;
    let maxShared = 0;
    const violations: string[] = [];
    const order: string[] = [];
    const job = (mode: GateMode, name: string) => gate(mode, async () => {
      order.push(name);
      if (mode === 'shared') shared++;
      else exclusive++;
      maxShared = Math.max(maxShared, shared);
      if (exclusive > 1 || (exclusive > 0 && shared > 0)) violations.push(name);
      // Hold the gate across a turn of the event loop so later jobs arrive while this one runs.
      await new Promise((resolve) => setImmediate(resolve));
      if (mode === 'shared') shared--;
      else exclusive--;
      return name;
    });
    const names = ['c1', 'c2', 'c3', 'c4', 'c5', 'p1', 'c6', 'p2', 'd1', 'c7'];
    const results = await Promise.all(names.map((n) => job(n.startsWith('c') ? 'shared' : 'exclusive', n)));
    expect(results).to.deep.equal(names);
    expect(violations).to.deep.equal([]);
    expect(maxShared).to.equal(3);
    expect(order).to.deep.equal(names);
  });

  it('releases the gate when work fails', async () => {
    const gate = createWriteGate(2);
    const failed = gate('exclusive', () => Promise.reject(new Error('boom')));
    const next = gate('exclusive', () => Promise.resolve('ok'));
    await failed.then(() => expect.fail('should reject'), (err: Error) => expect(err.message).to.equal('boom'));
    expect(await next).to.equal('ok');
  });
});
