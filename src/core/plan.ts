/**
 * The plan of one zone on one PowerDNS target: every write a run would make (zone create, adopt,
 * delete, zone setting changes, rrset creates, updates and deletes) and what it deliberately keeps
 * (protected rrsets, rrsets without our marker in record-ownership mode, content PowerDNS refused
 * before). Pure and JSON-serialisable: it is what `plan` prints, what the safety checks judge as a
 * whole, and the only input of the apply step, so nothing reaches PowerDNS that the plan did not show.
 */
import { diffRRsets, withSoa } from './diff.js';
import { signingChangesZone } from './dnssec/plan.js';
import type { SigningPlan } from './dnssec/types.js';
import { protectingRule, type ProtectRule } from './protect.js';
import { transferChanges, type TransferField, type TransferPolicy } from './transfer.js';
import type { ActualZone, DesiredZone, RRset, RRsetDiff, RRsetUpdate, ZoneName } from './types.js';

/** What happens to the zone as a whole. */
export type ZoneAction =
  /** Absent from PowerDNS: created with the plan's rrsets. */
  | 'create'
  /** In PowerDNS without our marker, served by NetBox for us: marked as ours and synced. */
  | 'adopt'
  /** Ours: synced (the plan may still hold no change). */
  | 'update'
  /** Ours, and NetBox no longer serves it for us. */
  | 'delete'
  /** Not ours to touch, or nothing to do (see `reason`). */
  | 'skip';

/**
 * Why an rrset the diff would touch is left as PowerDNS holds it:
 * - `protected`: matches a protected-rrset rule and NetBox does not hold it (e.g. an ACME challenge);
 * - `not_marked`: record-ownership mode, and PowerDNS holds it without our marker;
 * - `rejected`: PowerDNS refused this content before; it is sent again once NetBox's content changes;
 * - `invalid`: NetBox holds content PowerDNS cannot take (e.g. a CNAME beside other data); not sent.
 */
export const KEEP_REASONS = ['protected', 'not_marked', 'rejected', 'invalid'] as const;
export type KeepReason = (typeof KEEP_REASONS)[number];

export interface KeptRRset {
  name: string;
  type: string;
  reason: KeepReason;
  /** The rule, PowerDNS's message, or the conflict. */
  detail: string;
  /** What PowerDNS holds (absent when it holds nothing there). */
  current?: RRset;
  /** What NetBox asked for, when it asked for anything. */
  wanted?: RRset;
}

/**
 * A zone setting the plan changes: a PUT /zones/{id} field (`catalog` is the catalog membership,
 * `tsig_allow_axfr` the `master_tsig_key_ids`) or transfer metadata (ALSO-NOTIFY, ALLOW-AXFR-FROM).
 * Lists are comma-separated and sorted.
 */
export interface SettingChange {
  field: 'account' | 'soa_edit_api' | 'kind' | 'catalog' | TransferField | 'tsig_key';
  from: string | null;
  to: string;
}

export interface ZonePlan extends RRsetDiff {
  action: ZoneAction;
  /** Why the zone is deleted or skipped, in words. */
  reason?: string;
  settings: SettingChange[];
  kept: KeptRRset[];
  /** DNSSEC: the key, NSEC3 and CDS writes (absent for a zone neither signed nor with a policy). */
  signing?: SigningPlan;
}

export type AdoptionMode = 'safe' | 'always' | 'never';

export interface PlanPolicy {
  /** Our marker: zone `account` and the account of rrset ownership comments. */
  ownerId: string;
  adoption: AdoptionMode;
  /** Kind of the zones we own: Native or Master (Primary is PowerDNS's alias of Master). */
  zoneKind: string;
  protect: readonly ProtectRule[];
  recordOwnership: boolean;
  /** The catalog zone our zones are members of (absolute); none: membership is left as it is. */
  catalog?: ZoneName;
  /** Transfer settings every zone we own carries; none: left as they are. */
  transfer?: TransferPolicy;
}

export interface PlanInput {
  zone: ZoneName;
  /** What NetBox wants; null when NetBox does not serve the zone for us. */
  desired: DesiredZone | null;
  /** Why NetBox does not serve it (when `desired` is null), e.g. "inactive in NetBox". */
  absentReason?: string;
  actual: ActualZone | null;
  policy: PlanPolicy;
  /** Whether this run may delete the zone (the full reconcile, or an event saying it was removed). */
  mayDelete: boolean;
  /** PowerDNS's message when it refused exactly this content before, else null. */
  rejectedBefore?: (wanted: RRset) => string | null;
  /** Desired rrsets PowerDNS could never take, already taken out of `desired` (with the reason). */
  invalid?: KeptRRset[];
  /** The signing plan (dnssec/plan.ts); its key changes move the serial so secondaries transfer them. */
  signing?: SigningPlan;
}

/** PowerDNS stores the kind `Primary` as `Master`. */
export function canonicalKind(kind: string): string {
  const lower = kind.toLowerCase();
  if (lower === 'primary' || lower === 'master') return 'Master';
  if (lower === 'native') return 'Native';
  return kind;
}

const emptyDiff = (zone: ZoneName): RRsetDiff => ({ zone, creates: [], updates: [], deletes: [], existingCount: 0 });

function skip(zone: ZoneName, reason: string, actual: ActualZone | null): ZonePlan {
  return { ...emptyDiff(zone), existingCount: actual?.rrsets.length ?? 0, action: 'skip', reason, settings: [], kept: [] };
}

