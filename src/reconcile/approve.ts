/**
 * Approving one refused plan by its id: the zone task re-plans under the zone's lock and applies the
 * plan only when its id is still the approved one (zone-task.ts); otherwise nothing is written and
 * the answer says what changed since (against the kept refused plan when there is one). Logged with
 * who approved, and counted.
 */
import { describePlanChange } from '../core/plan-id.js';
import type { ZoneName } from '../core/types.js';
import type { Logger } from '../util/log.js';
import type { PendingApproval, PendingApprovals } from './pending.js';
import type { Approval, ApprovalResult, EngineObserver, ZoneResult, ZoneTaskOptions } from './types.js';

export interface ApprovalOutcome {
  result: ApprovalResult;
  zone: ZoneName;
  planId: string;
  /** The target whose plan was applied (or looked at). */
  target?: string;
  /** The zone's results of the approval run (one per target looked at). */
  results: ZoneResult[];
  /** The refused plan that was kept under this id, when there was one. */
  previous?: PendingApproval;
  /** The current plan's id on the target, when it differs (stale). */
  currentPlanId?: string;
  /** Stale: what differs between the approved plan and the current one. */
  changes: string[];
}

export interface ApproveDeps {
  pending: PendingApprovals;
  runZone: (zone: ZoneName, options: ZoneTaskOptions) => Promise<ZoneResult[]>;
  logger: Logger;
  observer?: EngineObserver;
  /** The configured targets' names. */
  targetNames: () => string[];
}

/** Runs one approval. `targets`: only these (else the target of the kept plan, else all). */
export async function approvePlan(deps: ApproveDeps, zone: ZoneName, approval: Approval, targets?: readonly string[]): Promise<ApprovalOutcome> {
  const previous = deps.pending.of(zone).find((p) => p.planId === approval.planId && (targets === undefined || targets.includes(p.target)));
  let only = previous ? [previous.target] : targets;
  if (only === undefined && deps.targetNames().length > 1) {
    // No kept plan says which server the id is for (the CLI): find it with a dry run, so the other
    // servers are neither touched nor reported as stale. The real run re-checks the id under the lock.
    const dry = await deps.runZone(zone, { trigger: 'approval', dryRun: true });
    const match = dry.find((r) => r.planId === approval.planId);
    if (match) only = [match.target];
  }
  const results = await deps.runZone(zone, { trigger: 'approval', approve: approval, ...(only ? { targets: only } : {}) });
  const applied = results.find((r) => r.approval?.result === 'applied');
  const looked = applied ?? results.find((r) => r.target === previous?.target) ?? results.find((r) => r.approval !== undefined) ?? results[0];
  let result: ApprovalResult;
  if (applied) result = applied.outcome === 'failed' ? 'failed' : 'applied';
  else result = results.length > 0 && results.every((r) => r.outcome === 'failed') ? 'failed' : 'stale';
  const changes = result === 'stale' && previous && looked?.plan ? describePlanChange(previous.plan, looked.plan) : [];
  const outcome: ApprovalOutcome = {
    result, zone, planId: approval.planId, results, changes,
    ...(looked ? { target: looked.target } : {}),
    ...(previous ? { previous } : {}),
    ...(result === 'stale' && looked?.planId ? { currentPlanId: looked.planId } : {}),
  };
  const fields = { zone, plan_id: approval.planId, approved_by: approval.by, via: approval.via, result, ...(looked ? { target: looked.target } : {}) };
  if (result === 'applied') deps.logger.info(`approval: plan ${approval.planId} of ${zone} applied`, fields);
  else deps.logger.warn(`approval: plan ${approval.planId} of ${zone} ${result === 'stale' ? 'is no longer current; nothing applied' : 'failed'}`, {
    ...fields, ...(outcome.currentPlanId ? { current_plan_id: outcome.currentPlanId } : {}), ...(looked?.error ? { error: looked.error } : {}),
  });
  try {
    deps.observer?.approval?.(result, approval.via);
  } catch {
    // Observers must not throw; an approval's outcome never depends on its metrics.
  }
  return outcome;
}
