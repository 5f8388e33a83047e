/**
 * One zone task: read NetBox (desired) and PowerDNS (actual), diff, check safety, apply. Level-
 * triggered: it never trusts an event's payload, it re-reads both sides every time, so duplicated,
 * lost or reordered events are harmless. Runs under the zone's lock.
 */
import { buildDesiredZone } from '../core/desired.js';
import { actualFromPdns } from '../pdns/actual.js';
import { diffZone, isEmptyPlan, planSummary } from '../core/diff.js';
import { checkZonePlanSafety } from '../core/safety.js';
import { buildZoneCreate, planToChanges } from '../pdns/patch.js';
import { toZoneName } from '../core/names.js';
import type { ZoneName, ZonePlan } from '../core/types.js';
import type { NetboxSource } from '../netbox/source.js';
import type { NetboxRecord, NetboxZone } from '../netbox/types.js';
import type { PdnsApi, PdnsZone } from '../pdns/types.js';
import type { Logger } from '../util/log.js';
import type { Clock } from '../util/clock.js';
import { TerminalError, UnsafePlanError, UpstreamError, errorClass, errorMessage, serializeError } from '../util/errors.js';
import type { EngineObserver, EngineSettings, FailureReason, ZoneResult, ZoneTaskOptions } from './types.js';

export interface ZoneTaskDeps {
  netbox: NetboxSource;
  pdns: PdnsApi;
  logger: Logger;
  clock: Clock;
  settings: EngineSettings;
  observer?: EngineObserver;
  /** Monotonic ms of the last time each zone read NetBox itself (prefetched data older than it is stale). */
  lastRead: Map<ZoneName, number>;
}

const NOTIFY_KINDS = new Set(['master', 'primary']);

