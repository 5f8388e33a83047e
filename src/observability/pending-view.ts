/** Refused plans as /status and the status page show them: ids, why, and the plan in words. */
import { describeZoneAction, describeZonePlan } from '../core/plan-text.js';
import type { PendingApproval } from '../reconcile/pending.js';
import type { PendingApprovalView } from './status-types.js';

/** Lines of a plan served per zone; a refused plan can be the whole zone. */
const MAX_LINES = 100;
/** Pending approvals listed; the rest wait their turn (the refused count covers them all). */
const MAX_LISTED = 50;

export function pendingView(pending: readonly PendingApproval[]): PendingApprovalView[] {
  return pending.slice(0, MAX_LISTED).map((p) => {
    const lines = describeZonePlan(p.plan);
    return {
      zone: p.zone, target: p.target, plan_id: p.planId, refusal: p.refusal.code, message: p.refusal.message,
      since: new Date(p.since).toISOString(), action: describeZoneAction(p.plan),
      changes: { creates: p.plan.creates.length, updates: p.plan.updates.length, deletes: p.plan.deletes.length, settings: p.plan.settings.length },
      lines: lines.slice(0, MAX_LINES), lines_total: lines.length,
    };
  });
}
