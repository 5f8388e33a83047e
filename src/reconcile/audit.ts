/**
 * The audit trail's vocabulary and the pure step that turns an applied plan into its records: one
 * per rrset written (before → after, content and TTL) and one per zone setting changed, with what
 * triggered the write, the plan id, who approved it, and for event-driven changes the NetBox user
 * and request the webhook named. Rrsets PowerDNS refused were not written and get no record. Where
 * the records go (the log, a JSON-lines file) is the sink's business (observability/audit-trail.ts).
 */
import type { ZonePlan } from '../core/plan.js';
import { describeSigningChange } from '../core/plan-text.js';
import type { RRset } from '../core/types.js';
import type { Approval, EventOrigin, RejectedRRset, Trigger } from './types.js';

/** Why the write happened, in the operator's words. `manual`: the CLI, POST /sync or SIGHUP; `quick`: the quick reconcile. */
export const AUDIT_TRIGGERS = ['event', 'cron', 'quick', 'startup', 'manual', 'approval', 'retry'] as const;
export type AuditTrigger = (typeof AUDIT_TRIGGERS)[number];

export function auditTrigger(trigger: Trigger): AuditTrigger {
  switch (trigger) {
    case 'api':
    case 'signal':
    case 'cli':
      return 'manual';
    default:
      return trigger;
  }
}

/** An rrset's content as written or replaced. */
export interface AuditRRset {
  ttl: number;
  records: string[];
}

export interface AuditRecord {
  /** ISO time of the write. */
  at: string;
  zone: string;
  target: string;
  /** `create`, `update`, `delete` of an rrset, or `setting` (a zone setting: `field`, `from`, `to`). */
  action: 'create' | 'update' | 'delete' | 'setting';
  name: string;
  type: string;
  before: AuditRRset | null;
  after: AuditRRset | null;
  /** The zone setting changed (`action: setting`). */
  setting?: { field: string; from: string | null; to: string };
  trigger: AuditTrigger;
  plan_id: string;
  /** Set when the write was an approved plan. */
  approved_by?: string;
  /** Event-driven: the NetBox user and request of the (latest) event behind the change. */
  netbox_username?: string;
  netbox_request_id?: string;
  /** Event-driven, several events coalesced into one write: each one's user and request. */
  netbox_events?: Array<{ username: string | null; request_id: string | null }>;
}

export interface AuditSink {
  /** Records one write's records; never throws (an audit failure is logged, the write stands). */
  write(records: readonly AuditRecord[]): void;
}

export interface AuditContext {
  target: string;
  trigger: Trigger;
  planId: string;
  /** Wall-clock ms of the write. */
  at: number;
  approve?: Approval;
  origins?: readonly EventOrigin[];
  /** What PowerDNS refused: not written, not recorded. */
  rejected: readonly RejectedRRset[];
}

const content = (r: RRset): AuditRRset => ({ ttl: r.ttl, records: [...r.records] });

/** The records of one applied plan. */
export function auditRecords(plan: ZonePlan, ctx: AuditContext): AuditRecord[] {
  const refused = new Set(ctx.rejected.map((r) => `${r.name} ${r.type}`));
  const written = (r: { name: string; type: string }): boolean => !refused.has(`${r.name} ${r.type}`);
  const origins = ctx.origins ?? [];
  const latest = origins[origins.length - 1];
  const common = {
    at: new Date(ctx.at).toISOString(), zone: plan.zone, target: ctx.target, trigger: auditTrigger(ctx.trigger), plan_id: ctx.planId,
    ...(ctx.approve ? { approved_by: ctx.approve.by } : {}),
    ...(latest?.username !== undefined ? { netbox_username: latest.username } : {}),
    ...(latest?.requestId !== undefined ? { netbox_request_id: latest.requestId } : {}),
    ...(origins.length > 1 ? { netbox_events: origins.map((o) => ({ username: o.username ?? null, request_id: o.requestId ?? null })) } : {}),
  };
  return [
    ...plan.settings.map((s): AuditRecord => ({
      ...common, action: 'setting', name: plan.zone, type: 'ZONE', before: null, after: null, setting: { field: s.field, from: s.from, to: s.to },
    })),
    ...plan.deletes.filter(written).map((r): AuditRecord => ({ ...common, action: 'delete', name: r.name, type: r.type, before: content(r), after: null })),
    ...plan.updates.filter((u) => written(u.after)).map((u): AuditRecord => ({
      ...common, action: 'update', name: u.after.name, type: u.after.type, before: content(u.before), after: content(u.after),
    })),
    ...plan.creates.filter(written).map((r): AuditRecord => ({ ...common, action: 'create', name: r.name, type: r.type, before: null, after: content(r) })),
    // Key, NSEC3 and CDS changes of a signed zone: one `setting` record each, field `dnssec`.
    ...(plan.signing?.changes ?? []).map((c): AuditRecord => ({
      ...common, action: 'setting', name: plan.zone, type: 'ZONE', before: null, after: null, setting: { field: 'dnssec', from: null, to: describeSigningChange(c) },
    })),
  ];
}

/** One record in words, for the log line and `history`: `update www.example.com. A 300 192.0.2.1 → 300 192.0.2.2`. */
export function describeAuditRecord(r: AuditRecord): string {
  if (r.action === 'setting') return `setting ${r.setting?.field ?? '?'} of ${r.zone}: ${JSON.stringify(r.setting?.from ?? null)} → ${JSON.stringify(r.setting?.to ?? '')}`;
  const side = (c: AuditRRset | null): string => (c === null ? '(none)' : `${c.ttl} ${c.records.join(' | ')}`);
  return `${r.action} ${r.name} ${r.type} ${side(r.before)} → ${side(r.after)}`;
}
