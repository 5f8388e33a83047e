/**
 * The full reconcile: read NetBox in bulk (zones for our nameserver, then records of many zones per
 * request) and PowerDNS's zone list once, then hand every zone to the zone task with that data, and
 * remove owned zones that left NetBox. It never holds a global lock: each zone is dispatched through
 * the same path as events (its own lock), so events keep flowing while a reconcile runs.
 */
import { toZoneName } from '../core/names.js';
import { checkEmptySource, checkZoneDeletionSafety } from '../core/safety.js';
import type { ZoneName } from '../core/types.js';
import type { NetboxSource } from '../netbox/source.js';
import type { NetboxZone } from '../netbox/types.js';
import type { PdnsApi, PdnsZoneSummary } from '../pdns/types.js';
import type { Logger } from '../util/log.js';
import type { Clock } from '../util/clock.js';
import { errorClass, errorMessage } from '../util/errors.js';
import type { EngineSettings, PrefetchedZone, ZoneResult, ZoneTaskOptions } from './types.js';

export interface FullReconcileDeps {
  netbox: NetboxSource;
  pdns: PdnsApi;
  logger: Logger;
  clock: Clock;
  settings: EngineSettings;
  /** Runs one zone task through the shared path (queue or direct, always under the zone lock). */
  dispatch: (zone: ZoneName, options: ZoneTaskOptions) => Promise<ZoneResult>;
}

export interface FullReconcileOptions {
  dryRun?: boolean;
  force?: boolean;
  /** Restrict to these zones (absolute names); deletions then only among them. */
  zones?: ZoneName[];
}

export type FullOutcome = 'success' | 'failure' | 'refused';

export interface FullReconcileResult {
  outcome: FullOutcome;
  zones: ZoneResult[];
  /** Set when the whole run failed before zones were dispatched (e.g. NetBox unreachable). */
  error?: string;
  /** Set when zone deletions were refused by a safety rule. */
  refusal?: string;
  durationMs: number;
  netboxZones: number;
  /** RRsets found out of step (planned changes), summed over zones. */
  driftRrsets: number;
}

/** Runs one full reconcile. Never throws: a failure is reported in the result. */
export async function runFullReconcile(deps: FullReconcileDeps, options: FullReconcileOptions = {}): Promise<FullReconcileResult> {
  const started = deps.clock.monotonic();
  const log = deps.logger.child({ component: 'reconcile' });
  const finish = (partial: Omit<FullReconcileResult, 'durationMs' | 'driftRrsets'>): FullReconcileResult => {
    const driftRrsets = partial.zones.reduce((n, z) => n + z.changes.creates + z.changes.updates + z.changes.deletes, 0);
    return { ...partial, durationMs: deps.clock.monotonic() - started, driftRrsets };
  };

  const readStartedAt = deps.clock.monotonic();
  let netboxZones: NetboxZone[];
  let pdnsZones: PdnsZoneSummary[];
  try {
    [netboxZones, pdnsZones] = await Promise.all([deps.netbox.listZones(), deps.pdns.listZones()]);
  } catch (err) {
    log.error(`full reconcile failed reading zone lists: ${errorMessage(err)}`, { error_class: errorClass(err) });
    return finish({ outcome: 'failure', zones: [], error: errorMessage(err), netboxZones: 0 });
  }
  const only = options.zones ? new Set(options.zones) : null;
  const wanted = (name: ZoneName): boolean => only === null || only.has(name);

  // Group NetBox zones by absolute name: several entries for one name means several views.
  const byName = new Map<ZoneName, NetboxZone[]>();
  for (const z of netboxZones) {
    const name = toZoneName(z.name);
    if (!wanted(name)) continue;
    byName.set(name, [...(byName.get(name) ?? []), z]);
  }
  const pdnsByName = new Map<ZoneName, PdnsZoneSummary>();
  for (const z of pdnsZones) pdnsByName.set(z.name.toLowerCase(), z);

  const activeIds = [...byName.values()].filter((zs) => zs.length === 1 && zs[0]?.active).map((zs) => (zs[0] as NetboxZone).id);
  let records;
  try {
    records = await deps.netbox.listRecords(activeIds);
  } catch (err) {
    log.error(`full reconcile failed reading NetBox records: ${errorMessage(err)}`, { error_class: errorClass(err) });
    return finish({ outcome: 'failure', zones: [], error: errorMessage(err), netboxZones: netboxZones.length });
  }

  // Owned zones that are no longer active in NetBox: deletion candidates, subject to the safety rules.
  const isActive = (name: ZoneName): boolean => (byName.get(name) ?? []).some((z) => z.active);
  const owned = pdnsZones.filter((z) => z.account === deps.settings.ownerId);
  const toDelete = owned.filter((z) => wanted(z.name.toLowerCase()) && !isActive(z.name.toLowerCase()));
  let refusal: string | null = null;
  if (!options.force && toDelete.length > 0) {
    refusal = (only === null ? checkEmptySource(activeIds.length, owned.length) : null)
      ?? checkZoneDeletionSafety(toDelete.length, owned.length, deps.settings.maxZoneDeleteRatio);
    if (refusal) log.warn(`zone deletions refused: ${refusal}`, { zones: toDelete.map((z) => z.name) });
  }

  const taskOptions = (name: ZoneName): ZoneTaskOptions => {
    const nb = byName.get(name) ?? [];
    const first = nb.length === 1 ? nb[0] : undefined;
    const prefetched: PrefetchedZone = {
      readStartedAt,
      netboxZones: nb,
      records: first ? records.get(first.id) ?? [] : [],
      pdnsZone: pdnsByName.get(name) ?? null,
    };
    return { dryRun: options.dryRun, force: options.force, prefetched };
  };

  const deleteSet = new Set(toDelete.map((z) => z.name.toLowerCase()));
  const names = [...new Set([...byName.keys(), ...deleteSet])];
  const refusedResult = (zone: ZoneName): ZoneResult => ({
    zone, outcome: 'refused', changes: { creates: 0, updates: 0, deletes: 0 }, dryRun: options.dryRun ?? deps.settings.dryRun,
    error: refusal ?? undefined, errorClass: 'terminal', failureReason: 'unsafe_plan', warnings: [], durationMs: 0, finishedAt: deps.clock.now(),
  });
  const results = await Promise.all(names.map((name) =>
    refusal && deleteSet.has(name) ? Promise.resolve(refusedResult(name)) : deps.dispatch(name, taskOptions(name))));
  results.sort((a, b) => (a.zone < b.zone ? -1 : a.zone > b.zone ? 1 : 0));

  const failed = results.some((r) => r.outcome === 'failed');
  const refused = refusal !== null || results.some((r) => r.outcome === 'refused');
  const outcome: FullOutcome = failed ? 'failure' : refused ? 'refused' : 'success';
  const counts: Record<string, number> = {};
  for (const r of results) counts[r.outcome] = (counts[r.outcome] ?? 0) + 1;
  log.info(`full reconcile ${outcome}`, { ...counts, netbox_zones: netboxZones.length, duration_s: (deps.clock.monotonic() - started) / 1000 });
  return finish({ outcome, zones: results, netboxZones: netboxZones.length, ...(refusal ? { refusal } : {}) });
}
