/** `netbox-pdns history [--zone Z]... [--limit N] [--json]`: the audit trail from the audit file, newest last. */
import { toZoneName } from '../core/names.js';
import type { Config } from '../config/index.js';
import { readAuditFiles } from '../observability/audit-trail.js';
import { describeAuditRecord, type AuditRecord } from '../reconcile/audit.js';
import { parseZoneArgs, EXIT_OK, EXIT_USAGE } from './reconcile-commands.js';

type Out = (line: string) => void;

/** One record as a line: when, where, what, and why (trigger, approver, NetBox user and request). */
export function historyLine(r: AuditRecord): string {
  const why = [
    r.trigger,
    ...(r.approved_by !== undefined ? [`approved by ${r.approved_by}`] : []),
    ...(r.netbox_username !== undefined ? [`NetBox user ${r.netbox_username}`] : []),
    ...(r.netbox_request_id !== undefined ? [`request ${r.netbox_request_id}`] : []),
    ...(r.netbox_events !== undefined ? [`${r.netbox_events.length} events`] : []),
  ].join(', ');
  const where = r.target === 'default' ? r.zone : `${r.zone} [${r.target}]`;
  return `${r.at} ${where} ${describeAuditRecord(r)} (${why}; plan ${r.plan_id})`;
}

export function historyCommand(config: Config, args: { zones: string[]; limit?: number; json: boolean }, out: Out, err: Out): number {
  if (!config.audit_file) {
    err('netbox-pdns history: NETBOX_PDNS_AUDIT_FILE is not set, so there is no audit file to read; '
      + 'the audit lines are in the daemon\'s log (e.g. journalctl -u netbox-pdns | grep audit:)');
    return EXIT_USAGE;
  }
  const { zones, problems } = parseZoneArgs(args.zones);
  if (problems.length > 0) {
    for (const p of problems) err(p);
    return EXIT_USAGE;
  }
  const wanted = new Set(zones.map(toZoneName));
  const { records, skipped } = readAuditFiles(config.audit_file, config.audit_file_keep);
  const shown = records.filter((r) => wanted.size === 0 || wanted.has(r.zone)).slice(-(args.limit ?? 50));
  if (args.json) out(JSON.stringify(shown, null, 2));
  else {
    for (const r of shown) out(historyLine(r));
    if (shown.length === 0) out('no audited writes to PowerDNS' + (wanted.size > 0 ? ' for these zones' : ''));
  }
  if (skipped > 0) err(`netbox-pdns history: ${skipped} unreadable line(s) skipped`);
  return EXIT_OK;
}
