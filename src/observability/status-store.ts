/**
 * In-memory state behind GET /status: the original connector's document (status, uptime,
 * initial_sync, scheduler, mqtt) extended with reliability figures, upstream health and the zones
 * that are failing now. Components report into it; it never calls anything, so reading /status can
 * never block on NetBox, PowerDNS or the broker.
 *
 * Memory is bounded: one last result per zone and target (zone-book.ts; the plan is not kept; zones
 * a complete full reconcile no longer met are pruned), a
 * fixed window of full reconcile outcomes, one entry per upstream and target, and error strings cut
 * to a fixed length.
 */
import type { ZoneResult } from '../reconcile/types.js';
import type { Clock } from '../util/clock.js';
import type {
  FullReconcileOutcome, HealthStatus, ReplicationStatus, StatusCounts, StatusDocument, StatusExtra, TargetState, UpstreamName, UpstreamState, ZoneStatus,
} from './status-types.js';
import { createZoneBook, cut } from './zone-book.js';
import { toZoneName } from '../core/names.js';

export type {
  FailingZone, FullReconcileOutcome, HealthStatus, StatusCounts, StatusDocument, StatusExtra, UpstreamName, UpstreamState, ZoneStatus,
} from './status-types.js';

export interface StatusStoreOptions {
  clock: Clock;
  /** The configured PowerDNS targets' names (each gets its entry in `targets`). */
  targets?: readonly string[];
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
  /**
   * After a complete full reconcile: forgets the zones (per target) it did not meet, which exist
   * neither in NetBox for our nameservers nor on the target any more. Returns how many were dropped.
   */
  pruneZones(met: ReadonlyArray<{ zone: string; target: string }>): number;
  /** Zone entries held (for bounds checks). */
  zoneEntries(): number;
  /** Counts for the scrape-time gauges, the same as the document's; of one target when named. */
  counts(target?: string): StatusCounts;
  /** A deep full reconcile ended; with `quickZones`, a quick one that looked at that many zones. */
  recordFullReconcile(run: { outcome: FullReconcileOutcome; error?: string; durationMs: number; quickZones?: number }): void;
  /** `target` names the PowerDNS target a PowerDNS request went to. */
  recordUpstream(upstream: UpstreamName, ok: boolean, error?: string, target?: string): void;
  recordRetry(): void;
  snapshot(extra: StatusExtra): StatusDocument;
  /** One target's state (as in the document's `targets`), or null for an unknown name. */
  snapshotTarget(name: string): TargetState | null;
  /** Last result for one zone (`example.org` or `example.org.`, any case): one entry per target, or null. */
  zoneStatus(zone: string): ZoneStatus | { zone: string; targets: ZoneStatus[] } | null;
}

/** How many full reconciles sync_success_rate looks back over. */
export const RECENT_RECONCILES = 20;
/** A secondary behind for this long is worth a Warning (NOTIFY and AXFR take about a second). */
const SECONDARY_LAG_WARN_MS = 10 * 60_000;

/** Warnings about replication: a lasting lag on a secondary, a catalog whose last bump failed. */
function replicationProblems(replication: ReplicationStatus | undefined, nowMs: number): string[] {
  if (!replication) return [];
  const problems: string[] = [];
  for (const [target, c] of Object.entries(replication.catalogs)) {
    if (c.last_error !== null) problems.push(`catalog zone ${c.zone} of ${target}: the last bump/NOTIFY failed: ${c.last_error}`);
  }
  for (const s of replication.secondaries) {
    const oldest = Math.min(...s.lagging.map((l) => Date.parse(l.since)));
    if (s.zones_lagging > 0 && nowMs - oldest >= SECONDARY_LAG_WARN_MS) {
      problems.push(`secondary ${s.address} lags on ${s.zones_lagging} zone(s) for over 10 min (see replication.secondaries)`);
    }
  }
  return problems;
}

