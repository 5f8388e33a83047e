import { expect } from 'chai';
import { createRateLimiter } from '../../../src/http/rate-limit.js';
import { ManualClock } from '../../support/manual-clock.js';

describe('rate limiter (token bucket)', () => {
  it('allows a burst of perMinute, then refuses', () => {
    const limiter = createRateLimiter({ perMinute: 3, clock: new ManualClock() });
    expect([1, 2, 3, 4].map(() => limiter.take('a'))).to.deep.equal([true, true, true, false]);
  });

  it('refills continuously: one token every 60/perMinute seconds', () => {
    const clock = new ManualClock();
    const limiter = createRateLimiter({ perMinute: 6, clock });
    for (let i = 0; i < 6; i += 1) limiter.take('a');
    expect(limiter.take('a')).to.equal(false);
    expect(limiter.retryAfterSeconds('a')).to.equal(10);
    clock.advance(9_999);
    expect(limiter.take('a')).to.equal(false);
    clock.advance(1);
    expect(limiter.take('a')).to.equal(true);
    expect(limiter.take('a')).to.equal(false);
  });

  it('never holds more than one minute of tokens', () => {
    const clock = new ManualClock();
    const limiter = createRateLimiter({ perMinute: 2, clock });
    limiter.take('a');
    clock.advance(3_600_000);
    expect([1, 2, 3].map(() => limiter.take('a'))).to.deep.equal([true, true, false]);
  });

  it('keeps keys apart', () => {
    const limiter = createRateLimiter({ perMinute: 1, clock: new ManualClock() });
    expect(limiter.take('10.0.0.1 sync')).to.equal(true);
    expect(limiter.take('10.0.0.1 sync')).to.equal(false);
    expect(limiter.take('10.0.0.2 sync')).to.equal(true);
    expect(limiter.take('10.0.0.1 webhook')).to.equal(true);
  });

  it('Retry-After is at least one second', () => {
    const limiter = createRateLimiter({ perMinute: 600, clock: new ManualClock() });
    for (let i = 0; i < 600; i += 1) limiter.take('a');
    expect(limiter.take('a')).to.equal(false);
    expect(limiter.retryAfterSeconds('a')).to.equal(1);
    expect(limiter.retryAfterSeconds('never-seen')).to.equal(1);
  });

  it('drops idle buckets once over the cap (they are full again, so nothing changes for them)', () => {
    const clock = new ManualClock();
    const limiter = createRateLimiter({ perMinute: 1, clock, maxKeys: 10 });
    for (let i = 0; i < 10; i += 1) limiter.take(`old-${i}`);
    clock.advance(60_000);
    limiter.take('new');
    expect(limiter.size()).to.equal(1);
    expect(limiter.take('old-0')).to.equal(true);
  });

  it('stays bounded under many active clients, dropping the least recently seen', () => {
    const clock = new ManualClock();
    const limiter = createRateLimiter({ perMinute: 1, clock, maxKeys: 100 });
    for (let i = 0; i < 10_000; i += 1) limiter.take(`client-${i}`);
    expect(limiter.size()).to.be.at.most(100);
    // The most recent client keeps its (empty) bucket.
    expect(limiter.take('client-9999')).to.equal(false);
  });

  it('rejects a non-positive rate', () => {
    expect(() => createRateLimiter({ perMinute: 0, clock: new ManualClock() })).to.throw(/positive/);
  });
});
