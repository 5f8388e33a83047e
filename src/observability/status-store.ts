/**
 * In-memory state behind GET /status: the original connector's document (status, uptime,
 * initial_sync, scheduler, mqtt) extended with reliability figures, upstream health and the zones
 * that are failing now. Components report into it; it never calls anything, so reading /status can
 * never block on NetBox, PowerDNS or the broker.
 *
 * Memory is bounded: one last result per zone (the plan is not kept), a fixed window of full
 * reconcile outcomes, two upstream entries and error strings cut to a fixed length.
 */
import type { Clock } from '../util/clock.js';
import type { ZoneResult } from '../reconcile/types.js';

export type HealthStatus = 'Healthy' | 'Warning' | 'Degraded';
export type FullReconcileOutcome = 'success' | 'failure' | 'refused';
export type UpstreamName = 'pdns' | 'netbox';

export interface UpstreamState {
  /** False when the last call failed (the service itself, not a 404/422 about one object). */
  ok: boolean;
  last_error: string | null;
  last_error_at: string | null;
}

export interface FailingZone {
  zone: string;
  outcome: 'failed' | 'refused';
  at: string;
  changes: ZoneResult['changes'];
  error: string | null;
}

export interface ZoneStatus {
  zone: string;
  outcome: ZoneResult['outcome'];
  at: string;
  changes: ZoneResult['changes'];
  error: string | null;
  failure_reason: string | null;
  warnings: string[];
  dry_run: boolean;
  duration_ms: number;
}

/** What the daemon adds at read time (state owned by other components). */
export interface StatusExtra {
  scheduler: { running: boolean; next_run: string | null };
  mqtt: object | { enabled: false };
  queue: { pending: number; running: number };
  lock_contention_events: number;
}

export interface StatusDocument {
  status: HealthStatus;
  uptime_seconds: number;
  initial_sync: { started: boolean; completed: boolean; error: string | null; start_time: string | null };
  scheduler: StatusExtra['scheduler'];
  mqtt: StatusExtra['mqtt'];
  queue: StatusExtra['queue'];
  reliability: {
    /** Last *successful* full reconcile (like external-dns last_sync). */
    last_sync: string | null;
    /** Last full reconcile of any outcome. */
    last_reconcile: { outcome: FullReconcileOutcome; at: string; duration_ms: number; error: string | null } | null;
    /** Share of successful runs among the last RECENT_RECONCILES full reconciles; null before the first. */
    sync_success_rate: number | null;
    /** Retries scheduled per upstream request, since start. */
    average_retry_rate: number;
    lock_contention_events: number;
  };
  upstreams: Record<UpstreamName, UpstreamState>;
  zones: { managed: number; failing_count: number; failing: FailingZone[] };
}

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
  recordFullReconcile(run: { outcome: FullReconcileOutcome; error?: string; durationMs: number }): void;
  recordUpstream(upstream: UpstreamName, ok: boolean, error?: string): void;
  recordRetry(): void;
  snapshot(extra: StatusExtra): StatusDocument;
  /** Last result for one zone (`example.org` or `example.org.`, any case), or null. */
  zoneStatus(zone: string): ZoneStatus | null;
}

/** How many full reconciles sync_success_rate looks back over. */
export const RECENT_RECONCILES = 20;
/** Longest error text kept; upstream bodies can be large. */
const MAX_ERROR_CHARS = 500;
/** Longest failing list served; `failing_count` still counts them all. */
const MAX_FAILING_LISTED = 100;
const NOT_MANAGED = new Set<ZoneResult['outcome']>(['deleted', 'skipped']);

interface StoredZone {
  zone: string;
  outcome: ZoneResult['outcome'];
  finishedAt: number;
  changes: ZoneResult['changes'];
  error: string | null;
  failureReason: string | null;
  warnings: string[];
  dryRun: boolean;
  durationMs: number;
}

/** Lower-case absolute form, so `Example.org` and `example.org.` find the same entry. */
export function canonicalZone(zone: string): string {
  const lower = zone.trim().toLowerCase();
  return lower.endsWith('.') ? lower : `${lower}.`;
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

  function health(): HealthStatus {
    const upstreamDown = !upstreams.pdns.ok || !upstreams.netbox.ok;
    const initialFailed = initial.error !== null && !succeededSinceInitialError;
    if (upstreamDown || initialFailed || lastReconcile?.outcome === 'failure') return 'Degraded';
    // Without sync-on-startup there is no initial sync; any successful full reconcile does its job.
    const inStep = initial.completed || lastSuccessAt !== null;
    if (!inStep && clock.monotonic() - startedAt >= opts.initialSyncWarningMs) return 'Warning';
    return 'Healthy';
  }

  function failingZones(): FailingZone[] {
    const cutoff = clock.now() - failureWindowMs;
    const failing: FailingZone[] = [];
    for (const z of zones.values()) {
      if ((z.outcome === 'failed' || z.outcome === 'refused') && z.finishedAt >= cutoff) {
        failing.push({ zone: z.zone, outcome: z.outcome, at: iso(z.finishedAt), changes: { ...z.changes }, error: z.error });
      }
    }
    return failing.sort((a, b) => (a.zone < b.zone ? -1 : a.zone > b.zone ? 1 : 0));
  }

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
      const key = canonicalZone(result.zone);
      // Delete first so Map order is "least recently updated first" for eviction.
      zones.delete(key);
      zones.set(key, {
        zone: key,
        outcome: result.outcome,
        finishedAt: result.finishedAt,
        changes: { creates: result.changes.creates, updates: result.changes.updates, deletes: result.changes.deletes },
        error: cut(result.error),
        failureReason: result.failureReason ?? null,
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
      let managed = 0;
      for (const z of zones.values()) if (!NOT_MANAGED.has(z.outcome)) managed += 1;
      const successes = recentOutcomes.filter((o) => o === 'success').length;
      return {
        status: health(),
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
        zones: { managed, failing_count: failing.length, failing: failing.slice(0, MAX_FAILING_LISTED) },
      };
    },

    zoneStatus(zone) {
      const z = zones.get(canonicalZone(zone));
      if (z === undefined) return null;
      return {
        zone: z.zone,
        outcome: z.outcome,
        at: iso(z.finishedAt),
        changes: { ...z.changes },
        error: z.error,
        failure_reason: z.failureReason,
        warnings: [...z.warnings],
        dry_run: z.dryRun,
        duration_ms: Math.round(z.durationMs),
      };
    },
  };
}