/** Plans one zone. */
export function planZone(input: PlanInput): ZonePlan {
  const { zone, desired, actual, policy } = input;
  const ours = actual !== null && actual.account === policy.ownerId;

  if (desired === null) {
    const why = input.absentReason ?? 'not in NetBox for our nameserver';
    if (actual === null) return skip(zone, `${why}, absent from PowerDNS: nothing to do`, null);
    if (!ours) return skip(zone, `${why}; PowerDNS zone has account "${actual.account}", not ours: left alone`, actual);
    if (!input.mayDelete) {
      return skip(zone, `${why}, but the event did not say the zone was removed: left for the full reconcile, which applies the zone-deletion safety rules`, actual);
    }
    const deletes = actual.rrsets.map((r) => ({ ...r }));
    return { zone, creates: [], updates: [], deletes, existingCount: deletes.length, action: 'delete', reason: why, settings: [], kept: [] };
  }

  const kind = canonicalKind(policy.zoneKind);
  if (actual === null) {
    const kept = [...(input.invalid ?? [])];
    // The apex SOA and NS are the zone itself: never held back (a refusal of them fails the create).
    const apexCore = (r: RRset): boolean => r.name === zone && (r.type === 'SOA' || r.type === 'NS');
    const creates = desired.rrsets.filter((r) => {
      const message = apexCore(r) ? null : input.rejectedBefore?.(r) ?? null;
      if (message !== null) kept.push({ name: r.name, type: r.type, reason: 'rejected', detail: message, wanted: r });
      return message === null;
    });
    const settings: SettingChange[] = [
      { field: 'kind', from: null, to: kind }, { field: 'account', from: null, to: policy.ownerId }, { field: 'soa_edit_api', from: null, to: '' },
      ...(policy.catalog !== undefined ? [{ field: 'catalog' as const, from: null, to: policy.catalog }] : []),
      ...(policy.transfer ? transferChanges(policy.transfer, null) : []),
    ];
    return { zone, creates, updates: [], deletes: [], existingCount: 0, action: 'create', settings, kept, ...(input.signing ? { signing: input.signing } : {}) };
  }

  if (!ours && policy.adoption === 'never') {
    return skip(zone, `zone exists in PowerDNS with account "${actual.account}", not ours, and adoption is off: left alone`, actual);
  }
  const settings: SettingChange[] = [];
  if (!ours) settings.push({ field: 'account', from: actual.account, to: policy.ownerId });
  // The daemon owns the serial; any SOA-EDIT-API would rewrite it on every PATCH.
  if (actual.soaEditApi !== '') settings.push({ field: 'soa_edit_api', from: actual.soaEditApi, to: '' });
  if (canonicalKind(actual.kind) !== kind) settings.push({ field: 'kind', from: actual.kind, to: kind });
  // Membership drift (left, moved to another catalog, never joined) is repaired like any setting.
  if (policy.catalog !== undefined && (actual.catalog ?? '') !== policy.catalog) settings.push({ field: 'catalog', from: actual.catalog ?? '', to: policy.catalog });
  if (policy.transfer) settings.push(...transferChanges(policy.transfer, actual.transfer ?? null));

  const changes = diffRRsets(desired, actual);
  const kept = [...(input.invalid ?? [])];
  const keep = (reason: KeepReason, detail: string, current?: RRset, wanted?: RRset): false => {
    kept.push({ name: (current ?? wanted)?.name ?? '', type: (current ?? wanted)?.type ?? '', reason, detail, ...(current ? { current } : {}), ...(wanted ? { wanted } : {}) });
    return false;
  };
  const notMarked = (r: RRset): boolean => policy.recordOwnership && r.marked !== true;
  changes.deletes = changes.deletes.filter((r) => {
    const rule = protectingRule(policy.protect, r.name, r.type);
    if (rule) return keep('protected', `protected by the rule ${rule.text}`, r);
    if (notMarked(r)) return keep('not_marked', 'record ownership: not written by us (no ownership comment)', r);
    return true;
  });
  changes.updates = changes.updates.filter((u: RRsetUpdate) => {
    if (notMarked(u.before)) return keep('not_marked', 'record ownership: not written by us (no ownership comment)', u.before, u.after);
    const message = input.rejectedBefore?.(u.after) ?? null;
    return message === null ? true : keep('rejected', message, u.before, u.after);
  });
  changes.creates = changes.creates.filter((r) => {
    const message = input.rejectedBefore?.(r) ?? null;
    return message === null ? true : keep('rejected', message, undefined, r);
  });
  // Key changes do not move the serial in PowerDNS, and secondaries would keep the old DNSKEYs (pitfall 15).
  const diff = withSoa(changes, actual.serial, signingChangesZone(input.signing));
  // A SOA PowerDNS refused (e.g. a bad rname) is held back like any other refused content.
  const refusedSoa = (r: RRset): string | null => (r.type === 'SOA' && r.name === zone ? input.rejectedBefore?.(r) ?? null : null);
  diff.updates = diff.updates.filter((u) => {
    const message = refusedSoa(u.after);
    return message === null ? true : keep('rejected', message, u.before, u.after);
  });
  return { ...diff, action: ours ? 'update' : 'adopt', settings, kept, ...(input.signing ? { signing: input.signing } : {}) };
}

/** True when carrying out the plan writes nothing. */
export function planWrites(plan: ZonePlan): boolean {
  if (plan.action === 'skip') return false;
  if (plan.action === 'create' || plan.action === 'delete') return true;
  const signing = plan.signing !== undefined && (plan.signing.changes.length > 0 || plan.signing.recordsChanged);
  return signing || plan.settings.length > 0 || plan.creates.length + plan.updates.length + plan.deletes.length > 0;
}
