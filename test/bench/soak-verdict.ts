/**
 * The soak's judgement (soak.ts): from what it recorded over time, whether every full reconcile
 * outside the PowerDNS outages succeeded, whether memory grew after warm-up, and whether event
 * latency stayed flat. Pure functions over plain records, so the rules are readable in one place.
 *
 * The rules, each against the samples outside the outage windows (an outage plus a recovery
 * margin), after warm-up:
 * - reconciles: every full reconcile that neither started nor ended in an outage window succeeded,
 *   and at least one ran;
 * - memory: the median RSS and heap (after a GC) of the last report window are at most 15 % above
 *   those of the first window after warm-up;
 * - latency: no probe timed out, and the second half's p50 is at most 1.25× the first half's
 *   (+ 2 ms) and its p99 at most 1.5× (+ 5 ms): the slack keeps a few milliseconds of noise on
 *   small figures from reading as growth.
 */
import { median, percentile, round } from './stats.js';
import type { ReconcileRecord } from './protocol.js';

export interface Window {
  /** Wall-clock ms. */
  start: number;
  end: number;
}

export interface MemorySample {
  at: number;
  rssMb: number;
  heapMb: number;
}

export interface LatencySample {
  /** Wall-clock ms of the publish. */
  at: number;
  /** Publish → served over DNS, ms; null when it timed out. */
  ms: number | null;
}

export interface SoakRecord {
  startedAt: number;
  endedAt: number;
  warmupMs: number;
  /** The report window (a minute by default): memory is compared window against window. */
  windowMs: number;
  /** Outages widened by the recovery margin. */
  affected: Window[];
  reconciles: ReconcileRecord[];
  memory: MemorySample[];
  latency: LatencySample[];
}

export interface Check {
  ok: boolean;
  detail: string;
}

export interface Verdict {
  ok: boolean;
  reconciles: Check & { total: number; outside: number; succeeded: number; failures: Array<{ outcome: string; error?: string; at: string }> };
  rss: Check & { baselineMb: number; endMb: number; growthPct: number };
  heap: Check & { baselineMb: number; endMb: number; growthPct: number };
  latency: Check & { first: { n: number; p50: number; p99: number }; second: { n: number; p50: number; p99: number }; timeouts: number };
}

/** How long a probe waits for DNS to serve its change before it counts as a timeout. */
export const LATENCY_TIMEOUT_MS = 30_000;

/** Growth limit of RSS and heap after warm-up. */
export const MAX_GROWTH = 0.15;

export function overlaps(a: Window, windows: readonly Window[]): boolean {
  return windows.some((w) => a.start <= w.end && a.end >= w.start);
}

function growth(samples: MemorySample[], pick: (s: MemorySample) => number, r: SoakRecord): Check & { baselineMb: number; endMb: number; growthPct: number } {
  const after = r.startedAt + r.warmupMs;
  const first = samples.filter((s) => s.at >= after && s.at < after + r.windowMs).map(pick);
  const last = samples.filter((s) => s.at >= r.endedAt - r.windowMs).map(pick);
  const baselineMb = round(median(first));
  const endMb = round(median(last));
  const growthPct = round(((endMb - baselineMb) / baselineMb) * 100);
  const ok = Number.isFinite(growthPct) && growthPct <= MAX_GROWTH * 100;
  return { ok, baselineMb, endMb, growthPct, detail: `${baselineMb} → ${endMb} MB (${growthPct >= 0 ? '+' : ''}${growthPct} %, limit +${MAX_GROWTH * 100} %)` };
}

const dist = (ms: number[]): { n: number; p50: number; p99: number } => ({ n: ms.length, p50: round(percentile(ms, 50)), p99: round(percentile(ms, 99)) });

export function judge(r: SoakRecord): Verdict {
  const iso = (ms: number): string => new Date(ms).toISOString();
  const outside = r.reconciles.filter((x) => !overlaps({ start: x.startedAt, end: x.endedAt }, r.affected));
  const failed = outside.filter((x) => x.outcome !== 'success');
  const reconciles = {
    ok: outside.length > 0 && failed.length === 0,
    total: r.reconciles.length, outside: outside.length, succeeded: outside.length - failed.length,
    failures: failed.map((x) => ({ outcome: x.outcome, ...(x.error ? { error: x.error } : {}), at: iso(x.startedAt) })),
    detail: `${outside.length - failed.length} of ${outside.length} outside the outages succeeded (${r.reconciles.length} in all)`,
  };

  // Every memory sample counts, outages included: memory must come back down after one.
  const rss = growth(r.memory, (s) => s.rssMb, r);
  const heap = growth(r.memory, (s) => s.heapMb, r);

  // A probe is affected when any part of it (publish until served, or its timeout) fell in an outage window.
  const steady = r.latency.filter((s) => s.at >= r.startedAt + r.warmupMs
    && !overlaps({ start: s.at, end: s.at + (s.ms ?? LATENCY_TIMEOUT_MS) }, r.affected));
  const timeouts = steady.filter((s) => s.ms === null).length;
  const mid = (r.startedAt + r.warmupMs + r.endedAt) / 2;
  const first = dist(steady.filter((s) => s.at < mid && s.ms !== null).map((s) => s.ms as number));
  const second = dist(steady.filter((s) => s.at >= mid && s.ms !== null).map((s) => s.ms as number));
  const flat = first.n > 0 && second.n > 0 && second.p50 <= first.p50 * 1.25 + 2 && second.p99 <= first.p99 * 1.5 + 5;
  const latency = {
    ok: flat && timeouts === 0, first, second, timeouts,
    detail: `p50 ${first.p50} → ${second.p50} ms, p99 ${first.p99} → ${second.p99} ms (first and second half after warm-up), ${timeouts} timeouts`,
  };
  return { ok: reconciles.ok && rss.ok && heap.ok && latency.ok, reconciles, rss, heap, latency };
}
