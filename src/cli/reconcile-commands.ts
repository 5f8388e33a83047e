/** `netbox-pdns sync` and `netbox-pdns plan`: one full reconcile through the engine, then exit. */
import { toZoneName, zoneNameProblem } from '../core/names.js';
import { planWrites } from '../core/plan.js';
import { describeZoneAction, describeZonePlan } from '../core/plan-text.js';
import type { ZoneName } from '../core/types.js';
import type { Engine } from '../reconcile/engine.js';
import type { FullReconcileOptions, FullReconcileResult } from '../reconcile/full.js';
import type { ZoneResult } from '../reconcile/types.js';
import { writePlanFile } from './plan-file.js';

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;
export const EXIT_REFUSED_OR_PENDING = 3;

export interface ReconcileCommandArgs {
  zones: string[];
  servers: string[];
  dryRun: boolean;
  force: boolean;
  json: boolean;
  /** `plan --out FILE`. */
  out?: string;
}

type Out = (line: string) => void;

/** `--server` names that are not configured targets: problem lines. */
function unknownServers(servers: string[], known: readonly string[]): string[] {
  return servers.filter((s) => !known.includes(s)).map((s) => `--server ${JSON.stringify(s)}: not a configured PowerDNS target (known: ${known.join(', ')})`);
}

/** Validates `--zone` values; returns absolute names or the problems. */
export function parseZoneArgs(zones: string[]): { zones: ZoneName[]; problems: string[] } {
  const problems = zones.flatMap((z) => {
    const problem = zoneNameProblem(z);
    return problem ? [`--zone ${JSON.stringify(z)}: ${problem}`] : [];
  });
  return { zones: zones.map(toZoneName), problems };
}

/** `--zone` names the run found nowhere: neither NetBox for our nameserver nor a zone of ours in PowerDNS. */
function unknownZones(asked: ZoneName[], result: FullReconcileResult): string[] {
  const seen = new Set(result.zones.map((z) => z.zone));
  if (result.outcome === 'failure' && result.zones.length === 0) return [];
  return asked.filter((z) => !seen.has(z)).map((z) => `--zone ${z}: unknown zone (not in NetBox for our nameserver, and no zone of ours in PowerDNS)`);
}

