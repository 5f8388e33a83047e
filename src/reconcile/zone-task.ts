/**
 * One zone task: read NetBox once (or take a full reconcile's fresh bulk read), then for each target
 * that holds or should hold the zone: read PowerDNS, plan, check the plan as a whole, apply it.
 * Level-triggered: it never trusts an event's payload and re-reads both sides every time, so
 * duplicated, lost or reordered events are harmless. Runs under the zone's lock. One target failing
 * fails only its own result.
 */
import { buildDesiredZone } from '../core/desired.js';
import type { DesiredSigning, SourceDnssecPolicy } from '../core/dnssec/types.js';
import { toZoneName } from '../core/names.js';
import { canonicalKind, planWrites, planZone, type KeptRRset, type ZonePlan } from '../core/plan.js';
import { planId } from '../core/plan-id.js';
import { checkZonePlan } from '../core/safety.js';
import type { DesiredZone, SourceRecord, SourceZone, ZoneName } from '../core/types.js';
import type { PdnsZone } from '../pdns/types.js';
import type { Clock } from '../util/clock.js';
import { TerminalError, UpstreamError, errorClass, errorMessage, serializeError } from '../util/errors.js';
import type { Logger } from '../util/log.js';
import { applyPlan } from './apply.js';
import type { CatalogService } from './catalog.js';
import type { TsigKeeper } from './tsig-key.js';
import { readActual } from './transfer-read.js';
import type { RequestCoverage } from './coverage.js';
import { auditRecords, type AuditSink } from './audit.js';
import type { ReadLedger } from './ledger.js';
import type { TargetMemory } from './memory.js';
import type { ZoneReader } from './read.js';
import type { SigningDeps } from './signing.js';
import { planTargetSigning, signingView } from './zone-signing.js';
import { inScope, type EngineObserver, type EngineSettings, type FailureReason, type Target, type ZoneResult, type ZoneTaskOptions } from './types.js';

/** A target with what the engine remembers for it. */
export interface TargetState {
  target: Target;
  memory: TargetMemory;
  /** Its catalog zone, when it has one. */
  catalog?: CatalogService;
  /** Its transfer TSIG key, when one is configured. */
  tsig?: TsigKeeper;
}

export interface ZoneTaskDeps {
  /** This zone's NetBox data, batched with other zone tasks' reads of the same moment. */
  reader: ZoneReader;
  targets: readonly TargetState[];
  logger: Logger;
  clock: Clock;
  settings: EngineSettings;
  ledger: ReadLedger;
  observer?: EngineObserver;
  /** Told when this task reads NetBox itself, so events that read answers need no run. */
  coverage?: RequestCoverage;
  /** DNSSEC: the parent's DS check and salt source (without it the parent's DS counts as unknown). */
  signing?: SigningDeps;
  /** Where every write to PowerDNS is recorded, one record per rrset. */
  audit?: AuditSink;
}

type NetboxRead = { netboxZones: SourceZone[]; records: ReadonlyMap<number, SourceRecord[]>; policies: ReadonlyMap<number, SourceDnssecPolicy> };

/** Why a target has no NetBox zone: none of this name in its nameserver's (and view's) zones. */
const NOT_SERVED = 'not in NetBox for our nameserver';

interface NetboxView {
  desired: DesiredZone | null;
  absentReason?: string;
  invalid: KeptRRset[];
  warnings: string[];
  /** The zone's DNSSEC policy in PowerDNS's terms; null: unsigned. */
  signing: DesiredSigning | null;
  /** The policy cannot be carried out (its problems are in `warnings`): signing is left as it is. */
  signingBlocked: boolean;
}

