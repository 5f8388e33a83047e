import { expect } from 'chai';
import sinon from 'sinon';
import { createWorkQueue, type TaskOutcome, type WorkQueue, type WorkQueueOptions } from '../../../src/reconcile/queue.js';
import { createMemoryLogger } from '../../../src/util/log.js';
import { ManualClock, settle } from '../../support/manual-clock.js';

/** Test meta: which triggers asked for the run, and the earliest event time. */
interface Meta {
  triggers: string[];
  at: number;
}
const meta = (trigger: string, at = 0): Meta => ({ triggers: [trigger], at });
const mergeMeta = (a: Meta, b: Meta): Meta => ({
  triggers: [...new Set([...a.triggers, ...b.triggers])],
  at: Math.min(a.at, b.at),
});

interface Run {
  key: string;
  meta: Meta;
  done: boolean;
  finish: (outcome: TaskOutcome | Error) => Promise<void>;
}

/** A queue whose `process` blocks until the test finishes each run by hand. */
function harness(overrides: Partial<WorkQueueOptions<Meta>> = {}) {
  const clock = new ManualClock();
  const { logger, entries } = createMemoryLogger('debug');
  const runs: Run[] = [];
  const inFlight = new Map<string, number>();
  let overlap = false;
  const observer = {
    queued: sinon.spy(),
    coalesced: sinon.spy(),
    started: sinon.spy(),
    finished: sinon.spy(),
    requeued: sinon.spy(),
  };
  const onDrop = sinon.spy();
  const queue: WorkQueue<Meta> = createWorkQueue<Meta>({
    onDrop,
    workers: 4,
    clock,
    logger,
    mergeMeta,
    backoff: { baseDelayMs: 5000, factor: 2, maxDelayMs: 300000, jitter: false },
    observer,
    process: (key, m) => {
      const n = (inFlight.get(key) ?? 0) + 1;
      inFlight.set(key, n);
      if (n > 1) overlap = true;
      return new Promise<TaskOutcome>((resolve, reject) => {
        const run: Run = {
          key,
          meta: m,
          done: false,
          finish: async (outcome) => {
            run.done = true;
            inFlight.set(key, (inFlight.get(key) ?? 1) - 1);
            if (outcome instanceof Error) reject(outcome);
            else resolve(outcome);
            await settle();
          },
        };
        runs.push(run);
      });
    },
    ...overrides,
  });
  const keysRun = () => runs.map((r) => r.key);
  return { clock, entries, runs, queue, observer, onDrop, keysRun, overlapped: () => overlap };
}

/** Deterministic PRNG so the concurrency test is reproducible. */
function prng(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
}

