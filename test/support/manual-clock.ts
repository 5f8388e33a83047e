/**
 * A `Clock` that only moves when a test says so. Tests of time-based code (queue backoff, lock
 * timeouts, retries) drive it with `advance()` instead of sleeping or faking global timers, which
 * would also stall real sockets in the same process (style anchors §8, §9.11).
 */
import type { Clock } from '../../src/util/clock.js';

interface PendingTimer {
  id: number;
  dueAt: number;
  fn: () => void;
}

/** The test double for `Clock`: timers fire only inside `advance`/`advanceAsync`, in due-time order. */
export class ManualClock implements Clock {
  private monotonicMs = 0;
  private readonly wallOffsetMs: number;
  private nextId = 1;
  private timers: PendingTimer[] = [];

  /** `startWallMs` is what `now()` returns before any advance (a fixed date keeps snapshots stable). */
  constructor(startWallMs = Date.UTC(2025, 0, 1)) {
    this.wallOffsetMs = startWallMs;
  }

  now(): number {
    return this.wallOffsetMs + this.monotonicMs;
  }

  monotonic(): number {
    return this.monotonicMs;
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.setTimer(resolve, ms);
    });
  }

  setTimer(fn: () => void, ms: number): () => void {
    const timer: PendingTimer = { id: this.nextId++, dueAt: this.monotonicMs + Math.max(0, ms), fn };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((t) => t !== timer);
    };
  }

  /** Number of timers not yet fired or cancelled. */
  pendingTimers(): number {
    return this.timers.length;
  }

  /** Milliseconds until the earliest timer is due, or undefined when none is pending. */
  nextTimerIn(): number | undefined {
    const next = this.earliest();
    return next === undefined ? undefined : next.dueAt - this.monotonicMs;
  }

  /**
   * Moves time forward by `ms`, firing every timer that falls due on the way, earliest first (ties
   * in creation order). Time is set to each timer's due time before it fires, and timers created by
   * a firing timer fire too if they fall inside the window. Synchronous: promise continuations run
   * only after it returns; use `advanceAsync` when they must run between timers.
   */
  advance(ms: number): void {
    const target = this.monotonicMs + ms;
    for (;;) {
      const next = this.earliest();
      if (next === undefined || next.dueAt > target) break;
      this.timers = this.timers.filter((t) => t !== next);
      this.monotonicMs = next.dueAt;
      next.fn();
    }
    this.monotonicMs = target;
  }

  /** Like `advance`, but lets pending promise callbacks run after each fired timer and at the end. */
  async advanceAsync(ms: number): Promise<void> {
    const target = this.monotonicMs + ms;
    await settle();
    for (;;) {
      const next = this.earliest();
      if (next === undefined || next.dueAt > target) break;
      this.timers = this.timers.filter((t) => t !== next);
      this.monotonicMs = next.dueAt;
      next.fn();
      await settle();
    }
    this.monotonicMs = target;
    await settle();
  }

  private earliest(): PendingTimer | undefined {
    let best: PendingTimer | undefined;
    for (const t of this.timers) {
      if (best === undefined || t.dueAt < best.dueAt || (t.dueAt === best.dueAt && t.id < best.id)) best = t;
    }
    return best;
  }
}

/**
 * Lets every queued promise callback run (one macrotask turn). This is not a sleep: no time passes
 * on any clock; it only yields so that chains like `await process(); done()` complete.
 */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
