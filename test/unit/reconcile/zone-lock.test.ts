import { expect } from 'chai';
import sinon from 'sinon';
import { createZoneLock, type ZoneLock, type ZoneLockObserver } from '../../../src/reconcile/zone-lock.js';
import { TerminalError } from '../../../src/util/errors.js';
import { createMemoryLogger } from '../../../src/util/log.js';
import { ManualClock, settle } from '../../support/manual-clock.js';

interface Deferred<T> {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (err: unknown) => void;
}

function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('zone lock', () => {
  let clock: ManualClock;
  let entries: Array<Record<string, unknown>>;
  let observer: { waited: sinon.SinonSpy; held: sinon.SinonSpy; contention: sinon.SinonSpy };
  let lock: ZoneLock;

  beforeEach(() => {
    clock = new ManualClock();
    const mem = createMemoryLogger('debug');
    entries = mem.entries;
    observer = { waited: sinon.spy(), held: sinon.spy(), contention: sinon.spy() };
    lock = createZoneLock({
      clock,
      logger: mem.logger,
      warnAfterMs: 1000,
      timeoutMs: 30000,
      observer: observer satisfies ZoneLockObserver,
    });
  });

  it('returns the result of fn and releases the lock', async () => {
    const result = await lock.run('example.com.', () => Promise.resolve(42));
    expect(result).to.equal(42);
    expect(lock.isLocked('example.com.')).to.equal(false);
    expect(clock.pendingTimers()).to.equal(0);
  });

  it('serialises tasks for the same zone', async () => {
    const order: string[] = [];
    const first = deferred();
    const a = lock.run('example.com.', async () => {
      order.push('a:start');
      await first.promise;
      order.push('a:end');
    });
    const b = lock.run('example.com.', async () => {
      order.push('b:start');
      order.push('b:end');
    });
    await settle();
    expect(order).to.deep.equal(['a:start']);
    expect(lock.isLocked('example.com.')).to.equal(true);
    first.resolve();
    await Promise.all([a, b]);
    expect(order).to.deep.equal(['a:start', 'a:end', 'b:start', 'b:end']);
    expect(lock.isLocked('example.com.')).to.equal(false);
  });

  it('runs different zones in parallel', async () => {
    const a = deferred();
    const b = deferred();
    let inFlight = 0;
    let maxInFlight = 0;
    const task = (d: Deferred<void>) => async () => {
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await d.promise;
      inFlight -= 1;
    };
    const ra = lock.run('a.example.', task(a));
    const rb = lock.run('b.example.', task(b));
    await settle();
    expect(maxInFlight).to.equal(2);
    expect(lock.isLocked('a.example.')).to.equal(true);
    expect(lock.isLocked('b.example.')).to.equal(true);
    a.resolve();
    b.resolve();
    await Promise.all([ra, rb]);
  });

  it('propagates the error of fn and still releases the lock', async () => {
    const boom = new Error('boom');
    const failed = lock.run('example.com.', () => Promise.reject(boom));
    const next = lock.run('example.com.', () => Promise.resolve('next'));
    const err = await failed.catch((e: unknown) => e);
    expect(err).to.equal(boom);
    expect(await next).to.equal('next');
    expect(lock.isLocked('example.com.')).to.equal(false);
  });

  it('warns once a waiter has waited longer than warnAfterMs, with the zone and the holder', async () => {
    const holder = deferred();
    const first = lock.run('example.com.', () => holder.promise, { trigger: 'cron' });
    const second = lock.run('example.com.', () => Promise.resolve('second'), { trigger: 'event' });
    await clock.advanceAsync(999);
    expect(entries.filter((e) => e.level === 'warn')).to.have.length(0);
    await clock.advanceAsync(1);
    const warnings = entries.filter((e) => e.level === 'warn');
    expect(warnings).to.have.length(1);
    expect(warnings[0]).to.include({ zone: 'example.com.', trigger: 'event', waited_seconds: 1, held_seconds: 1 });
    expect(warnings[0]?.holder).to.deep.equal({ trigger: 'cron' });
    expect(lock.stats().contentionEvents).to.equal(1);
    expect(observer.contention.callCount).to.equal(1);

    await clock.advanceAsync(500);
    holder.resolve();
    expect(await second).to.equal('second');
    await first;
    const acquired = entries.filter((e) => e.level === 'debug' && String(e.message).startsWith('lock: acquired'));
    expect(acquired.map((e) => [e.zone, e.waited_seconds])).to.deep.equal([
      ['example.com.', 0],
      ['example.com.', 1.5],
    ]);
    expect(entries.every((e) => e.zone === 'example.com.')).to.equal(true);
    expect(clock.pendingTimers()).to.equal(0);
  });

  it('does not warn or count contention when the wait is short', async () => {
    const holder = deferred();
    const first = lock.run('example.com.', () => holder.promise);
    const second = lock.run('example.com.', () => Promise.resolve());
    await clock.advanceAsync(400);
    holder.resolve();
    await Promise.all([first, second]);
    await clock.advanceAsync(5000);
    expect(entries.filter((e) => e.level === 'warn')).to.have.length(0);
    expect(lock.stats().contentionEvents).to.equal(0);
  });

  it('fails a waiter with a TerminalError at timeoutMs and never runs its fn', async () => {
    const holder = deferred();
    const first = lock.run('example.com.', () => holder.promise);
    const lateFn = sinon.spy(() => Promise.resolve('late'));
    const second = lock.run('example.com.', lateFn);
    const thirdErr = lock.run('example.com.', () => Promise.resolve('third')).catch((e: unknown) => e);
    const secondErr = second.catch((e: unknown) => e);

    await clock.advanceAsync(30000);
    const err = await secondErr;
    expect(err).to.be.instanceOf(TerminalError);
    expect((err as Error).message).to.match(/^lock timeout for zone example\.com\. after 30s/);
    const errors = entries.filter((e) => e.level === 'error');
    // One error line per timed-out waiter (the second and the third).
    expect(errors).to.have.length(2);
    expect(errors[0]).to.include({ zone: 'example.com.', waited_seconds: 30 });

    // The third waiter timed out at the same moment; neither ever runs after the holder releases.
    expect(await thirdErr).to.be.instanceOf(TerminalError);
    holder.resolve();
    await first;
    await settle();
    expect(lateFn.called).to.equal(false);
    expect(lock.isLocked('example.com.')).to.equal(false);
    // The lock is usable afterwards.
    expect(await lock.run('example.com.', () => Promise.resolve('after'))).to.equal('after');
  });

  it('a waiter that acquires before the timeout is not failed later', async () => {
    const holder = deferred();
    const first = lock.run('example.com.', () => holder.promise);
    const inner = deferred<string>();
    const second = lock.run('example.com.', () => inner.promise);
    await clock.advanceAsync(29999);
    holder.resolve();
    await first;
    await clock.advanceAsync(60000);
    inner.resolve('done');
    expect(await second).to.equal('done');
    expect(entries.filter((e) => e.level === 'error')).to.have.length(0);
  });

  it('reports wait and hold seconds to the observer', async () => {
    const holder = deferred();
    const first = lock.run('example.com.', async () => {
      await holder.promise;
    });
    const second = lock.run('example.com.', () => clock.sleep(250));
    await clock.advanceAsync(2000);
    holder.resolve();
    await first;
    await clock.advanceAsync(250);
    await second;
    expect(observer.waited.args.map((a: unknown[]) => a[0])).to.deep.equal([0, 2]);
    expect(observer.held.args.map((a: unknown[]) => a[0])).to.deep.equal([2, 0.25]);
    expect(observer.contention.callCount).to.equal(1);
  });

  it('reports the timeout as the wait of a timed-out waiter', async () => {
    const holder = deferred();
    const first = lock.run('example.com.', () => holder.promise);
    const second = lock.run('example.com.', () => Promise.resolve()).catch((e: unknown) => e);
    await clock.advanceAsync(30000);
    await second;
    expect(observer.waited.args.map((a: unknown[]) => a[0])).to.deep.equal([0, 30]);
    holder.resolve();
    await first;
  });

  it('keeps working when the observer throws', async () => {
    observer.waited = sinon.stub().throws(new Error('metrics broke'));
    const mem = createMemoryLogger('debug');
    const l = createZoneLock({ clock, logger: mem.logger, warnAfterMs: 1000, timeoutMs: 30000, observer });
    expect(await l.run('example.com.', () => Promise.resolve(1))).to.equal(1);
    expect(mem.entries.some((e) => e.level === 'warn' && e.message === 'lock: observer failed')).to.equal(true);
  });
});
