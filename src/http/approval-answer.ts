/**
 * The answer of POST /approve (and of the status page's approve button): 200 when the approved plan
 * was applied, 409 when it is no longer the zone's current plan (nothing applied; the body says what
 * changed and gives the new id), 502 when the run failed.
 */
import type { ApprovalOutcome } from '../reconcile/approve.js';

const STATUS = { applied: 200, stale: 409, failed: 502 } as const;
/** Lines of a diff served; the rest is counted. */
const MAX_LINES = 100;

export function approvalAnswer(outcome: ApprovalOutcome): { status: number; body: object } {
  const looked = outcome.results.find((r) => r.target === outcome.target);
  return {
    status: STATUS[outcome.result],
    body: {
      result: outcome.result,
      zone: outcome.zone,
      plan_id: outcome.planId,
      target: outcome.target ?? null,
      outcome: looked?.outcome ?? null,
      /** With NETBOX_PDNS_DRY_RUN the approved plan is reported, not written. */
      dry_run: looked?.dryRun ?? false,
      current_plan_id: outcome.currentPlanId ?? null,
      changes: outcome.changes.slice(0, MAX_LINES),
      error: outcome.result === 'failed' ? looked?.error ?? null : null,
    },
  };
}
