/** The shapes of the GET /status document and of one zone's entry (`/status?zone=`). */
import type { ParentDsState, ZoneDnssec } from '../core/dnssec/ds.js';
import type { KeepReason } from '../core/plan.js';
import type { RejectedRRset, ZoneResult } from '../reconcile/types.js';
import type { SecondaryState } from '../reconcile/secondary-check.js';

export type { SecondaryState };

/**
 * `Degraded`: something is failing (an upstream, the last full reconcile, a zone);
 * `Warning`: something waits for an operator (a refused plan, an rrset PowerDNS refused) or the
 * initial sync has not finished in time; `Healthy` otherwise.
 */
export type HealthStatus = 'Healthy' | 'Warning' | 'Degraded';
export type FullReconcileOutcome = 'success' | 'failure' | 'refused';
export type UpstreamName = 'pdns' | 'netbox';

export interface UpstreamState {
  /** False when the last call failed (the service itself, not a 404/422 about one object). */
  ok: boolean;
  last_error: string | null;
  last_error_at: string | null;
}

/** One PowerDNS target's state in /status (`targets`). */
export interface TargetState {
  /** False while the target's last request failed (the server itself, not one zone's 404/422). */
  reachable: boolean;
  last_error: string | null;
  last_error_at: string | null;
  /** When a zone task last succeeded on it. */
  last_success: string | null;
  zones_managed: number;
  zones_failing: number;
  zones_refused: number;
  /** The storage PowerDNS reports (`launch`: `gsqlite3`, `gpgsql`, …); null until read. In the daemon's document. */
  backend?: string | null;
  /** PATCH/PUT/DELETE requests allowed in flight at once now. */
  write_concurrency?: number;
  /** Where that comes from: `configured`, `detected` (from the backend), `default` (1 until the backend is read). */
  write_concurrency_source?: 'configured' | 'detected' | 'default';
  /** Writes (creates included) running now. */
  writes_in_flight?: number;
}

/** What the write gate of one target reports at read time. */
export interface TargetWrites {
  backend: string | null;
  concurrency: number;
  source: 'configured' | 'detected' | 'default';
  inFlight: number;
}

/** A zone that needs a look: failing, refused, or holding rrsets PowerDNS refused. */
export interface FailingZone {
  zone: string;
  target: string;
  outcome: 'failed' | 'refused' | 'rejected';
  at: string;
  changes: ZoneResult['changes'];
  error: string | null;
}

export interface KeptEntry {
  name: string;
  type: string;
  reason: KeepReason;
  detail: string;
}

export interface ZoneStatus {
  zone: string;
  target: string;
  outcome: ZoneResult['outcome'];
  at: string;
  changes: ZoneResult['changes'];
  error: string | null;
  failure_reason: string | null;
  /** The safety check that refused the plan, when it was refused. */
  refusal: string | null;
  /** Rrsets PowerDNS refused (422), held back until NetBox changes them. */
  rejected: RejectedRRset[];
  /** Rrsets kept as PowerDNS holds them, and why (first 20). */
  kept: KeptEntry[];
  warnings: string[];
  /** A signed zone: the DS the parent needs, whether it publishes them, what the key lifecycle waits for. */
  dnssec: ZoneDnssec | null;
  dry_run: boolean;
  duration_ms: number;
}

/** One catalog zone as /status shows it. */
export interface CatalogState {
  zone: string;
  /** Our zones that are members, as last seen by their zone tasks. */
  members: number;
  /** When the catalog was last bumped and NOTIFYed for a membership change. */
  last_change: string | null;
  serial: number | null;
  last_error: string | null;
}

/** Replication to secondaries: present when a catalog or secondaries are configured. */
export interface ReplicationStatus {
  /** By target name. */
  catalogs: Record<string, CatalogState>;
  secondaries: SecondaryState[];
}

/** What the daemon adds at read time (state owned by other components). */
export interface StatusExtra {
  /** `next_quick_run`: the quick reconcile's next start; null when it is `off`. */
  scheduler: { running: boolean; next_run: string | null; next_quick_run: string | null };
  mqtt: object | { enabled: false };
  queue: { pending: number; running: number };
  lock_contention_events: number;
  /** Each target's write gate, by target name. */
  writes?: Record<string, TargetWrites>;
  replication?: ReplicationStatus;
  /** Refused plans waiting for an operator (observability/pending-view.ts). */
  pending_approvals?: PendingApprovalView[];
}

/** One refused plan in /status and on the page: what `approve` needs and what it would write. */
export interface PendingApprovalView {
  zone: string;
  target: string;
  plan_id: string;
  /** The refusal code and message. */
  refusal: string;
  message: string;
  /** When this plan was first refused. */
  since: string;
  action: string;
  changes: { creates: number; updates: number; deletes: number; settings: number };
  /** The plan, one line per write (first 100; `lines_total` counts them all). */
  lines: string[];
  lines_total: number;
}

export interface StatusDocument {
  status: HealthStatus;
  /** Why the status is not Healthy, one line each (empty when Healthy). */
  problems: string[];
  uptime_seconds: number;
  initial_sync: { started: boolean; completed: boolean; error: string | null; start_time: string | null };
  scheduler: StatusExtra['scheduler'];
  mqtt: StatusExtra['mqtt'];
  queue: StatusExtra['queue'];
  reliability: {
    /** Last *successful* full reconcile (like external-dns last_sync). */
    last_sync: string | null;
    /** Last deep full reconcile (every zone read on both sides) of any outcome. */
    last_reconcile: { outcome: FullReconcileOutcome; at: string; duration_ms: number; error: string | null } | null;
    /** Last quick reconcile (only zones whose listings moved): of any outcome, with the zones it looked at. */
    last_quick_reconcile: { outcome: FullReconcileOutcome; at: string; duration_ms: number; error: string | null; zones: number } | null;
    /** Share of successful runs among the last RECENT_RECONCILES full reconciles; null before the first. */
    sync_success_rate: number | null;
    /** Retries scheduled per upstream request, since start. */
    average_retry_rate: number;
    lock_contention_events: number;
  };
  upstreams: Record<UpstreamName, UpstreamState>;
  /** Refused plans waiting for an operator: approve with `netbox-pdns approve ZONE PLAN-ID` or POST /approve. */
  pending_approvals: PendingApprovalView[];
  /** Each configured PowerDNS target, by name. */
  targets: Record<string, TargetState>;
  replication?: ReplicationStatus;
  zones: {
    managed: number;
    /** Zones failing, refused or holding refused rrsets (all listed in `failing`). */
    failing_count: number;
    refused_count: number;
    rejected_rrsets: number;
    failing: FailingZone[];
  };
}

/** Counts behind the scrape-time gauges (one definition with /status). */
export interface StatusCounts {
  managed: number;
  refused: number;
  failing: number;
  kept: Partial<Record<KeepReason, number>>;
  /** Signed zones by whether the parent publishes their DS. */
  dnssec?: Partial<Record<ParentDsState, number>>;
  /** Zones whose KSK/CSK rollover waits for the parent's DS of the new key. */
  waitingForDs?: number;
}
