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
import type { NetboxRecord, NetboxZone } from '../netbox/types.js';
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
  /** Zones per bulk record read (default 250). */
  recordChunkZones?: number;
}

export interface FullReconcileOptions {
  dryRun?: boolean;
  force?: boolean;
  /** Restrict to these zones (absolute names); deletions then only among them. */
  zones?: ZoneName[];
}

export type FullOutcome = 'success' | 'failure' | 'refused';

/** Zones whose records one bulk NetBox read covers (a few pages of 1000 records). */
const RECORD_CHUNK_ZONES = 250;

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

  const taskOptions = (name: ZoneName, records: NetboxRecord[]): ZoneTaskOptions => {
    const prefetched: PrefetchedZone = { readStartedAt, netboxZones: byName.get(name) ?? [], records, pdnsZone: pdnsByName.get(name) ?? null };
    return { dryRun: options.dryRun, force: options.force, allowDelete: true, prefetched };
  };
  const dryRun = options.dryRun ?? deps.settings.dryRun;
  const notRun = (zone: ZoneName, outcome: 'refused' | 'failed', error: string): ZoneResult => ({
    zone, outcome, changes: { creates: 0, updates: 0, deletes: 0 }, dryRun, error,
    errorClass: outcome === 'refused' ? 'terminal' : 'transient',
    failureReason: outcome === 'refused' ? 'unsafe_plan' : 'netbox_unavailable', warnings: [], durationMs: 0, finishedAt: deps.clock.now(),
  });

  const inFlight = new Set<Promise<ZoneResult>>();
  const results: ZoneResult[] = [];
  const dispatch = (name: ZoneName, records: NetboxRecord[]): void => {
    const task: Promise<ZoneResult> = deps.dispatch(name, taskOptions(name, records)).then((r) => {
      inFlight.delete(task);
      results.push(r);
      return r;
    });
    inFlight.add(task);
  };

  // Zones with records to read, by NetBox id; the others (inactive, ambiguous across views) come after.
  const nameById = new Map<number, ZoneName>();
  const withoutRecords: ZoneName[] = [];
  for (const [name, zs] of byName) {
    if (zs.length === 1 && zs[0]?.active) nameById.set(zs[0].id, name);
    else withoutRecords.push(name);
  }

  // Records are read in chunks of zones, one chunk ahead, and each chunk's zones are dispatched as soon
  // as its listing is complete: NetBox reads overlap PowerDNS work, and only a bounded number of
  // zones' records are held at once. A chunk is used only when read whole; after a failed read no
  // further zone is written and no zone is deleted.
  const chunks: number[][] = [];
  const chunkZones = deps.recordChunkZones ?? RECORD_CHUNK_ZONES;
  // Dispatched zones (holding their NetBox records) allowed before the next chunk is read.
  const maxInFlight = 2 * chunkZones;
  for (let i = 0; i < activeIds.length; i += chunkZones) chunks.push(activeIds.slice(i, i + chunkZones));
  const read = (ids: number[]): Promise<Map<number, NetboxRecord[]> | Error> =>
    deps.netbox.listRecords(ids).catch((err: unknown) => (err instanceof Error ? err : new Error(String(err))));
  let readError: Error | null = null;
  let next = chunks[0] ? read(chunks[0]) : null;
  for (let k = 0; k < chunks.length; k++) {
    const chunk = chunks[k] as number[];
    const records: Map<number, NetboxRecord[]> | Error = readError ?? await (next as Promise<Map<number, NetboxRecord[]> | Error>);
    if (records instanceof Error) {
      if (!readError) log.error(`full reconcile failed reading NetBox records: ${errorMessage(records)}`, { error_class: errorClass(records) });
      readError = records;
      for (const id of chunk) results.push(notRun(nameById.get(id) as ZoneName, 'failed', `NetBox records not read: ${errorMessage(records)}`));
      continue;
    }
    next = chunks[k + 1] ? read(chunks[k + 1] as number[]) : null;
    for (const id of chunk) dispatch(nameById.get(id) as ZoneName, records.get(id) ?? []);
    while (inFlight.size > maxInFlight) await Promise.race(inFlight);
  }

  // Deletions last, and only after every read succeeded and the safety rules allow them.
  const deleteSet = new Set(toDelete.map((z) => z.name.toLowerCase()));
  for (const name of new Set([...withoutRecords, ...deleteSet])) {
    if (!deleteSet.has(name)) dispatch(name, []);
    else if (refusal) results.push(notRun(name, 'refused', refusal));
    else if (readError) results.push(notRun(name, 'failed', 'not deleted: NetBox could not be read completely'));
    else dispatch(name, []);
  }
  await Promise.all(inFlight);
  results.sort((a, b) => (a.zone < b.zone ? -1 : a.zone > b.zone ? 1 : 0));

  const failed = results.some((r) => r.outcome === 'failed');
  const refused = refusal !== null || results.some((r) => r.outcome === 'refused');
  const outcome: FullOutcome = failed ? 'failure' : refused ? 'refused' : 'success';
  const counts: Record<string, number> = {};
  for (const r of results) counts[r.outcome] = (counts[r.outcome] ?? 0) + 1;
  log.info(`full reconcile ${outcome}`, { ...counts, netbox_zones: netboxZones.length, duration_s: (deps.clock.monotonic() - started) / 1000 });
  return finish({
    outcome, zones: results, netboxZones: netboxZones.length,
    ...(refusal ? { refusal } : {}), ...(readError ? { error: `NetBox records not read: ${errorMessage(readError)}` } : {}),
  });
}
