/**
 * In-memory state behind GET /status: the original connector's document (status, uptime,
 * initial_sync, scheduler, mqtt) extended with reliability figures, upstream health and the zones
 * that are failing now. Components report into it; it never calls anything, so reading /status can
 * never block on NetBox, PowerDNS or the broker.
 *
 * Memory is bounded: one last result per zone (the plan is not kept), a fixed window of full
 * reconcile outcomes, two upstream entries and error strings cut to a fixed length.
 */
import { toZoneName } from '../core/names.js';
import type { KeepReason } from '../core/plan.js';
import type { RejectedRRset, ZoneResult } from '../reconcile/types.js';
import type { Clock } from '../util/clock.js';
import type {
  FailingZone, FullReconcileOutcome, HealthStatus, KeptEntry, StatusCounts, StatusDocument, StatusExtra, UpstreamName, UpstreamState,
  ZoneStatus,
} from './status-types.js';

export type {
  FailingZone, FullReconcileOutcome, HealthStatus, StatusCounts, StatusDocument, StatusExtra, UpstreamName, UpstreamState, ZoneStatus,
} from './status-types.js';

export interface StatusStoreOptions {
  clock: Clock;
  /** `Warning` when no initial (or other) full reconcile has completed this long after start. */
  initialSyncWarningMs: number;
  /**
   * Failures older than this are left out of `zones.failing` (default 24 h). Every zone gets a fresh
   * result at each cron reconcile, so an older failure belongs to a zone nobody reconciles any more.
   */
  recentFailureWindowMs?: number;
  /** Cap on zones remembered; the least recently updated go first (default 100 000). */
  maxZones?: number;
}

export interface StatusStore {
  initialSyncStarted(): void;
  initialSyncFinished(error?: string): void;
  recordZoneResult(result: ZoneResult): void;
  /** Counts for the scrape-time gauges, the same as the document's. */
  counts(): StatusCounts;
  recordFullReconcile(run: { outcome: FullReconcileOutcome; error?: string; durationMs: number }): void;
  recordUpstream(upstream: UpstreamName, ok: boolean, error?: string): void;
  recordRetry(): void;
  snapshot(extra: StatusExtra): StatusDocument;
  /** Last result for one zone (`example.org` or `example.org.`, any case): one entry per target, or null. */
  zoneStatus(zone: string): ZoneStatus | { zone: string; targets: ZoneStatus[] } | null;
}

/** How many full reconciles sync_success_rate looks back over. */
export const RECENT_RECONCILES = 20;
/** Longest error text kept; upstream bodies can be large. */
const MAX_ERROR_CHARS = 500;
/** Longest failing list served; `failing_count` still counts them all. */
const MAX_FAILING_LISTED = 100;
const NOT_MANAGED = new Set<ZoneResult['outcome']>(['deleted', 'skipped']);

/** Kept entries listed per zone; the count covers them all. */
const MAX_KEPT_LISTED = 20;

interface StoredZone {
  zone: string;
  target: string;
  outcome: ZoneResult['outcome'];
  finishedAt: number;
  changes: ZoneResult['changes'];
  error: string | null;
  failureReason: string | null;
  refusal: string | null;
  rejected: RejectedRRset[];
  kept: KeptEntry[];
  keptCounts: Partial<Record<KeepReason, number>>;
  warnings: string[];
  dryRun: boolean;
  durationMs: number;
}

function cut(text: string | undefined): string | null {
  if (text === undefined || text === '') return null;
  return text.length > MAX_ERROR_CHARS ? `${text.slice(0, MAX_ERROR_CHARS)}…` : text;
}

