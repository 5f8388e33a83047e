/** The shapes of the GET /status document and of one zone's entry (`/status?zone=`). */
import type { ParentDsState, ZoneDnssec } from '../core/dnssec/ds.js';
import type { KeepReason } from '../core/plan.js';
import type { RejectedRRset, ZoneResult } from '../reconcile/types.js';

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

/** What the daemon adds at read time (state owned by other components). */
export interface StatusExtra {
  scheduler: { running: boolean; next_run: string | null };
  mqtt: object | { enabled: false };
  queue: { pending: number; running: number };
  lock_contention_events: number;
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
    /** Last full reconcile of any outcome. */
    last_reconcile: { outcome: FullReconcileOutcome; at: string; duration_ms: number; error: string | null } | null;
    /** Share of successful runs among the last RECENT_RECONCILES full reconciles; null before the first. */
    sync_success_rate: number | null;
    /** Retries scheduled per upstream request, since start. */
    average_retry_rate: number;
    lock_contention_events: number;
  };
  upstreams: Record<UpstreamName, UpstreamState>;
  /** Each configured PowerDNS target, by name. */
  targets: Record<string, TargetState>;
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
