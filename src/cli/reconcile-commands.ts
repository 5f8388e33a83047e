/** `netbox-pdns sync` and `netbox-pdns plan`: one full reconcile through the engine, then exit. */
import { describePlan } from '../core/diff.js';
import { toZoneName, zoneNameProblem } from '../core/names.js';
import type { ZoneName } from '../core/types.js';
import type { Engine } from '../reconcile/engine.js';
import type { FullReconcileResult } from '../reconcile/full.js';
import type { ZoneResult } from '../reconcile/types.js';

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;
export const EXIT_REFUSED_OR_PENDING = 3;

export interface ReconcileCommandArgs {
  zones: string[];
  dryRun: boolean;
  force: boolean;
  json: boolean;
}

type Out = (line: string) => void;

/** Validates `--zone` values; returns absolute names or the problems. */
export function parseZoneArgs(zones: string[]): { zones: ZoneName[]; problems: string[] } {
  const problems = zones.flatMap((z) => {
    const problem = zoneNameProblem(z.replace(/\.$/, ''));
    return problem ? [`--zone ${JSON.stringify(z)}: ${problem}`] : [];
  });
  return { zones: zones.map((z) => toZoneName(z.replace(/\.$/, ''))), problems };
}

function hasChanges(r: ZoneResult): boolean {
  return r.changes.creates + r.changes.updates + r.changes.deletes > 0 || r.outcome === 'created' || r.outcome === 'deleted';
}

function summaryLine(result: FullReconcileResult, verb: 'would' | 'did'): string {
  const count = (o: ZoneResult['outcome']): number => result.zones.filter((z) => z.outcome === o).length;
  const parts = [
    `${count('created')} zone(s) ${verb === 'would' ? 'to create' : 'created'}`,
    `${count('changed')} ${verb === 'would' ? 'to change' : 'changed'}`,
    `${count('deleted')} ${verb === 'would' ? 'to delete' : 'deleted'}`,
    `${count('unchanged')} in sync`,
  ];
  if (count('skipped')) parts.push(`${count('skipped')} skipped`);
  if (count('refused')) parts.push(`${count('refused')} refused`);
  if (count('failed')) parts.push(`${count('failed')} failed`);
  return `${parts.join(', ')} (${(result.durationMs / 1000).toFixed(2)} s)`;
}

function printZone(r: ZoneResult, out: Out): void {
  if (r.outcome === 'failed' || r.outcome === 'refused') {
    out(`${r.zone} ${r.outcome.toUpperCase()}: ${r.error ?? ''}`);
  }
  if (!hasChanges(r)) return;
  const label = r.outcome === 'created' ? ' (create zone)' : r.outcome === 'deleted' ? ' (delete zone)' : '';
  const { creates, updates, deletes } = r.changes;
  out(`${r.zone}${label}: +${creates} ~${updates} -${deletes}`);
  if (r.plan && r.outcome !== 'deleted') for (const line of describePlan(r.plan)) out(`  ${line}`);
}

function toJson(result: FullReconcileResult): string {
  return JSON.stringify({
    outcome: result.outcome,
    error: result.error,
    refusal: result.refusal,
    duration_ms: Math.round(result.durationMs),
    zones: result.zones.map((z) => ({
      zone: z.zone, outcome: z.outcome, changes: z.changes, error: z.error, warnings: z.warnings, plan: z.plan,
    })),
  }, null, 2);
}

/** `sync`: exit 0 on success, 1 on failure, 3 when something was refused as unsafe. */
export async function syncCommand(engine: Engine, args: ReconcileCommandArgs, out: Out): Promise<number> {
  const { zones, problems } = parseZoneArgs(args.zones);
  if (problems.length > 0) {
    for (const p of problems) out(p);
    return EXIT_USAGE;
  }
  const result = await engine.fullReconcile('cli', {
    dryRun: args.dryRun, force: args.force, ...(zones.length > 0 ? { zones } : {}),
  });
  if (args.json) out(toJson(result));
  else {
    if (result.error) out(`sync failed: ${result.error}`);
    if (result.refusal) out(`zone deletions refused: ${result.refusal}`);
    for (const z of result.zones) printZone(z, out);
    out(`${args.dryRun ? 'Dry run: ' : ''}${summaryLine(result, args.dryRun ? 'would' : 'did')}`);
  }
  if (result.outcome === 'failure') return EXIT_FAILURE;
  return result.outcome === 'refused' ? EXIT_REFUSED_OR_PENDING : EXIT_OK;
}

/** `plan`: exit 0 when in sync, 3 when changes are pending, 1 on failure. */
export async function planCommand(engine: Engine, args: ReconcileCommandArgs, out: Out): Promise<number> {
  const { zones, problems } = parseZoneArgs(args.zones);
  if (problems.length > 0) {
    for (const p of problems) out(p);
    return EXIT_USAGE;
  }
  const result = await engine.fullReconcile('cli', { dryRun: true, ...(zones.length > 0 ? { zones } : {}) });
  if (args.json) out(toJson(result));
  else {
    if (result.error) out(`plan failed: ${result.error}`);
    if (result.refusal) out(`zone deletions would be refused: ${result.refusal}`);
    for (const z of result.zones) printZone(z, out);
    out(`Plan: ${summaryLine(result, 'would')}`);
  }
  if (result.outcome === 'failure') return EXIT_FAILURE;
  const pending = result.refusal !== undefined || result.zones.some((z) => hasChanges(z) || z.outcome === 'refused');
  return pending ? EXIT_REFUSED_OR_PENDING : EXIT_OK;
}