export function createStatusStore(opts: StatusStoreOptions): StatusStore {
  const { clock } = opts;
  const failureWindowMs = opts.recentFailureWindowMs ?? 24 * 3600_000;
  const maxZones = opts.maxZones ?? 100_000;
  const startedAt = clock.monotonic();
  const iso = (wallMs: number): string => new Date(wallMs).toISOString();

  const initial = { started: false, completed: false, error: null as string | null, startTime: null as number | null };
  const zones = new Map<string, StoredZone>();
  const recentOutcomes: FullReconcileOutcome[] = [];
  let lastReconcile: StatusDocument['reliability']['last_reconcile'] = null;
  let lastSuccessAt: number | null = null;
  /** Whether a full reconcile has succeeded since the initial sync failed (clears that Degraded cause). */
  let succeededSinceInitialError = false;
  let requests = 0;
  let retries = 0;
  const upstreams: Record<UpstreamName, UpstreamState> = {
    pdns: { ok: true, last_error: null, last_error_at: null },
    netbox: { ok: true, last_error: null, last_error_at: null },
  };

  /** A zone's entry needs a look: failing, refused, or holding rrsets PowerDNS refused (recently). */
  const attention = (z: StoredZone): FailingZone['outcome'] | null => {
    if (z.finishedAt < clock.now() - failureWindowMs) return null;
    if (z.outcome === 'failed' || z.outcome === 'refused') return z.outcome;
    return z.rejected.length > 0 ? 'rejected' : null;
  };

  function tally(): { failing: number; refused: number; rejectedRrsets: number } {
    let failing = 0;
    let refused = 0;
    let rejectedRrsets = 0;
    for (const z of zones.values()) {
      const a = attention(z);
      if (a === 'failed') failing += 1;
      else if (a === 'refused') refused += 1;
      if (a !== null) rejectedRrsets += z.rejected.length;
    }
    return { failing, refused, rejectedRrsets };
  }

  /** The status and why, in the order an operator should look. */
  function health(): { status: HealthStatus; problems: string[] } {
    const problems: string[] = [];
    for (const [name, u] of Object.entries(upstreams)) if (!u.ok) problems.push(`${name === 'pdns' ? 'PowerDNS' : 'NetBox'} is failing: ${u.last_error ?? ''}`);
    if (initial.error !== null && !succeededSinceInitialError) problems.push(`the initial sync failed: ${initial.error}`);
    if (lastReconcile?.outcome === 'failure') problems.push(`the last full reconcile failed: ${lastReconcile.error ?? ''}`);
    const { failing, refused, rejectedRrsets } = tally();
    if (failing > 0) problems.push(`${failing} zone(s) failing (see zones.failing)`);
    const degraded = problems.length > 0;
    if (lastReconcile?.outcome === 'refused' && refused === 0) problems.push(`the last full reconcile refused zone deletions: ${lastReconcile.error ?? ''}`);
    if (refused > 0) problems.push(`${refused} zone(s) refused by a safety check: approve with sync --zone Z --force, or fix NetBox`);
    if (rejectedRrsets > 0) problems.push(`${rejectedRrsets} rrset(s) refused by PowerDNS, held back until NetBox changes them`);
    // Without sync-on-startup there is no initial sync; any successful full reconcile does its job.
    const inStep = initial.completed || lastSuccessAt !== null;
    if (!inStep && clock.monotonic() - startedAt >= opts.initialSyncWarningMs) problems.push('no full reconcile has completed yet');
    return { status: degraded ? 'Degraded' : problems.length > 0 ? 'Warning' : 'Healthy', problems };
  }

  function failingZones(): FailingZone[] {
    const failing: FailingZone[] = [];
    for (const z of zones.values()) {
      const outcome = attention(z);
      if (outcome === null) continue;
      const error = outcome === 'rejected' ? `PowerDNS refused ${z.rejected.map((r) => `${r.name} ${r.type}`).join(', ')}` : z.error;
      failing.push({ zone: z.zone, target: z.target, outcome, at: iso(z.finishedAt), changes: { ...z.changes }, error: cut(error ?? undefined) });
    }
    return failing.sort((a, b) => (a.zone < b.zone ? -1 : a.zone > b.zone ? 1 : 0));
  }

  function counts(): StatusCounts {
    const { failing, refused } = tally();
    const kept: Partial<Record<KeepReason, number>> = {};
    let managed = 0;
    for (const z of zones.values()) {
      if (!NOT_MANAGED.has(z.outcome)) managed += 1;
      for (const [reason, n] of Object.entries(z.keptCounts) as Array<[KeepReason, number]>) kept[reason] = (kept[reason] ?? 0) + n;
    }
    return { managed, refused, failing, kept };
  }

  const entry = (z: StoredZone): ZoneStatus => ({
    zone: z.zone,
    target: z.target,
    outcome: z.outcome,
    at: iso(z.finishedAt),
    changes: { ...z.changes },
    error: z.error,
    failure_reason: z.failureReason,
    refusal: z.refusal,
    rejected: z.rejected.map((r) => ({ ...r })),
    kept: z.kept.map((k) => ({ ...k })),
    warnings: [...z.warnings],
    dry_run: z.dryRun,
    duration_ms: Math.round(z.durationMs),
  });

  return {
    initialSyncStarted() {
      initial.started = true;
      initial.startTime = clock.now();
    },

    initialSyncFinished(error) {
      initial.completed = error === undefined;
      initial.error = error === undefined ? null : cut(error) ?? 'failed';
      succeededSinceInitialError = false;
    },

    recordZoneResult(result) {
      const zone = toZoneName(result.zone);
      const key = `${zone}\u0000${result.target}`;
      const kept = result.plan?.kept ?? [];
      const keptCounts: Partial<Record<KeepReason, number>> = {};
      for (const k of kept) keptCounts[k.reason] = (keptCounts[k.reason] ?? 0) + 1;
      // Delete first so Map order is "least recently updated first" for eviction.
      zones.delete(key);
      zones.set(key, {
        zone,
        target: result.target,
        outcome: result.outcome,
        finishedAt: result.finishedAt,
        changes: { creates: result.changes.creates, updates: result.changes.updates, deletes: result.changes.deletes },
        error: cut(result.error),
        failureReason: result.failureReason ?? null,
        refusal: result.refusal?.code ?? null,
        rejected: result.rejected.slice(0, MAX_KEPT_LISTED).map((r) => ({ name: r.name, type: r.type, error: cut(r.error) ?? '' })),
        kept: kept.slice(0, MAX_KEPT_LISTED).map((k) => ({ name: k.name, type: k.type, reason: k.reason, detail: cut(k.detail) ?? '' })),
        keptCounts,
        warnings: result.warnings.slice(0, 20).map((w) => cut(w) ?? ''),
        dryRun: result.dryRun,
        durationMs: result.durationMs,
      });
      while (zones.size > maxZones) {
        const oldest = zones.keys().next();
        if (oldest.done === true) break;
        zones.delete(oldest.value);
      }
    },

    counts,

    recordFullReconcile(run) {
      const at = clock.now();
      lastReconcile = { outcome: run.outcome, at: iso(at), duration_ms: Math.round(run.durationMs), error: cut(run.error) };
      recentOutcomes.push(run.outcome);
      if (recentOutcomes.length > RECENT_RECONCILES) recentOutcomes.shift();
      if (run.outcome === 'success') {
        lastSuccessAt = at;
        succeededSinceInitialError = true;
      }
    },

    recordUpstream(upstream, ok, error) {
      requests += 1;
      const state = upstreams[upstream];
      state.ok = ok;
      if (!ok) {
        state.last_error = cut(error) ?? 'request failed';
        state.last_error_at = iso(clock.now());
      }
    },

    recordRetry() {
      retries += 1;
    },

    snapshot(extra) {
      const failing = failingZones();
      const { managed } = counts();
      const { refused, rejectedRrsets } = tally();
      const successes = recentOutcomes.filter((o) => o === 'success').length;
      const { status, problems } = health();
      return {
        status,
        problems,
        uptime_seconds: Math.round((clock.monotonic() - startedAt) / 10) / 100,
        initial_sync: {
          started: initial.started,
          completed: initial.completed,
          error: initial.error,
          start_time: initial.startTime === null ? null : iso(initial.startTime),
        },
        scheduler: { ...extra.scheduler },
        mqtt: extra.mqtt,
        queue: { ...extra.queue },
        reliability: {
          last_sync: lastSuccessAt === null ? null : iso(lastSuccessAt),
          last_reconcile: lastReconcile === null ? null : { ...lastReconcile },
          sync_success_rate: recentOutcomes.length === 0 ? null : successes / recentOutcomes.length,
          average_retry_rate: requests === 0 ? 0 : retries / requests,
          lock_contention_events: extra.lock_contention_events,
        },
        upstreams: { pdns: { ...upstreams.pdns }, netbox: { ...upstreams.netbox } },
        zones: {
          managed, failing_count: failing.length, refused_count: refused, rejected_rrsets: rejectedRrsets,
          failing: failing.slice(0, MAX_FAILING_LISTED),
        },
      };
    },

    zoneStatus(zone) {
      const name = toZoneName(zone);
      const entries = [...zones.values()].filter((z) => z.zone === name).map(entry);
      if (entries.length === 0) return null;
      return entries.length === 1 ? entries[0] as ZoneStatus : { zone: name, targets: entries };
    },
  };
}