function hasChanges(r: ZoneResult): boolean {
  return r.plan !== undefined ? planWrites(r.plan) : r.outcome === 'created' || r.outcome === 'deleted';
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

function printZone(r: ZoneResult, out: Out, multiTarget: boolean): void {
  const where = multiTarget ? `${r.zone} [${r.target}]` : r.zone;
  if (r.outcome === 'failed' || r.outcome === 'refused') out(`${where} ${r.outcome.toUpperCase()}: ${r.error ?? ''}`);
  for (const rejected of r.rejected) out(`${where} PowerDNS refused ${rejected.name} ${rejected.type}: ${rejected.error}`);
  const plan = r.plan;
  // A signed zone's notes (a rollover waiting, what PowerDNS cannot do) are worth a line without writes.
  const notes = (plan?.signing?.waiting.length ?? 0) + (plan?.signing?.unsupported.length ?? 0) > 0;
  if (!plan || (!planWrites(plan) && plan.kept.length === 0 && !notes)) return;
  const { creates, updates, deletes } = r.changes;
  const id = r.planId !== undefined && planWrites(plan) ? ` [plan ${r.planId}]` : '';
  out(`${where}: ${describeZoneAction(plan)}: +${creates} ~${updates} -${deletes}${plan.kept.length > 0 ? ` =${plan.kept.length} kept` : ''}${id}`);
  for (const line of describeZonePlan(plan)) out(`  ${line}`);
}

/**
 * Runs the reconcile for a command. JSON output and plan files need every plan at the end; the text
 * output renders each zone's lines as its result arrives and keeps those (sorted at the end), so a
 * cold sync does not hold every zone's plan (all of NetBox's records again) until it exits.
 */
async function reconcileForCli(
  engine: Engine, options: FullReconcileOptions, keepPlans: boolean, multiTarget: boolean,
): Promise<{ result: FullReconcileResult; printZones: (out: Out) => void }> {
  const key = (r: ZoneResult): string => `${r.zone} ${r.target}`;
  // One flat string per zone: kept as line arrays, a cold sync's 100k lines were ~45 MB of heap.
  const rendered = new Map<string, string>();
  const onZone = (r: ZoneResult): void => {
    const lines: string[] = [];
    printZone(r, (line) => lines.push(line), multiTarget);
    rendered.set(key(r), lines.join('\n'));
  };
  const result = await engine.fullReconcile('cli', { ...options, ...(keepPlans ? { keepPlans: true } : { onZone }) });
  return {
    result,
    printZones(out) {
      for (const z of result.zones) {
        const block = rendered.get(key(z));
        if (block === undefined) printZone(z, out, multiTarget);
        else if (block !== '') out(block);
      }
    },
  };
}

function toJson(result: FullReconcileResult): string {
  return JSON.stringify({
    outcome: result.outcome,
    error: result.error,
    refusal: result.refusal,
    duration_ms: Math.round(result.durationMs),
    zones: result.zones.map((z) => ({
      zone: z.zone, target: z.target, outcome: z.outcome, plan_id: z.planId, changes: z.changes, error: z.error, refusal: z.refusal,
      rejected: z.rejected, warnings: z.warnings, plan: z.plan, ...(z.dnssec ? { dnssec: z.dnssec } : {}),
    })),
  }, null, 2);
}

/** How many PowerDNS targets the run covers (zone lines name their target when more than one). */
function servedBy(engine: Engine, scope: { targets?: string[] }): number {
  return (scope.targets ?? engine.targetNames()).length;
}

/** The run's zone and target restrictions, or the problem lines (printed, exit 2). */
function scopeOf(engine: Engine, args: ReconcileCommandArgs, out: Out): { zones?: ZoneName[]; targets?: string[] } | null {
  const { zones, problems } = parseZoneArgs(args.zones);
  problems.push(...unknownServers(args.servers, engine.targetNames()));
  if (problems.length > 0) {
    for (const p of problems) out(p);
    return null;
  }
  return { ...(zones.length > 0 ? { zones } : {}), ...(args.servers.length > 0 ? { targets: args.servers } : {}) };
}

/** `sync`: exit 0 on success, 1 on failure, 3 when something was refused as unsafe. */
export async function syncCommand(engine: Engine, args: ReconcileCommandArgs, out: Out): Promise<number> {
  const scope = scopeOf(engine, args, out);
  if (scope === null) return EXIT_USAGE;
  const zones = scope.zones ?? [];
  const { result, printZones } = await reconcileForCli(engine, { dryRun: args.dryRun, force: args.force, ...scope }, args.json, servedBy(engine, scope) > 1);
  const unknown = unknownZones(zones, result);
  if (args.json) out(toJson(result));
  else {
    if (result.error) out(`sync failed: ${result.error}`);
    if (result.refusal) out(`zone deletions refused: ${result.refusal}`);
    printZones(out);
    for (const line of unknown) out(line);
    out(`${args.dryRun ? 'Dry run: ' : ''}${summaryLine(result, args.dryRun ? 'would' : 'did')}`);
  }
  if (unknown.length > 0) return EXIT_USAGE;
  if (result.outcome === 'failure') return EXIT_FAILURE;
  return result.outcome === 'refused' ? EXIT_REFUSED_OR_PENDING : EXIT_OK;
}

/** `plan`: exit 0 when in sync, 3 when changes are pending, 1 on failure. */
export async function planCommand(engine: Engine, args: ReconcileCommandArgs, out: Out): Promise<number> {
  const scope = scopeOf(engine, args, out);
  if (scope === null) return EXIT_USAGE;
  const zones = scope.zones ?? [];
  const keepPlans = args.json || args.out !== undefined;
  const { result, printZones } = await reconcileForCli(engine, { dryRun: true, ...scope }, keepPlans, servedBy(engine, scope) > 1);
  const unknown = unknownZones(zones, result);
  if (args.json) out(toJson(result));
  else {
    if (result.error) out(`plan failed: ${result.error}`);
    if (result.refusal) out(`zone deletions would be refused: ${result.refusal}`);
    printZones(out);
    for (const line of unknown) out(line);
    out(`Plan: ${summaryLine(result, 'would')}`);
  }
  if (args.out !== undefined) {
    const written = writePlanFile(args.out, result.zones, hasChanges, new Date());
    if (!args.json) out(`Wrote ${written} plan(s) to ${args.out}: apply them with netbox-pdns sync --plan ${args.out}`);
  }
  if (unknown.length > 0) return EXIT_USAGE;
  if (result.outcome === 'failure') return EXIT_FAILURE;
  const pending = result.refusal !== undefined || result.zones.some((z) => hasChanges(z) || z.outcome === 'refused');
  return pending ? EXIT_REFUSED_OR_PENDING : EXIT_OK;
}
