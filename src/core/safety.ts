/**
 * The safety checks a plan must pass before its first write: thresholds in the style of octoDNS
 * (`provider/plan.py`: 30 % of updates or deletes, only for zones with at least 10 rrsets), adoption
 * that would replace existing content, a NetBox answer that would empty a zone, and the zone-deletion
 * and empty-zone-list guards of the full reconcile. Each check returns a refusal message, or null
 * when the change is safe; refusals are reported and applied only when an operator forces them.
 */
import type { AdoptionMode, ZonePlan } from './plan.js';
import type { DesiredZone, RRset, RRsetDiff } from './types.js';

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
export function checkZonePlanSafety(plan: RRsetDiff, opts: ZoneSafetyOptions): string | null {
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

/** Why a zone plan was refused (a bounded label set). */
export const REFUSAL_CODES = ['too_many_changes', 'adoption', 'empty_answer', 'zone_deletions', 'dnssec'] as const;
export type RefusalCode = (typeof REFUSAL_CODES)[number];

export interface Refusal {
  code: RefusalCode;
  message: string;
}

/** Apex SOA and NS: what every zone has, and what adoption and an empty answer may change. */
function isApexCore(zone: string, r: Pick<RRset, 'name' | 'type'>): boolean {
  return r.name === zone && (r.type === 'SOA' || r.type === 'NS');
}

/**
 * Adopting a zone that already holds data may add rrsets, and set the apex SOA and NS, but nothing
 * else without approval: a hand-made zone plus an empty or different NetBox zone must not be wiped
 * (whatever its size, so no threshold applies here). Changing the zone's kind counts too: it can
 * silence NOTIFY to secondaries.
 */
export function checkAdoption(plan: ZonePlan): string | null {
  if (plan.action !== 'adopt') return null;
  const updates = plan.updates.filter((u) => !isApexCore(plan.zone, u.after)).length;
  const deletes = plan.deletes.filter((d) => !isApexCore(plan.zone, d)).length;
  const kind = plan.settings.find((c) => c.field === 'kind');
  if (updates === 0 && deletes === 0 && kind === undefined) return null;
  const parts = [
    ...(updates > 0 ? [`change ${updates}`] : []),
    ...(deletes > 0 ? [`delete ${deletes}`] : []),
  ];
  const what = [parts.length > 0 ? `${parts.join(' and ')} existing rrset(s)` : '', kind ? `change its kind from ${kind.from ?? '?'} to ${kind.to}` : '']
    .filter((p) => p !== '').join(' and ');
  return `${plan.zone}: adopting this zone would ${what}; approve with sync --zone ${plan.zone} --force, or set NETBOX_PDNS_ADOPT_ZONES=always`;
}

/**
 * NetBox answering with nothing but the SOA and NS for a zone whose PowerDNS copy holds more is what
 * a wrong filter, a permission change or a proxy produce: refused like an empty zone list.
 */
export function checkEmptyAnswer(plan: ZonePlan, desired: DesiredZone | null): string | null {
  if (desired === null || (plan.action !== 'update' && plan.action !== 'adopt')) return null;
  if (desired.rrsets.some((r) => !isApexCore(plan.zone, r))) return null;
  const deletes = plan.deletes.filter((d) => !isApexCore(plan.zone, d)).length;
  if (deletes === 0) return null;
  return `${plan.zone}: NetBox returned no records beyond SOA and NS, while PowerDNS holds ${deletes} more rrset(s); refusing to empty the zone (use --force to apply)`;
}

/**
 * Runs every zone-level check; the first refusal, or null when the plan may be applied. Adoption
 * is judged only in `safe` mode (`always` is the operator's standing approval).
 */
export function checkZonePlan(plan: ZonePlan, desired: DesiredZone | null, opts: ZoneSafetyOptions & { adoption: AdoptionMode }): Refusal | null {
  const checks: Array<[RefusalCode, () => string | null]> = [
    ['empty_answer', () => checkEmptyAnswer(plan, desired)],
    ['adoption', () => (opts.adoption === 'safe' ? checkAdoption(plan) : null)],
    ['too_many_changes', () => (plan.action === 'update' || plan.action === 'adopt' ? checkZonePlanSafety(plan, opts) : null)],
    // An unsigned zone under a signed parent goes dark for validating resolvers.
    ['dnssec', () => (plan.signing?.unsafe && plan.action !== 'delete' ? `${plan.zone}: ${plan.signing.unsafe}; approve with sync --zone ${plan.zone} --force` : null)],
  ];
  for (const [code, check] of checks) {
    const message = check();
    if (message !== null) return { code, message };
  }
  return null;
}
