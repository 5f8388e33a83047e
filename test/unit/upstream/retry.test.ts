import { expect } from 'chai';
import type { Clock } from '../../../src/util/clock.js';
import { TerminalError, UpstreamError, type ErrorClass } from '../../../src/util/errors.js';
import { createMemoryLogger } from '../../../src/util/log.js';
import type { UpstreamRetryInfo } from '../../../src/upstream/observer.js';
import { createRetrier, parseRetryAfter, retryReason, withRetryAfter, type RetrierOptions } from '../../../src/upstream/retry.js';
import { ManualClock, settle } from '../../support/manual-clock.js';
import { waitFor } from '../../support/wait.js';

/** A clock whose sleeps return at once and are recorded: retries run instantly, delays are asserted. */
function recordingClock(): Clock & { sleeps: number[] } {
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => 0,
    monotonic: () => 0,
    sleep: (ms) => {
      sleeps.push(ms);
      return Promise.resolve();
    },
    setTimer: () => () => undefined,
  };
}

function httpError(status: number, cls: ErrorClass, message = `PowerDNS PATCH /zones/x.: HTTP ${status}`): UpstreamError {
  return new UpstreamError(message, 'pdns', cls, { operation: 'patchZone', status });
}

const err500 = (): UpstreamError => httpError(500, 'transient', 'PowerDNS PATCH /zones/x.: HTTP 500: Internal Server Error');

function setup(overrides: Partial<RetrierOptions> = {}) {
  const { logger, entries } = createMemoryLogger();
  const clock = recordingClock();
  const retries: UpstreamRetryInfo[] = [];
  const retrier = createRetrier({
    attempts: 3, baseDelayMs: 1000, factor: 2, maxDelayMs: 60_000, jitter: true,
    logger, clock, random: () => 0.4, upstream: 'pdns',
    observer: { request: () => undefined, retry: (info) => retries.push(info) },
    ...overrides,
  });
  const lines = (level: string): string[] => entries.filter((e) => e.level === level).map((e) => String(e.message));
  return { retrier, entries, clock, retries, lines };
}

/** An operation that fails with the given errors in turn, then returns 'ok'. */
function failing(...errors: unknown[]): { fn: () => Promise<string>; calls: () => number } {
  let calls = 0;
  return {
    fn: async () => {
      const err = errors[calls];
      calls += 1;
      if (err !== undefined) throw err;
      return 'ok';
    },
    calls: () => calls,
  };
}

