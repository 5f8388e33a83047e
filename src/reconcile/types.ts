/**
 * Types of the reconcile engine: the vocabularies (one definition each; metric label sets derive
 * from them), the PowerDNS targets it writes to, settings, and results.
 */
import type { PlanPolicy, ZonePlan } from '../core/plan.js';
import type { RefusalCode } from '../core/safety.js';
import type { ZoneDnssec } from '../core/dnssec/ds.js';
import type { SourceDnssecPolicy } from '../core/dnssec/types.js';
import type { SourceRecord, SourceZone, ZoneName } from '../core/types.js';
import type { PdnsApi, PdnsTsigKey, PdnsZoneSummary } from '../pdns/types.js';
import type { ErrorClass } from '../util/errors.js';

/**
 * What asked for work: an event, the startup or cron reconcile (`cron` the deep one's schedule, `quick`
 * the quick one's: only zones whose listings moved), POST /sync, SIGHUP, the CLI, a retry, an operator
 * approving one plan by its id.
 */
export const TRIGGERS = ['event', 'startup', 'cron', 'quick', 'api', 'signal', 'cli', 'retry', 'approval'] as const;
export type Trigger = (typeof TRIGGERS)[number];

/** Where an approval came from: `netbox-pdns approve`, `POST /approve` (or the page), `sync --plan FILE`. */
export const APPROVAL_VIAS = ['cli', 'http', 'plan_file'] as const;
export type ApprovalVia = (typeof APPROVAL_VIAS)[number];

/** How an approval ended: the plan applied, the plan no longer current (nothing applied), or the run failed. */
export const APPROVAL_RESULTS = ['applied', 'stale', 'failed'] as const;
export type ApprovalResult = (typeof APPROVAL_RESULTS)[number];

/** An operator's approval of one plan, by its id (core/plan-id.ts). */
export interface Approval {
  planId: string;
  /** Who approved: the API key's name over HTTP, `cli:<user>` from the command line. */
  by: string;
  via: ApprovalVia;
}

/** Who caused an event-driven change in NetBox, as the webhook said (NetBox `username`, `request_id`). */
export interface EventOrigin {
  username?: string;
  requestId?: string;
}

/** How one zone task ended on one target. */
export const ZONE_OUTCOMES = ['created', 'changed', 'unchanged', 'deleted', 'skipped', 'refused', 'failed'] as const;
export type ZoneOutcome = (typeof ZONE_OUTCOMES)[number];

/** Why a zone task failed (`failed`) or was refused (`refused`). */
export const FAILURE_REASONS = [
  'pdns_rejected', 'pdns_unavailable', 'netbox_unavailable', 'auth', 'lock_timeout', 'unsafe_plan', 'invalid_data', 'internal',
] as const;
export type FailureReason = (typeof FAILURE_REASONS)[number];

/** How a full reconcile ended. */
export const FULL_OUTCOMES = ['success', 'failure', 'refused'] as const;
export type FullOutcome = (typeof FULL_OUTCOMES)[number];

/** The rrset change kinds written to PowerDNS. */
export const RRSET_ACTIONS = ['create', 'update', 'delete'] as const;
export type RrsetAction = (typeof RRSET_ACTIONS)[number];

/** The safety rules of one target (octoDNS-style thresholds and the zone-deletion guard). */
export interface TargetThresholds {
  maxChangeRatio: number;
  minRrsetsForThreshold: number;
  maxZoneDeleteRatio: number;
}

/**
 * One PowerDNS server the engine writes to. Each target is planned, checked and applied on its own:
 * its own ownership marker, policy, thresholds and client (with its own write gate), so one failing
 * server blocks nobody. One target is configured today; the engine takes a list.
 */
export interface Target {
  /** Bounded, configured name (metric label, /status key), never a URL. */
  name: string;
  pdns: PdnsApi;
  policy: PlanPolicy;
  thresholds: TargetThresholds;
  /** Send NOTIFY after a change when the zone kind is Master. */
  notify: boolean;
  /** Which NetBox zones this target serves: those of this nameserver (and view, when set). */
  scope: NetboxScope;
  /** The TSIG key kept in this PowerDNS for transfers (its secret from credentials). */
  tsigKey?: PdnsTsigKey;
}

