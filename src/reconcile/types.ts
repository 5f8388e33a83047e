/** Types of the reconcile engine: settings, results and the hooks metrics attach to. */
import type { ZoneName, ZonePlan } from '../core/types.js';
import type { ErrorClass } from '../util/errors.js';
import type { NetboxRecord, NetboxZone } from '../netbox/types.js';
import type { PdnsZoneSummary } from '../pdns/types.js';

export interface EngineSettings {
  /** Written to PowerDNS `account` on zones we create; only such zones are ever deleted. */
  ownerId: string;
  /** Take over zones that exist in PowerDNS without our marker but are in NetBox for our nameserver. */
  adoptZones: boolean;
  /** Zone kind for new zones: Native, Master or Primary. */
  zoneKind: string;
  /** Send NOTIFY after a change when the kind is Master/Primary. */
  notify: boolean;
  dryRun: boolean;
  maxChangeRatio: number;
  minRrsetsForThreshold: number;
  maxZoneDeleteRatio: number;
}

/** How a zone task ended. */
export type ZoneOutcome =
  | 'created' | 'changed' | 'unchanged' | 'deleted'
  /** Not ours to touch (foreign zone, adoption off), or nothing to do for a zone absent on both sides. */
  | 'skipped'
  /** The plan broke a safety threshold; nothing was written. */
  | 'refused'
  | 'failed';

/** Why a zone task failed, for metrics (bounded set). */
export type FailureReason =
  | 'pdns_rejected' | 'pdns_unavailable' | 'netbox_unavailable' | 'auth' | 'lock_timeout'
  | 'unsafe_plan' | 'invalid_data' | 'internal';

export interface ZoneResult {
  zone: ZoneName;
  outcome: ZoneOutcome;
  /** Counts of rrsets created, updated and deleted (planned, when dry-run or refused). */
  changes: { creates: number; updates: number; deletes: number };
  /** The plan, when one was computed (for `plan --json` and /status). */
  plan?: ZonePlan;
  dryRun: boolean;
  error?: string;
  errorClass?: ErrorClass;
  failureReason?: FailureReason;
  warnings: string[];
  durationMs: number;
  /** Wall-clock ms when the task finished. */
  finishedAt: number;
}

/** NetBox data read in bulk by a full reconcile, handed to the zone task so it need not read again. */
export interface PrefetchedZone {
  /** Monotonic ms when the bulk NetBox read started: older than a zone's own last read → re-read. */
  readStartedAt: number;
  /** The NetBox zones with this name for our nameserver (0 = gone, 2+ = ambiguous across views). */
  netboxZones: NetboxZone[];
  /** Active records of the zone (when exactly one NetBox zone). */
  records: NetboxRecord[];
  /** PowerDNS's listing entry, or null when the zone is absent from PowerDNS. */
  pdnsZone: PdnsZoneSummary | null;
}

export interface ZoneTaskOptions {
  dryRun?: boolean;
  force?: boolean;
  /**
   * Whether this task may delete the zone from PowerDNS when NetBox no longer serves it for us. Set by
   * the full reconcile (which applies the zone-deletion safety rules) and by events that say the zone
   * was removed; a plain record event never deletes a zone, so a wrong nameserver id cannot make
   * events delete zones one by one around those rules.
   */
  allowDelete?: boolean;
  prefetched?: PrefetchedZone;
}

/** Hooks for metrics; every method optional to call, must not throw. */
export interface EngineObserver {
  rrsetChanges(action: 'create' | 'update' | 'delete', count: number): void;
}