describe('work queue', () => {
  describe('coalescing (client-go TestCollapse*)', () => {
    it('collapses repeated adds of a waiting key into one run with merged meta', async () => {
      const h = harness({ workers: 1 });
      expect(h.queue.add('busy.', meta('cron'))).to.equal('queued');
      expect(h.queue.add('a.', meta('event', 20))).to.equal('queued');
      expect(h.queue.add('a.', meta('cron', 10))).to.equal('coalesced');
      expect(h.queue.add('a.', meta('event', 30))).to.equal('coalesced');
      expect(h.observer.coalesced.callCount).to.equal(2);
      expect(h.queue.pending()).to.equal(1);
      await h.runs[0]?.finish('ok');
      expect(h.keysRun()).to.deep.equal(['busy.', 'a.']);
      expect(h.runs[1]?.meta).to.deep.equal({ triggers: ['event', 'cron'], at: 10 });
      await h.runs[1]?.finish('ok');
      await h.queue.idle();
      expect(h.runs).to.have.length(2);
    });

    it('marks a running key dirty: exactly one more run, with the meta of everything added meanwhile', async () => {
      const h = harness();
      h.queue.add('a.', meta('event', 1));
      expect(h.queue.add('a.', meta('cron', 5))).to.equal('dirty');
      expect(h.queue.add('a.', meta('sync', 3))).to.equal('dirty');
      expect(h.queue.running()).to.equal(1);
      expect(h.queue.pending()).to.equal(1);
      await h.runs[0]?.finish('ok');
      expect(h.runs).to.have.length(2);
      expect(h.runs[1]?.meta).to.deep.equal({ triggers: ['cron', 'sync'], at: 3 });
      await h.runs[1]?.finish('ok');
      await h.queue.idle();
      expect(h.runs).to.have.length(2);
      expect(h.overlapped()).to.equal(false);
    });

    it('costs at most two runs for a burst of 1,000 adds while the key runs', async () => {
      const h = harness();
      h.queue.add('a.', meta('event'));
      for (let i = 0; i < 1000; i++) h.queue.add('a.', meta('event', i));
      await h.runs[0]?.finish('ok');
      await h.runs[1]?.finish('ok');
      await h.queue.idle();
      expect(h.runs).to.have.length(2);
      expect(h.observer.queued.callCount).to.equal(2);
      expect(h.observer.coalesced.callCount).to.equal(999);
    });

    it('never runs one key twice at once under many producers, and loses no add (TestAddWhileProcessing)', async () => {
      const h = harness({ workers: 4 });
      const rand = prng(42);
      const keys = Array.from({ length: 10 }, (_, i) => `z${i}.`);
      const lastAdd = new Map<string, number>();
      const lastStart = new Map<string, number>();
      let seq = 0;
      let started = 0;
      for (let step = 0; step < 2000; step++) {
        const key = keys[Math.floor(rand() * keys.length)] as string;
        h.queue.add(key, meta(`p${step % 50}`));
        lastAdd.set(key, ++seq);
        for (; started < h.runs.length; started++) lastStart.set(h.runs[started]?.key as string, ++seq);
        const open = h.runs.filter((r) => !r.done);
        if (rand() < 0.5 && open.length > 0) await (open[Math.floor(rand() * open.length)] as Run).finish('ok');
      }
      // Finish everything still running until the queue is empty.
      for (let open = h.runs.find((r) => !r.done); open; open = h.runs.find((r) => !r.done)) {
        await open.finish('ok');
        for (; started < h.runs.length; started++) lastStart.set(h.runs[started]?.key as string, ++seq);
      }
      await h.queue.idle();
      expect(h.overlapped()).to.equal(false);
      for (const key of keys) expect(lastStart.get(key), key).to.be.greaterThan(lastAdd.get(key) ?? 0);
      expect(h.queue.pending()).to.equal(0);
    });
  });

  describe('workers and order', () => {
    it('runs different keys concurrently up to the worker limit', async () => {
      const h = harness({ workers: 2 });
      for (const k of ['a.', 'b.', 'c.', 'd.', 'e.']) h.queue.add(k, meta('cron'));
      expect(h.queue.running()).to.equal(2);
      expect(h.queue.pending()).to.equal(3);
      expect(h.keysRun()).to.deep.equal(['a.', 'b.']);
      await h.runs[1]?.finish('ok');
      expect(h.queue.running()).to.equal(2);
      expect(h.keysRun()).to.deep.equal(['a.', 'b.', 'c.']);
    });

    it('is FIFO: a coalesced add keeps the key in its first place', async () => {
      const h = harness({ workers: 1 });
      for (const k of ['busy.', 'c.', 'b.', 'a.', 'c.']) h.queue.add(k, meta('event'));
      for (let i = 0; i < 4; i++) await h.runs[i]?.finish('ok');
      expect(h.keysRun()).to.deep.equal(['busy.', 'c.', 'b.', 'a.']);
    });
  });

  describe('outcomes and backoff (ItemExponentialFailureRateLimiter)', () => {
    it('requeues a transient failure after base·2^(failures-1), capped', async () => {
      const h = harness({ backoff: { baseDelayMs: 5000, factor: 2, maxDelayMs: 20000, jitter: false } });
      h.queue.add('a.', meta('event'));
      const delays: number[] = [];
      for (const expected of [5000, 10000, 20000, 20000]) {
        await h.runs.at(-1)?.finish('retry');
        delays.push(h.observer.requeued.lastCall.args[1] as number);
        const before = h.runs.length;
        await h.clock.advanceAsync(expected - 1);
        expect(h.runs.length, `no run before ${expected}ms`).to.equal(before);
        expect(h.queue.has('a.')).to.equal(true);
        await h.clock.advanceAsync(1);
        expect(h.runs.length).to.equal(before + 1);
        expect(h.runs.at(-1)?.meta.triggers).to.deep.equal(['event']);
      }
      expect(delays).to.deep.equal([5000, 10000, 20000, 20000]);
      expect(h.queue.failures('a.')).to.equal(4);
    });

    it('resets the failure count on success (Forget)', async () => {
      const h = harness();
      h.queue.add('a.', meta('event'));
      await h.runs[0]?.finish('retry');
      await h.clock.advanceAsync(5000);
      await h.runs[1]?.finish('retry');
      expect(h.queue.failures('a.')).to.equal(2);
      await h.clock.advanceAsync(10000);
      await h.runs[2]?.finish('ok');
      expect(h.queue.failures('a.')).to.equal(0);
      h.queue.add('a.', meta('event'));
      await h.runs[3]?.finish('retry');
      expect(h.observer.requeued.lastCall.args).to.deep.equal(['a.', 5000, 1]);
    });

    it('forgets the failure count on a terminal failure too: only keys being retried are counted', async () => {
      const h = harness();
      for (let i = 0; i < 100; i++) {
        h.queue.add(`z${i}.`, meta('event'));
        await h.runs.at(-1)?.finish('retry');
      }
      expect(h.queue.failures('z7.')).to.equal(1);
      await h.clock.advanceAsync(5000);
      for (let run = h.runs.find((r) => !r.done); run !== undefined; run = h.runs.find((r) => !r.done)) await run.finish('failed');
      await h.queue.idle();
      expect(Array.from({ length: 100 }, (_, i) => h.queue.failures(`z${i}.`)).filter((n) => n > 0)).to.deep.equal([]);
    });

    it('does not requeue a terminal failure', async () => {
      const h = harness();
      h.queue.add('a.', meta('event'));
      await h.runs[0]?.finish('failed');
      expect(h.queue.has('a.')).to.equal(false);
      expect(h.clock.pendingTimers()).to.equal(0);
      expect(h.observer.requeued.called).to.equal(false);
      await h.queue.idle();
      expect(h.observer.finished.lastCall.args.slice(0, 3)).to.deep.equal(['a.', meta('event'), 'failed']);
    });

    it('treats a throwing process as failed, logs it, and keeps serving other keys', async () => {
      const h = harness({ workers: 1 });
      h.queue.add('a.', meta('event'));
      h.queue.add('b.', meta('event'));
      await h.runs[0]?.finish(new Error('kaboom'));
      expect(h.observer.finished.firstCall.args[2]).to.equal('failed');
      const err = h.entries.find((e) => e.level === 'error');
      expect(err?.message).to.equal('queue: task for a. threw: kaboom');
      expect(err?.zone).to.equal('a.');
      expect(h.keysRun()).to.deep.equal(['a.', 'b.']);
      await h.runs[1]?.finish('ok');
      await h.queue.idle();
      expect(h.queue.has('a.')).to.equal(false);
    });

    it('runs a key waiting on its backoff at once when a fresh add arrives, keeping the failure count', async () => {
      const h = harness();
      h.queue.add('a.', meta('cron', 1));
      await h.runs[0]?.finish('retry');
      expect(h.clock.pendingTimers()).to.equal(1);
      expect(h.queue.add('a.', meta('event', 2))).to.equal('queued');
      expect(h.runs).to.have.length(2);
      expect(h.runs[1]?.meta).to.deep.equal({ triggers: ['cron', 'event'], at: 1 });
      expect(h.clock.pendingTimers()).to.equal(0);
      await h.runs[1]?.finish('retry');
      expect(h.observer.requeued.lastCall.args).to.deep.equal(['a.', 10000, 2]);
    });

    it('reruns at once, not after the backoff, when a run that ends in retry was re-added meanwhile', async () => {
      const h = harness();
      h.queue.add('a.', meta('event'));
      h.queue.add('a.', meta('cron'));
      await h.runs[0]?.finish('retry');
      expect(h.runs).to.have.length(2);
      expect(h.clock.pendingTimers()).to.equal(0);
      expect(h.queue.failures('a.')).to.equal(1);
    });

    it('addAfter runs the key after the delay, the earlier deadline winning', async () => {
      const h = harness();
      h.queue.addAfter('a.', meta('later'), 10000);
      h.queue.addAfter('a.', meta('sooner'), 3000);
      expect(h.queue.has('a.')).to.equal(true);
      expect(h.runs).to.have.length(0);
      await h.clock.advanceAsync(3000);
      expect(h.runs).to.have.length(1);
      expect(h.runs[0]?.meta.triggers).to.deep.equal(['later', 'sooner']);
      await h.clock.advanceAsync(10000);
      expect(h.runs).to.have.length(1);
    });
  });

  describe('idle, drain and stop (ShutDownWithDrain)', () => {
    it('idle() waits for running and delayed keys', async () => {
      const h = harness();
      let idle = false;
      h.queue.add('a.', meta('event'));
      void h.queue.idle().then(() => (idle = true));
      await h.runs[0]?.finish('retry');
      expect(idle).to.equal(false);
      await h.clock.advanceAsync(5000);
      await h.runs[1]?.finish('ok');
      expect(idle).to.equal(true);
    });

    it('drain waits for running tasks, reports abandoned keys and refuses later adds', async () => {
      const h = harness({ workers: 2 });
      for (const k of ['a.', 'b.', 'c.', 'd.']) h.queue.add(k, meta('cron'));
      h.queue.add('a.', meta('event')); // dirty rerun: dropped too
      h.queue.addAfter('e.', meta('retry'), 60000);
      let result: Awaited<ReturnType<WorkQueue<Meta>['drain']>> | undefined;
      void h.queue.drain(10000).then((r) => (result = r));
      await settle();
      expect(result).to.equal(undefined);
      expect(h.queue.isStopped()).to.equal(true);
      expect(h.queue.add('f.', meta('event'))).to.equal('coalesced');
      expect(h.queue.has('f.')).to.equal(false);
      await h.runs[0]?.finish('ok');
      expect(result).to.equal(undefined);
      await h.runs[1]?.finish('retry');
      expect(result).to.deep.equal({ completed: true, abandoned: ['c.', 'd.', 'a.', 'e.'], stillRunning: [] });
      expect(h.keysRun()).to.deep.equal(['a.', 'b.']);
      expect(h.clock.pendingTimers()).to.equal(0);
      // Every dropped run's meta is handed back, so callers waiting on it can be settled.
      expect(h.onDrop.args.map((a: unknown[]) => [a[0], (a[1] as Meta).triggers])).to.deep.equal([
        ['c.', ['cron']],
        ['d.', ['cron']],
        ['a.', ['event']],
        ['e.', ['retry']],
        ['f.', ['event']],
      ]);
      await h.queue.idle();
    });

    it('drain gives up at the deadline and reports what is still running', async () => {
      const h = harness();
      h.queue.add('slow.', meta('event'));
      const drained = h.queue.drain(10000);
      await h.clock.advanceAsync(10000);
      expect(await drained).to.deep.equal({ completed: false, abandoned: [], stillRunning: ['slow.'] });
      expect(h.entries.some((e) => e.level === 'warn' && String(e.message).includes('drain deadline'))).to.equal(true);
      await h.runs[0]?.finish('retry');
      expect(h.clock.pendingTimers()).to.equal(0);
    });

    it('stop drops pending work at once and refuses adds', async () => {
      const h = harness({ workers: 1 });
      h.queue.add('a.', meta('event'));
      h.queue.add('b.', meta('event'));
      h.queue.stop();
      expect(h.queue.pending()).to.equal(0);
      h.queue.addAfter('c.', meta('event'), 10);
      expect(h.queue.has('c.')).to.equal(false);
      await h.runs[0]?.finish('ok');
      await h.queue.idle();
      expect(h.keysRun()).to.deep.equal(['a.']);
    });
  });

  describe('lanes: fresh work before retries', () => {
    const background = (m: Meta): boolean => m.triggers.every((t) => t === 'retry');

    it('runs fresh work before waiting retries, and never lets retries take every worker', async () => {
      const h = harness({ workers: 3, background });
      for (const k of ['r1.', 'r2.', 'r3.', 'r4.']) h.queue.add(k, meta('retry'));
      // One retry may always run; a second only while no fresh work waits; never a third of three.
      expect(h.keysRun()).to.deep.equal(['r1.', 'r2.']);
      h.queue.add('e1.', meta('event'));
      h.queue.add('e2.', meta('event'));
      expect(h.keysRun()).to.deep.equal(['r1.', 'r2.', 'e1.']);
      await h.runs[0]?.finish('ok');
      // r1's worker goes to the waiting event, not to the next retry.
      expect(h.keysRun()).to.deep.equal(['r1.', 'r2.', 'e1.', 'e2.']);
      await h.runs[2]?.finish('ok');
      await h.runs[3]?.finish('ok');
      expect(h.keysRun()).to.deep.equal(['r1.', 'r2.', 'e1.', 'e2.', 'r3.']);
      expect(h.queue.running()).to.equal(2);
    });

    it('keeps one retry running under a steady stream of events (no starvation)', async () => {
      const h = harness({ workers: 2, background });
      h.queue.add('e0.', meta('event'));
      h.queue.add('e1.', meta('event'));
      h.queue.add('r.', meta('retry'));
      expect(h.keysRun()).to.deep.equal(['e0.', 'e1.']);
      h.queue.add('e2.', meta('event'));
      await h.runs[0]?.finish('ok');
      expect(h.keysRun().at(-1), 'the retry, though an event waits').to.equal('r.');
    });

    it('moves a waiting retry to the front lane when an event for its key arrives', async () => {
      const h = harness({ workers: 2, background });
      h.queue.add('busy.', meta('retry'));
      h.queue.add('e0.', meta('event'));
      h.queue.add('r.', meta('retry'));
      h.queue.add('e1.', meta('event'));
      expect(h.queue.add('r.', meta('event', 7))).to.equal('coalesced');
      await h.runs[1]?.finish('ok');
      await h.runs[2]?.finish('ok');
      // r runs though the retry lane's one run (busy.) still holds a worker: it is fresh work now.
      expect(h.keysRun()).to.deep.equal(['busy.', 'e0.', 'e1.', 'r.']);
      expect(h.runs[3]?.meta).to.deep.equal({ triggers: ['retry', 'event'], at: 0 });
    });

    it('with one worker, a retry takes it only when no fresh work waits', async () => {
      const h = harness({ workers: 1, background });
      h.queue.add('e0.', meta('event'));
      h.queue.add('r.', meta('retry'));
      h.queue.add('e1.', meta('event'));
      await h.runs[0]?.finish('ok');
      await h.runs[1]?.finish('ok');
      expect(h.keysRun()).to.deep.equal(['e0.', 'e1.', 'r.']);
    });
  });

  it('reports queue and run times to the observer', async () => {
    const h = harness({ workers: 1 });
    h.queue.add('a.', meta('event'));
    h.queue.add('b.', meta('event'));
    await h.clock.advanceAsync(1500);
    await h.runs[0]?.finish('ok');
    expect(h.observer.started.args.map((a: unknown[]) => [a[0], a[2]])).to.deep.equal([
      ['a.', 0],
      ['b.', 1.5],
    ]);
    expect(h.observer.finished.firstCall.args).to.deep.equal(['a.', meta('event'), 'ok', 1.5]);
    expect(h.observer.queued.callCount).to.equal(2);
  });
});