/** Runs one zone task (the caller holds the zone's lock). Never throws: failures become results. */
export async function runZoneTask(zone: ZoneName, deps: ZoneTaskDeps, options: ZoneTaskOptions): Promise<ZoneResult[]> {
  const started = deps.clock.monotonic();
  const dryRun = options.dryRun ?? deps.settings.dryRun;
  const log = deps.logger.child({ zone });
  const targets = deps.targets.filter((t) => options.targets === undefined || options.targets.includes(t.target.name));
  const result = (target: string, warnings: string[], partial: Partial<ZoneResult> & Pick<ZoneResult, 'outcome'>): ZoneResult => ({
    zone, target, trigger: options.trigger, changes: { creates: 0, updates: 0, deletes: 0 }, rejected: [], dryRun, warnings,
    durationMs: deps.clock.monotonic() - started, finishedAt: deps.clock.now(), ...partial,
  });
  const failed = (target: string, err: unknown, warnings: string[] = []): ZoneResult => {
    const reason = failureReason(err);
    // Expected failures (upstream errors) log their message; anything else its stack and cause too.
    log.error(`zone task failed: ${errorMessage(err)}`, {
      target, error_class: errorClass(err), reason, ...(reason === 'internal' ? { error: serializeError(err) } : {}),
    });
    return result(target, warnings, { outcome: 'failed', error: errorMessage(err), errorClass: errorClass(err), failureReason: reason });
  };

  // NetBox once for every target, PowerDNS of each target at the same time: independent reads, and an
  // event's latency is the sum of the round trips on its path.
  // Settled at once, so a PowerDNS read failing while NetBox is read is never an unhandled rejection.
  const reads = Promise.allSettled(targets.map((t) => readPdns(t.target)));
  let netbox: NetboxRead;
  try {
    netbox = await readNetbox();
  } catch (err) {
    await reads;
    return targets.map((t) => failed(t.target.name, err));
  }
  const settled = await reads;
  const views = new Map<number | null, NetboxView>();
  const results = await Promise.all(targets.map(async (t, i): Promise<ZoneResult | null> => {
    const read = settled[i] as PromiseSettledResult<PdnsZone | null>;
    let view: NetboxView | undefined;
    try {
      view = viewFor(t.target, netbox);
      if (read.status === 'rejected') return failed(t.target.name, read.reason, view.warnings);
      // A target that neither serves nor holds the zone has nothing to say about it.
      if (read.value === null && view.desired === null && view.absentReason === NOT_SERVED) return null;
      return await reconcileTarget(t, read.value, view);
    } catch (err) {
      return failed(t.target.name, err, view?.warnings ?? []);
    }
  }));
  return results.filter((r): r is ZoneResult => r !== null);

  async function readNetbox(): Promise<NetboxRead> {
    const source = options.source;
    let read: { netboxZones: SourceZone[]; records: ReadonlyMap<number, SourceRecord[]> } | null = null;
    if (source && !deps.ledger.readSince(zone, source.readAt)) {
      // A served zone without records in the bulk read was deleted from NetBox while it was read:
      // its records are unknown (not empty), so this zone reads NetBox itself.
      const unread = source.netboxZones.filter((z) => z.active && !source.records.has(z.id) && deps.targets.some((t) => inScope(z, t.target.scope)));
      if (unread.length === 0) read = { netboxZones: source.netboxZones, records: source.records };
      else log.debug('the bulk read has no records for this zone (deleted from NetBox meanwhile?): reading it again');
    }
    if (read === null) {
      const at = deps.clock.monotonic();
      deps.ledger.noteRead(zone, at);
      deps.coverage?.readStarting(zone, at);
      read = await deps.reader.read(zone);
    }
    const { netboxZones, records } = read;
    // Only signed zones cost a policy read (a full reconcile hands every policy over, read once).
    const ids = [...new Set(netboxZones.flatMap((z) => (z.active && z.dnssec_policy ? [z.dnssec_policy.id] : [])))];
    const policies = new Map<number, SourceDnssecPolicy>();
    await Promise.all(ids.map(async (id) => {
      policies.set(id, source?.policies?.get(id) ?? await deps.reader.policy(id));
    }));
    return { netboxZones, records, policies };
  }

  /** What NetBox wants this target to hold: the one zone of this name in its scope (built once per NetBox zone). */
  function viewFor(target: Target, nb: NetboxRead): NetboxView {
    const nbZone = pickZone(zone, nb.netboxZones.filter((z) => inScope(z, target.scope)));
    const key = nbZone && nbZone.active ? nbZone.id : null;
    const cached = views.get(key);
    if (cached) return cached;
    const view = nbZone && nbZone.active ? buildView(nbZone, nb.records.get(nbZone.id) ?? [], nb.policies) : {
      desired: null, absentReason: nbZone ? 'inactive in NetBox' : NOT_SERVED, invalid: [], warnings: [], signing: null, signingBlocked: false,
    };
    if (key !== null) views.set(key, view);
    return view;
  }

  function buildView(nbZone: SourceZone, records: SourceRecord[], policies: ReadonlyMap<number, SourceDnssecPolicy>): NetboxView {
    const built = buildDesiredZone(nbZone, records);
    for (const w of built.warnings) log.warn(`skipped NetBox data: ${w}`);
    if (built.errors.length > 0) throw new TerminalError(`NetBox data cannot be served by PowerDNS: ${built.errors.join('; ')}`);
    const invalid: KeptRRset[] = built.invalid.map(({ rrset, reason }) => ({ name: rrset.name, type: rrset.type, reason: 'invalid', detail: reason, wanted: rrset }));
    const signing = signingView(built.desired, nbZone.dnssec_policy ? policies.get(nbZone.dnssec_policy.id) : undefined);
    invalid.push(...signing.invalid);
    for (const i of invalid) log.warn(`not sent to PowerDNS: ${i.detail}`, { rrset: `${i.name} ${i.type}` });
    for (const e of signing.errors) log.warn(`DNSSEC policy not applied: ${e}`);
    return {
      desired: built.desired, invalid, warnings: [...built.warnings, ...invalid.map((i) => i.detail), ...signing.warnings],
      signing: signing.signing, signingBlocked: signing.blocked,
    };
  }

  async function readPdns(target: Target): Promise<PdnsZone | null> {
    // A full reconcile already listed this target: a zone absent from that listing needs no GET.
    if (options.source?.listed.get(target.name) === null) return null;
    return target.pdns.getZone(zone);
  }

  async function reconcileTarget(state: TargetState, pdnsZone: PdnsZone | null, nb: NetboxView): Promise<ZoneResult> {
    const { target, memory } = state;
    const tlog = deps.targets.length > 1 ? log.child({ target: target.name }) : log;
    const warnings = nb.warnings;
    // Refusals of rrsets NetBox no longer holds are forgotten: they can never be sent again.
    const wanted = new Set((nb.desired?.rrsets ?? []).map((r) => `${r.name} ${r.type}`));
    memory.forgetRejections(zone, (name, type) => wanted.has(`${name} ${type}`));
    const catalog = state.catalog;
    if (catalog?.zone === zone) {
      const plan: ZonePlan = {
        zone, creates: [], updates: [], deletes: [], existingCount: 0, action: 'skip', settings: [], kept: [],
        reason: 'the catalog zone of this server: kept by the catalog task, never synced from NetBox',
      };
      tlog.warn(`NetBox holds a zone named like the catalog zone: ${plan.reason ?? ''}`);
      return result(target.name, warnings, { outcome: 'skipped', plan, changes: counts(plan), rejected: [] });
    }
    const actual = await readActual(target, pdnsZone);
    const signed = nb.desired === null ? undefined : await planTargetSigning({
      zone, pdns: target.pdns, pdnsZone, view: { signing: nb.signing, blocked: nb.signingBlocked }, now: Math.floor(deps.clock.now() / 1000),
      approved: options.force === true, ...(deps.signing ? { deps: deps.signing } : {}),
    });
    for (const w of signed?.plan.waiting ?? []) tlog.debug(`dnssec: ${w}`);
    const signing = signed?.plan;
    const plan = planZone({
      zone, desired: nb.desired, ...(nb.absentReason ? { absentReason: nb.absentReason } : {}),
      actual,
      policy: target.policy, mayDelete: options.allowDelete === true,
      rejectedBefore: (r) => memory.rejectedBefore(zone, r), invalid: nb.invalid, ...(signing ? { signing } : {}),
    });
    const id = planId(plan, target.name);
    const base = { plan, planId: id, changes: counts(plan), rejected: memory.rejections(zone), ...(signed?.report ? { dnssec: signed.report } : {}) };
    const approve = options.approve;
    const approval = (result: 'applied' | 'stale'): Pick<ZoneResult, 'approval'> =>
      (approve ? { approval: { planId: approve.planId, by: approve.by, via: approve.via, result } } : {});
    // An approval names one plan: any other plan (NetBox or PowerDNS changed since) writes nothing.
    const stale = approve !== undefined && approve.planId !== id;
    if (stale) {
      tlog.warn(`approval of plan ${approve.planId} by ${approve.by} not applied: the current plan is ${id}`, { plan_id: id, approved_by: approve.by, via: approve.via });
    }

    // Membership as it stands when nothing is written (for /status).
    catalog?.member(zone, actual?.catalog === catalog.zone && canonicalKind(actual.kind) === 'Master');
    if (plan.action === 'skip') {
      // Absent on both sides is routine; a foreign zone NetBox dropped is worth a line; the rest needs a look.
      const level = pdnsZone === null ? 'debug' : nb.desired === null && pdnsZone.account !== target.policy.ownerId ? 'info' : 'warn';
      tlog.log(level, plan.reason ?? 'skipped');
      return result(target.name, warnings, { outcome: 'skipped', ...base, ...approval(stale ? 'stale' : 'applied') });
    }
    const approved = approve !== undefined && !stale;
    const checked = options.force || approved ? null : checkZonePlan(plan, nb.desired, {
      maxChangeRatio: target.thresholds.maxChangeRatio, minRrsets: target.thresholds.minRrsetsForThreshold, adoption: target.policy.adoption,
    });
    const refusal = checked ? { ...checked, message: `${checked.message}; or approve exactly this plan: netbox-pdns approve ${zone} ${id}` } : null;
    if (refusal) {
      // Logged when the refusal starts or its plan changes, not on every run.
      const key = `${refusal.message}\u0000${JSON.stringify([plan.creates, plan.updates, plan.deletes, plan.settings])}`;
      tlog.log(memory.refusalChanged(zone, key) ? 'warn' : 'debug', `plan refused: ${refusal.message}`, { ...counts(plan), plan_id: id });
      return result(target.name, warnings, {
        outcome: 'refused', ...base, refusal, error: refusal.message, errorClass: 'terminal', failureReason: 'unsafe_plan', ...approval('stale'),
      });
    }
    if (stale) {
      // The current plan passes the checks, but it is not what was approved: left to the next run.
      return result(target.name, warnings, { outcome: 'skipped', ...base, ...approval('stale'), error: `plan ${approve.planId} is no longer current (now ${id})` });
    }
    memory.refusalChanged(zone, null);
    if (approved) tlog.warn(`applying plan ${id} approved by ${approve.by}`, { plan_id: id, approved_by: approve.by, via: approve.via, ...counts(plan) });
    if (!planWrites(plan)) {
      tlog.debug('in sync', plan.kept.length > 0 ? { kept: plan.kept.length } : {});
      return result(target.name, warnings, { outcome: 'unchanged', ...base, ...approval('applied') });
    }
    const outcome = plan.action === 'create' ? 'created' : plan.action === 'delete' ? 'deleted' : 'changed';
    if (dryRun) {
      tlog.info(`dry run: would ${plan.action === 'update' ? 'change' : plan.action} zone`, counts(plan));
      return result(target.name, warnings, { outcome, ...base, ...approval('applied') });
    }
    if (plan.action === 'adopt') tlog.warn(`adopting zone: it exists in PowerDNS with account "${pdnsZone?.account ?? ''}" and NetBox serves it for our nameserver`);
    for (const s of plan.settings) if (plan.action !== 'create' && s.field !== 'account') tlog.warn(`setting ${s.field} from "${s.from ?? ''}" to "${s.to}"`);
    // The TSIG key must exist before a zone names it, and the catalog before zones join it.
    if (plan.action !== 'delete') {
      await state.tsig?.ready();
      // A catalog PowerDNS will not create must not stop zones being served: a member naming a
      // missing catalog is harmless (PowerDNS logs it), and the next full reconcile tries again.
      await catalog?.ready().catch((err: unknown) => tlog.warn(`catalog zone not ready (${errorMessage(err)}); writing the zone anyway`));
    }
    const applied = await applyPlan(plan, { target, log: tlog });
    if (applied.status === 'exists') {
      // Created meanwhile by someone else: the next run plans against what is there now.
      throw new UpstreamError('zone appeared in PowerDNS while we were creating it (409); it is planned again on the next run', 'pdns', 'transient', { operation: 'createZone' });
    }
    if (catalog) {
      const joins = plan.settings.some((c) => c.field === 'catalog');
      const leaves = plan.action === 'delete' && (actual?.catalog ?? '') !== '';
      catalog.member(zone, plan.action !== 'delete' && (joins || actual?.catalog === catalog.zone));
      if (joins || leaves) catalog.changed();
    }
    deps.audit?.write(auditRecords(plan, {
      target: target.name, trigger: options.trigger, planId: id, at: deps.clock.now(), rejected: applied.rejected,
      ...(approved ? { approve } : {}), ...(options.origins ? { origins: options.origins } : {}),
    }));
    const rejected = recordRejections(state, plan, applied.rejected, tlog);
    reportChanges(plan, applied.rejected.length, target.name);
    tlog.log(plan.action === 'delete' ? 'warn' : 'info', plan.action === 'delete' ? `deleted zone from PowerDNS (${plan.reason ?? ''})` : plan.action === 'create' ? 'zone created' : 'zone updated', {
      ...counts(plan), ...(applied.rejected.length > 0 ? { rejected: applied.rejected.length } : {}),
    });
    return result(target.name, warnings, { outcome, ...base, rejected, ...approval('applied') });
  }

  /** Remembers what PowerDNS refused (logged once per content) and forgets what it took. */
  function recordRejections(state: TargetState, plan: ZonePlan, refused: ZoneResult['rejected'], tlog: Logger): ZoneResult['rejected'] {
    const written = [...plan.creates, ...plan.updates.map((u) => u.after)];
    const refusedKeys = new Set(refused.map((r) => `${r.name} ${r.type}`));
    state.memory.forgetRejections(zone, (name, type) => refusedKeys.has(`${name} ${type}`) || !written.some((w) => w.name === name && w.type === type));
    for (const r of refused) {
      const wanted = written.find((w) => w.name === r.name && w.type === r.type);
      const news = wanted ? state.memory.rememberRejection(zone, wanted, r.error) : true;
      tlog.log(news ? 'warn' : 'debug', `PowerDNS refused ${r.name} ${r.type}: ${r.error}; the rest of the zone was applied`, { rrset: `${r.name} ${r.type}` });
    }
    return state.memory.rejections(zone);
  }

  function reportChanges(plan: ZonePlan, rejected: number, target: string): void {
    const c = counts(plan);
    deps.observer?.rrsetChanges('create', Math.max(0, c.creates - rejected), target);
    deps.observer?.rrsetChanges('update', c.updates, target);
    deps.observer?.rrsetChanges('delete', c.deletes, target);
  }
}

function counts(plan: ZonePlan): ZoneResult['changes'] {
  return { creates: plan.creates.length, updates: plan.updates.length, deletes: plan.deletes.length };
}

function pickZone(zone: ZoneName, netboxZones: SourceZone[]): SourceZone | undefined {
  const matching = netboxZones.filter((z) => toZoneName(z.name) === zone);
  if (matching.length > 1) {
    const views = matching.map((z) => `${z.view?.name ?? '?'} (zone id ${z.id})`).join(', ');
    throw new TerminalError(`zone exists in several NetBox views served by our nameserver: ${views}; set NETBOX_PDNS_NB_VIEW_ID to choose one`);
  }
  return matching[0];
}

/** Maps an error to the bounded failure-reason label. */
export function failureReason(err: unknown): FailureReason {
  if (err instanceof UpstreamError) {
    if (err.errorClass === 'auth') return 'auth';
    if (err.upstream === 'netbox') return err.errorClass === 'transient' ? 'netbox_unavailable' : 'invalid_data';
    return err.errorClass === 'transient' ? 'pdns_unavailable' : 'pdns_rejected';
  }
  if (err instanceof TerminalError) return /lock timeout/i.test(err.message) ? 'lock_timeout' : 'invalid_data';
  return 'internal';
}