/** Runs one zone task (the caller holds the zone's lock). Never throws: failures become results. */
export async function runZoneTask(zone: ZoneName, deps: ZoneTaskDeps, options: ZoneTaskOptions = {}): Promise<ZoneResult> {
  const started = deps.clock.monotonic();
  const dryRun = options.dryRun ?? deps.settings.dryRun;
  const log = deps.logger.child({ zone });
  const warnings: string[] = [];
  const result = (partial: Partial<ZoneResult> & Pick<ZoneResult, 'outcome'>): ZoneResult => ({
    zone, changes: { creates: 0, updates: 0, deletes: 0 }, dryRun, warnings,
    durationMs: deps.clock.monotonic() - started, finishedAt: deps.clock.now(), ...partial,
  });
  try {
    return await reconcile();
  } catch (err) {
    const cls = errorClass(err);
    const reason = failureReason(err);
    const level = reason === 'unsafe_plan' ? 'warn' : 'error';
    // Expected failures (upstream errors, refusals) log their message; anything else its stack and cause too.
    log.log(level, `zone task failed: ${errorMessage(err)}`, {
      error_class: cls, reason, ...(reason === 'internal' ? { error: serializeError(err) } : {}),
    });
    return result({ outcome: reason === 'unsafe_plan' ? 'refused' : 'failed', error: errorMessage(err), errorClass: cls, failureReason: reason });
  }

  async function reconcile(): Promise<ZoneResult> {
    // Both reads at once: they are independent, and an event's latency is the sum of the round trips
    // on its path (the bench measured NetBox read + PowerDNS GET + PATCH as the floor).
    const [{ netboxZones, records }, pdnsZone] = await Promise.all([readNetbox(), readPdns()]);
    const nbZone = pickZone(netboxZones);

    if (!nbZone || !nbZone.active) return removeFromPdns(pdnsZone, nbZone ? 'inactive in NetBox' : 'not in NetBox for our nameserver');

    const built = buildDesiredZone(nbZone, records);
    for (const w of built.warnings) log.warn(`skipped NetBox data: ${w}`);
    warnings.push(...built.warnings);
    if (built.errors.length > 0) {
      throw new TerminalError(`NetBox data cannot be served by PowerDNS: ${built.errors.join('; ')}`);
    }
    const desired = built.desired;

    if (!pdnsZone) return createInPdns(desired);

    if (pdnsZone.account !== deps.settings.ownerId) {
      if (!deps.settings.adoptZones) {
        log.warn(`zone exists in PowerDNS with account "${pdnsZone.account}", not ours, and adoption is off: left alone`);
        return result({ outcome: 'skipped' });
      }
      log.warn(`adopting zone: it exists in PowerDNS with account "${pdnsZone.account}" and NetBox serves it for our nameserver`);
      if (!dryRun) await deps.pdns.updateZone(zone, { account: deps.settings.ownerId, soa_edit_api: '' });
    } else if ((pdnsZone.soa_edit_api ?? '') !== '' && !dryRun) {
      // The daemon owns the serial; any SOA-EDIT-API would rewrite it on every PATCH.
      log.warn(`resetting soa_edit_api "${pdnsZone.soa_edit_api}" to "" (the serial comes from NetBox)`);
      await deps.pdns.updateZone(zone, { soa_edit_api: '' });
    }

    const plan = diffZone(desired, actualFromPdns(pdnsZone));
    const summary = planSummary(plan);
    if (isEmptyPlan(plan)) {
      log.debug('in sync');
      return result({ outcome: 'unchanged', plan });
    }
    if (!options.force) {
      const refusal = checkZonePlanSafety(plan, {
        maxChangeRatio: deps.settings.maxChangeRatio, minRrsets: deps.settings.minRrsetsForThreshold,
      });
      if (refusal) {
        log.warn(`plan refused: ${refusal}`, summary);
        return result({ outcome: 'refused', plan, changes: summary, error: refusal, errorClass: 'terminal', failureReason: 'unsafe_plan' });
      }
    }
    if (dryRun) {
      log.info('dry run: changes not applied', summary);
      return result({ outcome: 'changed', plan, changes: summary });
    }
    await applyPlan(plan);
    log.info('zone updated', summary);
    return result({ outcome: 'changed', plan, changes: summary });
  }

  async function readNetbox(): Promise<{ netboxZones: NetboxZone[]; records: NetboxRecord[] }> {
    const pre = options.prefetched;
    const lastRead = deps.lastRead.get(zone);
    if (pre && (lastRead === undefined || lastRead <= pre.readStartedAt)) {
      return { netboxZones: pre.netboxZones, records: pre.records };
    }
    deps.lastRead.set(zone, deps.clock.monotonic());
    // The zone and its records in parallel (one round trip on an event's path, not two).
    const name = zone.replace(/\.$/, '');
    const [netboxZones, byName] = await Promise.all([deps.netbox.findZones(name), deps.netbox.listRecordsByZoneName(name)]);
    const only = netboxZones.length === 1 ? netboxZones[0] : undefined;
    if (!only || !only.active) return { netboxZones, records: [] };
    // NetBox's record filter matches the stored zone name exactly: when it differs from ours (case)
    // or was rejected, read by id instead.
    const records = byName !== null && only.name === name
      ? byName.filter((r) => r.zone?.id === only.id)
      : (await deps.netbox.listRecords([only.id])).get(only.id) ?? [];
    return { netboxZones, records };
  }

  async function readPdns(): Promise<PdnsZone | null> {
    // A full reconcile already listed PowerDNS: a zone absent from that listing needs no GET.
    if (options.prefetched && options.prefetched.pdnsZone === null) return null;
    return deps.pdns.getZone(zone);
  }

  function pickZone(netboxZones: NetboxZone[]): NetboxZone | undefined {
    const matching = netboxZones.filter((z) => toZoneName(z.name) === zone);
    if (matching.length > 1) {
      const views = matching.map((z) => `${z.view?.name ?? '?'} (zone id ${z.id})`).join(', ');
      throw new TerminalError(`zone exists in several NetBox views served by our nameserver: ${views}; set NETBOX_PDNS_NB_VIEW_ID to choose one`);
    }
    return matching[0];
  }

  async function removeFromPdns(pdnsZone: PdnsZone | null, why: string): Promise<ZoneResult> {
    if (!pdnsZone) {
      log.debug(`${why}, absent from PowerDNS: nothing to do`);
      return result({ outcome: 'skipped' });
    }
    if (pdnsZone.account !== deps.settings.ownerId) {
      log.info(`${why}; PowerDNS zone has account "${pdnsZone.account}", not ours: left alone`);
      return result({ outcome: 'skipped' });
    }
    if (!options.allowDelete) {
      log.warn(`${why}, but the event did not say the zone was removed: left for the full reconcile, which applies the zone-deletion safety rules`);
      return result({ outcome: 'skipped' });
    }
    const deletes = pdnsZone.rrsets.length;
    if (dryRun) {
      log.info(`dry run: would delete zone (${why})`);
      return result({ outcome: 'deleted', changes: { creates: 0, updates: 0, deletes } });
    }
    await deps.pdns.deleteZone(zone);
    log.warn(`deleted zone from PowerDNS (${why})`);
    return result({ outcome: 'deleted', changes: { creates: 0, updates: 0, deletes } });
  }

  async function createInPdns(desired: ReturnType<typeof buildDesiredZone>['desired']): Promise<ZoneResult> {
    const changes = { creates: desired.rrsets.length, updates: 0, deletes: 0 };
    if (dryRun) {
      log.info('dry run: would create zone', changes);
      return result({ outcome: 'created', changes, plan: diffZone(desired, null) });
    }
    const spec = buildZoneCreate(desired, { kind: deps.settings.zoneKind, account: deps.settings.ownerId });
    const created = await deps.pdns.createZone(spec);
    if (created === 'exists') {
      // Created meanwhile by someone else: fall back to a normal sync against what is there now.
      log.warn('zone appeared in PowerDNS while we were creating it (409): syncing it instead');
      const existing = await deps.pdns.getZone(zone);
      if (!existing) throw new UpstreamError('zone reported as existing but not found', 'pdns', 'transient', { operation: 'createZone' });
      if (existing.account !== deps.settings.ownerId) {
        return result({ outcome: 'skipped', error: `zone created concurrently with account "${existing.account}"` });
      }
      const plan = diffZone(desired, actualFromPdns(existing));
      if (!isEmptyPlan(plan)) await applyPlan(plan);
      return result({ outcome: 'changed', plan, changes: planSummary(plan) });
    }
    deps.observer?.rrsetChanges('create', changes.creates);
    await maybeNotify();
    log.info('zone created', changes);
    return result({ outcome: 'created', changes });
  }

  async function applyPlan(plan: ZonePlan): Promise<void> {
    await deps.pdns.patchRRsets(zone, planToChanges(plan));
    const summary = planSummary(plan);
    deps.observer?.rrsetChanges('create', summary.creates);
    deps.observer?.rrsetChanges('update', summary.updates);
    deps.observer?.rrsetChanges('delete', summary.deletes);
    await maybeNotify();
  }

  async function maybeNotify(): Promise<void> {
    if (!deps.settings.notify || !NOTIFY_KINDS.has(deps.settings.zoneKind.toLowerCase())) return;
    try {
      await deps.pdns.notify(zone);
    } catch (err) {
      // The change is applied; secondaries still catch up on their SOA refresh.
      log.warn(`NOTIFY failed: ${errorMessage(err)}`);
    }
  }
}

/** Maps an error to the bounded failure-reason label. */
export function failureReason(err: unknown): FailureReason {
  if (err instanceof UnsafePlanError) return 'unsafe_plan';
  if (err instanceof UpstreamError) {
    if (err.errorClass === 'auth') return 'auth';
    if (err.upstream === 'netbox') return err.errorClass === 'transient' ? 'netbox_unavailable' : 'invalid_data';
    return err.errorClass === 'transient' ? 'pdns_unavailable' : 'pdns_rejected';
  }
  if (err instanceof TerminalError) return /lock timeout/i.test(err.message) ? 'lock_timeout' : 'invalid_data';
  return 'internal';
}
