/**
 * `netbox-pdns ds ZONE`: the DS records the parent must publish for a signed zone (the policy's digest
 * types, every KSK/CSK the key lifecycle keeps in the DNSKEY set) and whether it publishes them (a DS
 * query to DNSSEC_DS_RESOLVER). Read-only: the zone's task runs as a dry run.
 */
import { toZoneName, zoneNameProblem } from '../core/names.js';
import type { Engine } from '../reconcile/engine.js';
import { EXIT_FAILURE, EXIT_OK, EXIT_REFUSED_OR_PENDING, EXIT_USAGE, type ReconcileCommandArgs } from './reconcile-commands.js';

type Out = (line: string) => void;

export async function dsCommand(engine: Engine, args: ReconcileCommandArgs, out: Out): Promise<number> {
  const [asked = ''] = args.zones;
  const problem = zoneNameProblem(asked);
  if (problem) {
    out(`ds ${JSON.stringify(asked)}: ${problem}`);
    return EXIT_USAGE;
  }
  const zone = toZoneName(asked);
  const results = await engine.reconcileZone(zone, { trigger: 'cli', dryRun: true, ...(args.servers.length > 0 ? { targets: args.servers } : {}) });
  const failed = results.filter((r) => r.outcome === 'failed');
  const signed = results.filter((r) => r.dnssec !== undefined);
  if (args.json) {
    out(JSON.stringify({ zone, targets: results.map((r) => ({ target: r.target, outcome: r.outcome, error: r.error ?? null, dnssec: r.dnssec ?? null })) }, null, 2));
  } else {
    for (const r of failed) out(`${zone} (${r.target}): failed: ${r.error ?? ''}`);
    for (const r of signed) {
      const d = r.dnssec;
      if (!d) continue;
      out(`; ${zone} (${r.target}) policy ${d.policy ?? '(none)'}: parent ${d.parent === 'published' ? 'publishes the DS' : d.parent === 'missing' ? 'does not publish the DS' : 'not asked (set NETBOX_PDNS_DNSSEC_DS_RESOLVER)'}`);
      for (const e of d.ds) {
        const at = e.at_parent === null ? '' : e.at_parent ? '  ; at the parent' : '  ; missing at the parent';
        out(`${zone} IN DS ${e.ds}  ; key ${e.key_id} ${e.role.toUpperCase()} ${e.state}${at}`);
      }
      for (const s of d.stale_at_parent) out(`; at the parent for no key of ours (remove it): ${zone} IN DS ${s}`);
      for (const w of d.waiting) out(`; waiting: ${w}`);
    }
  }
  if (failed.length > 0) return EXIT_FAILURE;
  if (signed.length === 0) {
    if (!args.json) out(`${zone}: not signed by netbox-pdns (no DNSSEC policy in NetBox, or not a zone of ours)`);
    return EXIT_USAGE;
  }
  return signed.every((r) => r.dnssec?.parent === 'published') ? EXIT_OK : EXIT_REFUSED_OR_PENDING;
}