/** A NetBox nameserver, optionally narrowed to one view: the zones one target serves. */
export interface NetboxScope {
  nameserverId: number;
  viewId?: number;
}

/** True when the NetBox zone is served by the target with this scope. */
export function inScope(zone: Pick<SourceZone, 'nameservers' | 'view'>, scope: NetboxScope): boolean {
  return zone.nameservers.some((ns) => ns.id === scope.nameserverId) && (scope.viewId === undefined || zone.view.id === scope.viewId);
}

export interface EngineSettings {
  dryRun: boolean;
}

/** A PowerDNS rrset refused with 422: reported, the rest of the zone applied, not resent until NetBox changes it. */
export interface RejectedRRset {
  name: string;
  type: string;
  /** PowerDNS's own message. */
  error: string;
}

export interface ZoneResult {
  zone: ZoneName;
  /** The target's configured name. */
  target: string;
  outcome: ZoneOutcome;
  trigger: Trigger;
  /** Counts of rrsets created, updated and deleted (planned, when dry-run or refused). */
  changes: { creates: number; updates: number; deletes: number };
  /** The plan, when one was computed (for `plan --json` and /status). */
  plan?: ZonePlan;
  /** The plan's stable id (core/plan-id.ts), what `approve` takes. */
  planId?: string;
  /** Set on the results of an approval run: whether the approved plan was still the current one. */
  approval?: { planId: string; by: string; via: ApprovalVia; result: 'applied' | 'stale' };
  /** Set when the plan was refused by a safety check. */
  refusal?: { code: RefusalCode; message: string };
  /** Rrsets PowerDNS refused in this run. */
  rejected: RejectedRRset[];
  dryRun: boolean;
  error?: string;
  errorClass?: ErrorClass;
  failureReason?: FailureReason;
  warnings: string[];
  /** A signed zone's keys' DS for the parent, the parent's answer, what the lifecycle waits for. */
  dnssec?: ZoneDnssec;
  durationMs: number;
  /** Wall-clock ms when the task finished. */
  finishedAt: number;
}

/** NetBox's data for one zone, read in bulk by a full reconcile so the zone task need not read again. */
export interface ZoneSource {
  /** Monotonic ms when this NetBox read started: a zone task that read NetBox itself after it saw newer data. */
  readAt: number;
  /** The NetBox zones of this name for our nameserver (0 = gone, 2+ = ambiguous across views). */
  netboxZones: SourceZone[];
  /** Active records of each active NetBox zone of this name some target serves, by zone id. */
  records: ReadonlyMap<number, SourceRecord[]>;
  /** Each target's listing entry, or null when the zone is absent there (no GET needed then). */
  listed: ReadonlyMap<string, PdnsZoneSummary | null>;
  /** Every NetBox DNSSEC policy by id (read once per full reconcile); absent: read per zone. */
  policies?: ReadonlyMap<number, SourceDnssecPolicy>;
}

export interface ZoneTaskOptions {
  trigger: Trigger;
  dryRun?: boolean;
  force?: boolean;
  /**
   * Whether this task may delete the zone from PowerDNS when NetBox no longer serves it for us. Set by
   * the full reconcile (which applies the zone-deletion safety rules) and by events that say the zone
   * was removed; a plain record event never deletes a zone, so a wrong nameserver id cannot make
   * events delete zones one by one around those rules.
   */
  allowDelete?: boolean;
  source?: ZoneSource;
  /** Only these targets (a retry of the ones that failed); all when absent. */
  targets?: readonly string[];
  /**
   * Apply the plan only if its id is this one (whatever the safety checks say: the operator saw it);
   * any other plan is reported with its id and nothing is written.
   */
  approve?: Approval;
  /** The NetBox users and requests behind the events this task serves (for the audit trail). */
  origins?: readonly EventOrigin[];
}

/** Hooks for metrics and /status; must not throw. */
export interface EngineObserver {
  /** One zone task finished on one target. `firstEventAt`: monotonic ms of the earliest event it serves. */
  zoneResult(result: ZoneResult, firstEventAt?: number): void;
  rrsetChanges(action: RrsetAction, count: number, target: string): void;
  /** An approval ended (once per approved plan, whatever the number of targets). */
  approval?(result: ApprovalResult, via: ApprovalVia): void;
}
