/**
 * The plan file of `plan --out FILE` and `sync --plan FILE`: the plans of one `plan` run, each with
 * its zone, target and id, so that a change prepared (and reviewed) before a change window is
 * applied in it exactly as reviewed, or not at all.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { isPlanId } from '../core/plan-id.js';
import type { ZonePlan } from '../core/plan.js';
import type { ZoneResult } from '../reconcile/types.js';

export const PLAN_FILE_FORMAT = 'netbox-pdns-plans';

export interface PlanFileEntry {
  zone: string;
  target: string;
  plan_id: string;
  outcome: ZoneResult['outcome'];
  refusal?: string;
  plan: ZonePlan;
}

export interface PlanFile {
  format: typeof PLAN_FILE_FORMAT;
  version: 1;
  created_at: string;
  plans: PlanFileEntry[];
}

/** Writes the plans of `results` that would write something or were refused. */
export function writePlanFile(path: string, results: readonly ZoneResult[], writes: (r: ZoneResult) => boolean, now: Date): number {
  const plans: PlanFileEntry[] = results.filter((r) => r.plan !== undefined && r.planId !== undefined && (writes(r) || r.outcome === 'refused')).map((r) => ({
    zone: r.zone, target: r.target, plan_id: r.planId as string, outcome: r.outcome,
    ...(r.refusal ? { refusal: r.refusal.message } : {}), plan: r.plan as ZonePlan,
  }));
  const file: PlanFile = { format: PLAN_FILE_FORMAT, version: 1, created_at: now.toISOString(), plans };
  writeFileSync(path, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o640 });
  return plans.length;
}

/** Reads and checks a plan file; throws an Error naming the problem. */
export function readPlanFile(path: string): PlanFile {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new Error(`${path}: not a readable JSON plan file (${e instanceof Error ? e.message : String(e)})`);
  }
  const file = parsed as Partial<PlanFile>;
  if (file?.format !== PLAN_FILE_FORMAT || file.version !== 1 || !Array.isArray(file.plans)) {
    throw new Error(`${path}: not a netbox-pdns plan file (write one with \`netbox-pdns plan --out FILE\`)`);
  }
  file.plans.forEach((p, i) => {
    if (typeof p?.zone !== 'string' || typeof p.target !== 'string' || typeof p.plan_id !== 'string' || !isPlanId(p.plan_id) || typeof p.plan !== 'object') {
      throw new Error(`${path}: plans[${i}] lacks a zone, target, plan id or plan`);
    }
  });
  return file as PlanFile;
}
