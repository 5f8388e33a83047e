/**
 * Refused plans kept for approval: the last refused plan of each (zone, target) with its id, its
 * diff and why it was refused, until the zone's next result says otherwise (applied, in sync, gone,
 * or a different plan refused, which replaces it). Failed runs keep the entry: they say nothing about
 * the plan. Bounded; the least recently refused go first. In memory only: a restart re-plans every
 * zone at its startup reconcile, and a refusal that still holds comes back with the same id.
 */
import type { Refusal } from '../core/safety.js';
import type { ZonePlan } from '../core/plan.js';
import type { ZoneName } from '../core/types.js';
import type { ZoneResult } from './types.js';

export interface PendingApproval {
  zone: ZoneName;
  target: string;
  planId: string;
  plan: ZonePlan;
  refusal: Refusal;
  /** Wall-clock ms this plan was first refused. */
  since: number;
  /** Wall-clock ms it was last refused (each run re-plans it). */
  seenAt: number;
}

export interface PendingApprovals {
  /** Takes one zone task result. */
  note(result: ZoneResult): void;
  /** Every pending approval, sorted by zone then target. */
  list(): PendingApproval[];
  /** The pending approvals of one zone. */
  of(zone: ZoneName): PendingApproval[];
}

export function createPendingApprovals(opts: { maxEntries?: number } = {}): PendingApprovals {
  const max = opts.maxEntries ?? 1000;
  const entries = new Map<string, PendingApproval>();
  const key = (zone: string, target: string): string => `${zone}\u0000${target}`;
  return {
    note(result) {
      const k = key(result.zone, result.target);
      if (result.outcome === 'failed') return;
      if (result.outcome !== 'refused' || !result.plan || !result.planId || !result.refusal) {
        entries.delete(k);
        return;
      }
      const previous = entries.get(k);
      const since = previous?.planId === result.planId ? previous.since : result.finishedAt;
      entries.delete(k);
      entries.set(k, {
        zone: result.zone, target: result.target, planId: result.planId, plan: result.plan, refusal: result.refusal, since, seenAt: result.finishedAt,
      });
      while (entries.size > max) {
        const oldest = entries.keys().next();
        if (oldest.done === true) break;
        entries.delete(oldest.value);
      }
    },
    list: () => [...entries.values()].sort((a, b) => (a.zone < b.zone ? -1 : a.zone > b.zone ? 1 : a.target < b.target ? -1 : a.target > b.target ? 1 : 0)),
    of: (zone) => [...entries.values()].filter((e) => e.zone === zone),
  };
}
