/**
 * Safety thresholds in the style of octoDNS (`provider/plan.py`: 30 % of updates or deletes, only
 * for zones with at least 10 rrsets), plus zone-deletion and empty-source guards. Each check returns
 * a refusal message, or null when the change is safe; the caller turns a message into an
 * `UnsafePlanError` unless the operator forces it.
 */
import type { ZonePlan } from './types.js';

/** Thresholds of `checkZonePlanSafety`. */
export interface ZoneSafetyOptions {
  /** Largest share of existing rrsets a plan may update, and separately delete (0.3). */
  maxChangeRatio: number;
  /** Zones with fewer existing rrsets are never refused (10). */
  minRrsets: number;
}

const percent = (ratio: number): string => `${(ratio * 100).toFixed(2)}%`;

/**
 * Refuses a plan that deletes or updates more than `maxChangeRatio` of the zone's existing rrsets.
 * The apex SOA is never counted (it changes with every write). Creates never count.
 */
export function checkZonePlanSafety(plan: ZonePlan, opts: ZoneSafetyOptions): string | null {
  const existing = plan.existingCount;
  if (existing < opts.minRrsets || existing === 0) return null;
  const notSoa = (r: { name: string; type: string }): boolean => !(r.type === 'SOA' && r.name === plan.zone);
  const counts: Array<[string, number]> = [
    ['deletes', plan.deletes.filter(notSoa).length],
    ['updates', plan.updates.filter((u) => notSoa(u.after)).length],
  ];
  for (const [what, count] of counts) {
    const ratio = count / existing;
    if (ratio > opts.maxChangeRatio) {
      return `${plan.zone}: too many ${what}, ${percent(ratio)} is over ${percent(opts.maxChangeRatio)} (${count}/${existing}); use --force to apply`;
    }
  }
  return null;
}

/**
 * Refuses deleting several owned zones at once when they are more than `maxRatio` of the zones we
 * own (a NetBox filter or permission mistake looks exactly like that). One zone is always allowed.
 */
export function checkZoneDeletionSafety(toDelete: number, owned: number, maxRatio: number): string | null {
  if (toDelete <= 1 || owned <= 0) return null;
  const ratio = toDelete / owned;
  if (ratio <= maxRatio) return null;
  return `too many zone deletions, ${percent(ratio)} is over ${percent(maxRatio)} (${toDelete}/${owned} owned zones); use --force to apply`;
}

/** Refuses a reconcile in which NetBox lists no zones at all while PowerDNS holds zones we own. */
export function checkEmptySource(netboxZoneCount: number, ownedCount: number): string | null {
  if (netboxZoneCount > 0 || ownedCount === 0) return null;
  return `NetBox lists no zones but ${ownedCount} owned zone(s) exist in PowerDNS; refusing to delete them all (check the nameserver id and the token's permissions)`;
}
