/**
 * `netbox-pdns approve ZONE PLAN-ID` and `netbox-pdns sync --plan FILE`: apply plans by their ids,
 * each only when it is still the zone's current plan. Exit 0 when everything asked for was applied,
 * 3 when a plan was no longer current (nothing of it applied), 1 on a failure, 2 on bad arguments.
 */
import { describePlanChange, isPlanId } from '../core/plan-id.js';
import { describeZoneAction, describeZonePlan } from '../core/plan-text.js';
import { toZoneName, zoneNameProblem } from '../core/names.js';
import type { ApprovalOutcome } from '../reconcile/approve.js';
import type { Engine } from '../reconcile/engine.js';
import type { ApprovalVia, ZoneResult } from '../reconcile/types.js';
import type { ZonePlan } from '../core/plan.js';
import { readPlanFile } from './plan-file.js';
import { EXIT_FAILURE, EXIT_OK, EXIT_REFUSED_OR_PENDING, EXIT_USAGE } from './reconcile-commands.js';

type Out = (line: string) => void;

function printPlan(r: ZoneResult, out: Out): void {
  if (!r.plan) return;
  out(`  ${r.zone} [${r.target}]: ${describeZoneAction(r.plan)} [plan ${r.planId ?? '?'}]`);
  for (const line of describeZonePlan(r.plan)) out(`    ${line}`);
}

/** Prints one approval's outcome; `approved` is the plan as the operator saw it, when known. */
function report(outcome: ApprovalOutcome, out: Out, approved?: ZonePlan): void {
  const where = `${outcome.zone}${outcome.target ? ` [${outcome.target}]` : ''}`;
  const looked = outcome.results.find((r) => r.target === outcome.target);
  if (outcome.result === 'applied') {
    out(`${where}: plan ${outcome.planId} applied (${looked?.outcome ?? 'done'})`);
    for (const r of looked?.rejected ?? []) out(`  PowerDNS refused ${r.name} ${r.type}: ${r.error}`);
    return;
  }
  if (outcome.result === 'failed') {
    out(`${where}: approval of plan ${outcome.planId} failed: ${looked?.error ?? outcome.results.map((r) => r.error).join('; ')}`);
    return;
  }
  out(`${where}: plan ${outcome.planId} is not the current plan${outcome.currentPlanId ? ` (now ${outcome.currentPlanId})` : ''}; nothing applied`);
  const previous = approved ?? outcome.previous?.plan;
  const changes = previous && looked?.plan ? describePlanChange(previous, looked.plan) : outcome.changes;
  if (changes.length > 0) {
    out('  what changed since:');
    for (const line of changes) out(`    ${line}`);
  }
  out('  the current plan:');
  for (const r of outcome.results) printPlan(r, out);
  if (outcome.currentPlanId) out(`  to apply it: netbox-pdns approve ${outcome.zone} ${outcome.currentPlanId}`);
}

const exitOf = (results: ReadonlyArray<ApprovalOutcome['result']>): number =>
  (results.includes('failed') ? EXIT_FAILURE : results.includes('stale') ? EXIT_REFUSED_OR_PENDING : EXIT_OK);

const toJson = (o: ApprovalOutcome): object => ({
  zone: o.zone, plan_id: o.planId, result: o.result, target: o.target, current_plan_id: o.currentPlanId, changes: o.changes,
  zones: o.results.map((r) => ({ zone: r.zone, target: r.target, outcome: r.outcome, plan_id: r.planId, error: r.error, plan: r.plan })),
});

export interface ApproveArgs {
  zone: string;
  planId: string;
  servers: string[];
  json: boolean;
  /** Who approves (`cli:<user>`). */
  by: string;
}

export async function approveCommand(engine: Engine, args: ApproveArgs, out: Out): Promise<number> {
  const problems = [
    ...(zoneNameProblem(args.zone) ? [`zone ${JSON.stringify(args.zone)}: ${zoneNameProblem(args.zone) ?? ''}`] : []),
    ...(isPlanId(args.planId) ? [] : [`plan id ${JSON.stringify(args.planId)}: not a plan id (12 hex digits, as \`plan\` prints them)`]),
    ...args.servers.filter((s) => !engine.targetNames().includes(s)).map((s) => `--server ${JSON.stringify(s)}: not a configured PowerDNS target`),
  ];
  if (problems.length > 0) {
    for (const p of problems) out(p);
    return EXIT_USAGE;
  }
  const outcome = await engine.approve(toZoneName(args.zone), { planId: args.planId, by: args.by, via: 'cli' }, args.servers.length > 0 ? args.servers : undefined);
  if (args.json) out(JSON.stringify(toJson(outcome), null, 2));
  else report(outcome, out);
  return exitOf([outcome.result]);
}

export async function syncPlanFileCommand(engine: Engine, args: { planFile: string; servers: string[]; json: boolean; by: string }, out: Out): Promise<number> {
  let file;
  try {
    file = readPlanFile(args.planFile);
  } catch (e) {
    out(e instanceof Error ? e.message : String(e));
    return EXIT_USAGE;
  }
  const unknown = file.plans.filter((p) => !engine.targetNames().includes(p.target));
  if (unknown.length > 0) {
    for (const p of unknown) out(`${p.zone}: target ${JSON.stringify(p.target)} of the plan file is not configured`);
    return EXIT_USAGE;
  }
  const via: ApprovalVia = 'plan_file';
  const outcomes: ApprovalOutcome[] = [];
  for (const entry of file.plans.filter((p) => args.servers.length === 0 || args.servers.includes(p.target))) {
    const outcome = await engine.approve(toZoneName(entry.zone), { planId: entry.plan_id, by: args.by, via }, [entry.target]);
    outcomes.push(outcome);
    if (!args.json) report(outcome, out, entry.plan);
  }
  if (args.json) out(JSON.stringify({ plan_file: args.planFile, created_at: file.created_at, approvals: outcomes.map(toJson) }, null, 2));
  else {
    const n = (r: ApprovalOutcome['result']): number => outcomes.filter((o) => o.result === r).length;
    out(`Plan file ${args.planFile} (${file.created_at}): ${n('applied')} applied, ${n('stale')} no longer current, ${n('failed')} failed`);
  }
  return exitOf(outcomes.map((o) => o.result));
}