/** Longest failing list served; `failing_count` still counts them all. */
const MAX_FAILING_LISTED = 100;
export function createStatusStore(opts: StatusStoreOptions): StatusStore {
  const { clock } = opts;
  const book = createZoneBook({ clock, failureWindowMs: opts.recentFailureWindowMs ?? 24 * 3600_000, maxZones: opts.maxZones ?? 100_000 });
  const startedAt = clock.monotonic();
  const iso = (wallMs: number): string => new Date(wallMs).toISOString();

  const initial = { started: false, completed: false, error: null as string | null, startTime: null as number | null };
  const recentOutcomes: FullReconcileOutcome[] = [];
  let lastReconcile: StatusDocument['reliability']['last_reconcile'] = null;
  let lastQuick: StatusDocument['reliability']['last_quick_reconcile'] = null;
  let lastSuccessAt: number | null = null;
  /** Whether a full reconcile has succeeded since the initial sync failed (clears that Degraded cause). */
  let succeededSinceInitialError = false;
  let requests = 0;
  let retries = 0;
  const fresh = (): UpstreamState => ({ ok: true, last_error: null, last_error_at: null });
  const upstreams: Record<UpstreamName, UpstreamState> = { pdns: fresh(), netbox: fresh() };
  /** Each PowerDNS target's own state: reachable now, its last error and its last successful zone task. */
  const targets = new Map<string, UpstreamState & { last_success: string | null }>();
  for (const name of opts.targets ?? []) targets.set(name, { ...fresh(), last_success: null });

  /** The status and why, in the order an operator should look. */
  function health(replication?: ReplicationStatus): { status: HealthStatus; problems: string[] } {
    const problems: string[] = [];
    const down = [...targets].filter(([, t]) => !t.ok);
    if (targets.size > 1) for (const [name, t] of down) problems.push(`PowerDNS ${name} is failing: ${t.last_error ?? ''}`);
    else if (!upstreams.pdns.ok) problems.push(`PowerDNS is failing: ${upstreams.pdns.last_error ?? ''}`);
    if (!upstreams.netbox.ok) problems.push(`NetBox is failing: ${upstreams.netbox.last_error ?? ''}`);
    if (initial.error !== null && !succeededSinceInitialError) problems.push(`the initial sync failed: ${initial.error}`);
    if (lastReconcile?.outcome === 'failure') problems.push(`the last full reconcile failed: ${lastReconcile.error ?? ''}`);
    if (lastQuick?.outcome === 'failure') problems.push(`the last quick reconcile failed: ${lastQuick.error ?? ''}`);
    const { failing, refused, rejectedRrsets, waitingForDs } = book.counts();
    if (failing > 0) problems.push(`${failing} zone(s) failing (see zones.failing)`);
    const degraded = problems.length > 0;
    // A run refused only because of zone plans carries no error: those zones speak for themselves.
    if (lastReconcile?.outcome === 'refused' && lastReconcile.error !== null && refused === 0) problems.push(`the last full reconcile refused zone deletions: ${lastReconcile.error ?? ''}`);
    if (refused > 0) problems.push(`${refused} zone(s) refused by a safety check: approve the plan (netbox-pdns approve ZONE PLAN-ID, see pending_approvals), or fix NetBox`);
    if (waitingForDs > 0) problems.push(`${waitingForDs} zone(s) roll a KSK and wait for the parent to publish the new DS (netbox-pdns ds ZONE shows it)`);
    if (rejectedRrsets > 0) problems.push(`${rejectedRrsets} rrset(s) refused by PowerDNS, held back until NetBox changes them`);
    // Without sync-on-startup there is no initial sync; any successful full reconcile does its job.
    const inStep = initial.completed || lastSuccessAt !== null;
    if (!inStep && clock.monotonic() - startedAt >= opts.initialSyncWarningMs) problems.push('no full reconcile has completed yet');
    problems.push(...replicationProblems(replication, clock.now()));
    return { status: degraded ? 'Degraded' : problems.length > 0 ? 'Warning' : 'Healthy', problems };
  }

  function targetStates(writes: StatusExtra['writes'] = {}): Record<string, TargetState> {
    const out: Record<string, TargetState> = {};
    for (const [name, t] of targets) {
      const c = book.counts(name);
      const w = writes[name];
      out[name] = {
        reachable: t.ok, last_error: t.last_error, last_error_at: t.last_error_at, last_success: t.last_success, zones_managed: c.managed, zones_failing: c.failing, zones_refused: c.refused,
        ...(w ? { backend: w.backend, write_concurrency: w.concurrency, write_concurrency_source: w.source, writes_in_flight: w.inFlight } : {}),
      };
    }
    return out;
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
      book.record(result);
      const target = targets.get(result.target);
      if (target && result.outcome !== 'failed') target.last_success = iso(result.finishedAt);
    },

    counts: (target) => book.counts(target),

    pruneZones(met) {
      const keep = new Set(met.map((m) => `${toZoneName(m.zone)}\u0000${m.target}`));
      return book.prune((zone, target) => keep.has(`${zone}\u0000${target}`));
    },

    zoneEntries: () => book.size(),

    recordFullReconcile(run) {
      const at = clock.now();
      if (run.quickZones !== undefined) {
        // Kept apart: a quick run every minute must not hide a failing deep one (last_sync, the alert).
        lastQuick = { outcome: run.outcome, at: iso(at), duration_ms: Math.round(run.durationMs), error: cut(run.error), zones: run.quickZones };
        return;
      }
      lastReconcile = { outcome: run.outcome, at: iso(at), duration_ms: Math.round(run.durationMs), error: cut(run.error) };
      recentOutcomes.push(run.outcome);
      if (recentOutcomes.length > RECENT_RECONCILES) recentOutcomes.shift();
      if (run.outcome === 'success') {
        lastSuccessAt = at;
        succeededSinceInitialError = true;
      }
    },

    recordUpstream(upstream, ok, error, target) {
      requests += 1;
      const states = [upstreams[upstream], ...(target !== undefined && targets.has(target) ? [targets.get(target) as UpstreamState] : [])];
      for (const state of states) {
        state.ok = ok;
        if (!ok) {
          state.last_error = cut(error) ?? 'request failed';
          state.last_error_at = iso(clock.now());
        }
      }
      // With several targets the PowerDNS upstream is healthy only while every target is.
      if (upstream === 'pdns' && targets.size > 1) upstreams.pdns.ok = [...targets.values()].every((t) => t.ok);
    },

    recordRetry() {
      retries += 1;
    },

    snapshot(extra) {
      const failing = book.failing();
      const { managed, refused, rejectedRrsets } = book.counts();
      const successes = recentOutcomes.filter((o) => o === 'success').length;
      const { status, problems } = health(extra.replication);
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
          last_quick_reconcile: lastQuick === null ? null : { ...lastQuick },
          sync_success_rate: recentOutcomes.length === 0 ? null : successes / recentOutcomes.length,
          average_retry_rate: requests === 0 ? 0 : retries / requests,
          lock_contention_events: extra.lock_contention_events,
        },
        upstreams: { pdns: { ...upstreams.pdns }, netbox: { ...upstreams.netbox } },
        pending_approvals: extra.pending_approvals ?? [],
        targets: targetStates(extra.writes),
        ...(extra.replication ? { replication: extra.replication } : {}),
        zones: {
          managed, failing_count: failing.length, refused_count: refused, rejected_rrsets: rejectedRrsets,
          failing: failing.slice(0, MAX_FAILING_LISTED),
        },
      };
    },

    snapshotTarget: (name) => targetStates()[name] ?? null,

    zoneStatus(zone) {
      const entries = book.entries(zone);
      if (entries.length === 0) return null;
      return entries.length === 1 ? entries[0] as ZoneStatus : { zone: (entries[0] as ZoneStatus).zone, targets: entries };
    },
  };
}