describe('createRetrier', () => {
  it('returns the result of a first successful attempt without logging or sleeping', async () => {
    const { retrier, entries, clock } = setup();
    expect(await retrier.run('getZone', async () => 42)).to.equal(42);
    expect(entries).to.have.length(0);
    expect(clock.sleeps).to.deep.equal([]);
  });

  it('retries a transient failure and logs each retry in the seed docs format', async () => {
    const { retrier, clock, lines, retries } = setup();
    const op = failing(err500(), err500());
    expect(await retrier.run('patchZone', op.fn)).to.equal('ok');
    expect(op.calls()).to.equal(3);
    // random 0.4 → 70 % of nominal: 1000 → 700, 2000 → 1400.
    expect(clock.sleeps).to.deep.equal([700, 1400]);
    expect(lines('warn')).to.deep.equal([
      'Function patchZone failed (attempt 1/3): PowerDNS PATCH /zones/x.: HTTP 500: Internal Server Error. Retrying in 0.7s',
      'Function patchZone failed (attempt 2/3): PowerDNS PATCH /zones/x.: HTTP 500: Internal Server Error. Retrying in 1.4s',
    ]);
    expect(lines('error')).to.deep.equal([]);
    expect(retries.map((r) => [r.operation, r.reason, r.attempt, r.delayMs])).to.deep.equal([
      ['patchZone', 'http_5xx', 1, 700], ['patchZone', 'http_5xx', 2, 1400],
    ]);
  });

  it('gives up after the configured attempts, logs the final failure at error and rethrows the last error', async () => {
    const { retrier, lines } = setup({ random: () => 0.2 });
    const last = httpError(503, 'transient', 'last one');
    const op = failing(err500(), err500(), last);
    let caught: unknown;
    await retrier.run('createZone', op.fn).catch((err: unknown) => { caught = err; });
    expect(caught).to.equal(last);
    expect(op.calls()).to.equal(3);
    expect(lines('warn')).to.have.length(2);
    // random 0.2 → 60 % of nominal: the second delay is 2000 × 0.6 = 1.2 s.
    expect(lines('warn')[1]).to.equal(
      'Function createZone failed (attempt 2/3): PowerDNS PATCH /zones/x.: HTTP 500: Internal Server Error. Retrying in 1.2s');
    expect(lines('error')).to.deep.equal(['Function createZone failed after 3 attempts: last one']);
  });

  for (const [status, cls] of [[400, 'terminal'], [401, 'auth'], [404, 'zone-missing'], [409, 'terminal'], [422, 'terminal']] as const) {
    it(`never retries HTTP ${status} (${cls}) and leaves the logging to the caller`, async () => {
      const { retrier, entries, clock, retries } = setup();
      const op = failing(httpError(status, cls));
      let caught: unknown;
      await retrier.run('patchZone', op.fn).catch((err: unknown) => { caught = err; });
      expect(caught).to.be.instanceOf(UpstreamError);
      expect(op.calls()).to.equal(1);
      expect(entries).to.have.length(0);
      expect(clock.sleeps).to.deep.equal([]);
      expect(retries).to.have.length(0);
    });
  }

  it('never retries unknown errors or TerminalError', async () => {
    const { retrier } = setup();
    for (const err of [new Error('boom'), new TerminalError('bad data')]) {
      const op = failing(err);
      let caught: unknown;
      await retrier.run('x', op.fn).catch((e: unknown) => { caught = e; });
      expect(caught).to.equal(err);
      expect(op.calls()).to.equal(1);
    }
  });

  it('retries raw network errors by code', async () => {
    const { retrier, retries } = setup();
    const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    const op = failing(reset);
    expect(await retrier.run('listZones', op.fn)).to.equal('ok');
    expect(retries[0]?.reason).to.equal('network_error');
  });

  it('keeps every jittered delay within 50–100 % of nominal and under the cap', async () => {
    for (const r of [0, 0.25, 0.999999]) {
      const { retrier, clock } = setup({ attempts: 10, baseDelayMs: 1000, factor: 3, maxDelayMs: 20_000, random: () => r });
      await retrier.run('op', failing(...Array.from({ length: 9 }, err500)).fn);
      const nominal = [1000, 3000, 9000, 20_000, 20_000, 20_000, 20_000, 20_000, 20_000];
      expect(clock.sleeps).to.have.length(9);
      clock.sleeps.forEach((ms, i) => {
        const n = nominal[i] ?? 0;
        expect(ms, `delay ${i + 1} with random ${r}`).to.be.within(n * 0.5, n);
        expect(ms).to.be.at.most(20_000);
      });
    }
  });

  it('uses the exact nominal delays when jitter is off', async () => {
    const { retrier, clock } = setup({ attempts: 5, jitter: false, maxDelayMs: 5000 });
    await retrier.run('op', failing(err500(), err500(), err500(), err500()).fn);
    expect(clock.sleeps).to.deep.equal([1000, 2000, 4000, 5000]);
  });

  it('honours Retry-After on 429 and 503, capped at maxDelay', async () => {
    const { retrier, clock, lines, retries } = setup({ maxDelayMs: 30_000 });
    const tooMany = withRetryAfter(httpError(429, 'transient', 'HTTP 429'), '7');
    const unavailable = withRetryAfter(httpError(503, 'transient', 'HTTP 503'), '120');
    await retrier.run('listZones', failing(tooMany, unavailable).fn);
    expect(clock.sleeps).to.deep.equal([7000, 30_000]);
    expect(lines('warn')[0]).to.equal('Function listZones failed (attempt 1/3): HTTP 429. Retrying in 7.0s');
    expect(retries.map((r) => r.reason)).to.deep.equal(['http_429', 'http_5xx']);
  });

  it('ignores Retry-After on other statuses and when shorter than the backoff', async () => {
    const { retrier, clock } = setup({ random: () => 1 });
    const e500 = withRetryAfter(err500(), '30');
    const e429 = withRetryAfter(httpError(429, 'transient'), '0');
    await retrier.run('op', failing(e500, e429).fn);
    expect(clock.sleeps).to.deep.equal([1000, 2000]);
  });

  it('does not retry once the daemon is stopping', async () => {
    let stopping = false;
    const { retrier, lines, clock } = setup({ isStopping: () => stopping });
    stopping = true;
    const op = failing(err500());
    let caught: unknown;
    await retrier.run('patchZone', op.fn).catch((err: unknown) => { caught = err; });
    expect(caught).to.be.instanceOf(UpstreamError);
    expect(op.calls()).to.equal(1);
    expect(clock.sleeps).to.deep.equal([]);
    expect(lines('warn')).to.deep.equal([
      'Function patchZone failed (attempt 1/3): PowerDNS PATCH /zones/x.: HTTP 500: Internal Server Error. Not retrying: shutting down',
    ]);
  });

  it('gives up after a backoff sleep during which stopping began', async () => {
    let stopping = false;
    const { logger } = createMemoryLogger();
    const clock = recordingClock();
    clock.sleep = (ms) => {
      clock.sleeps.push(ms);
      stopping = true;
      return Promise.resolve();
    };
    const retrier = createRetrier({
      attempts: 3, baseDelayMs: 10, factor: 2, maxDelayMs: 100, jitter: false, logger, clock, upstream: 'pdns',
      isStopping: () => stopping,
    });
    const op = failing(err500(), err500());
    await retrier.run('op', op.fn).catch(() => undefined);
    expect(op.calls()).to.equal(1);
  });

  it('waits on the injected clock: the next attempt runs only when the delay has passed', async () => {
    const { logger } = createMemoryLogger();
    const clock = new ManualClock();
    const retrier = createRetrier({
      attempts: 3, baseDelayMs: 1000, factor: 2, maxDelayMs: 60_000, jitter: false, logger, clock, upstream: 'pdns',
    });
    const op = failing(err500());
    const result = retrier.run('getZone', op.fn);
    await settle();
    expect(op.calls()).to.equal(1);
    await clock.advanceAsync(999);
    expect(op.calls()).to.equal(1);
    await clock.advanceAsync(1);
    await waitFor(() => op.calls() === 2, { timeoutMs: 1000, message: 'the second attempt' });
    expect(await result).to.equal('ok');
  });
});

describe('retry helpers', () => {
  it('parses Retry-After as seconds or an HTTP date', () => {
    expect(parseRetryAfter('5')).to.equal(5000);
    expect(parseRetryAfter(['2'])).to.equal(2000);
    expect(parseRetryAfter(undefined)).to.equal(undefined);
    expect(parseRetryAfter('soon')).to.equal(undefined);
    const now = Date.UTC(2026, 0, 1, 0, 0, 0);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:10 GMT', now)).to.equal(10_000);
  });

  it('names the retry reason for metrics', () => {
    expect(retryReason(httpError(502, 'transient'))).to.equal('http_5xx');
    expect(retryReason(httpError(429, 'transient'))).to.equal('http_429');
    expect(retryReason(new UpstreamError('t', 'pdns', 'transient', { operation: 'x', code: 'timeout' }))).to.equal('timeout');
    expect(retryReason(new UpstreamError('n', 'pdns', 'transient', { operation: 'x', code: 'ECONNRESET' }))).to.equal('network_error');
  });
});
