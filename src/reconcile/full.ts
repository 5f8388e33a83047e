/**
 * The full reconcile: list NetBox zones for our nameserver and each target's zones once, read
 * NetBox's records in bulk (chunks of many zones per request), run every zone's task under its lock
 * with that data (where it meets event tasks for the same zone), and remove owned zones that left
 * NetBox. It never holds a global lock, so events keep flowing while it runs; its zone work runs on
 * its own bounded pool, so events never wait behind it in the queue.
 */
import { toZoneName } from '../core/names.js';
import { checkEmptySource, checkZoneDeletionSafety } from '../core/safety.js';
import type { NetboxSource } from '../netbox/source.js';
import type { SourceRecord, SourceZone, ZoneName } from '../core/types.js';
import type { PdnsZoneSummary } from '../pdns/types.js';
import { errorClass, errorMessage } from '../util/errors.js';
import { movedZones } from './moved.js';
import { inScope, type EventOrigin, type FullOutcome, type Target, type Trigger, type ZoneResult, type ZoneSource, type ZoneTaskOptions } from './types.js';
import type { ZoneTaskDeps } from './zone-task.js';
import { runCatalogTask } from './catalog.js';

export interface FullReconcileDeps extends Omit<ZoneTaskDeps, 'observer' | 'reader'> {
  /** Lists every zone and bulk-reads their records (zone tasks read through the batched reader). */
  netbox: NetboxSource;
  /** Runs one zone's task under the zone's lock. */
  runZone: (zone: ZoneName, options: ZoneTaskOptions) => Promise<ZoneResult[]>;
  /** Zone tasks run at once (the `workers` setting). */
  concurrency: number;
  /** Zones per bulk record read (default 50). */
  recordChunkZones?: number;
  /** Checked before each zone is started: once true, the remaining zones are reported not run. */
  isStopping?: () => boolean;
}

export interface FullReconcileOptions {
  dryRun?: boolean;
  force?: boolean;
  /** Restrict to these zones (absolute names); deletions then only among them. */
  zones?: ZoneName[];
  /** Restrict to these PowerDNS targets (configured names). */
  targets?: readonly string[];
  /**
   * The quick reconcile: only zones that moved since `since` (wall ms, skew already subtracted) by
   * the listings' serials and change times (reconcile/moved.ts) are read and reconciled.
   */
  quick?: { since: number };
  /**
   * Keep each zone's plan in the result (the CLI's JSON and plan files). Off, a plan is dropped as soon as its
   * zone is done and observed: a cold sync's plans are the whole of NetBox's data again.
   */
  keepPlans?: boolean;
  /**
   * Told of each zone task's result as it is made, plan included, so a caller can use the plan and
   * let it go (the CLI prints from it) instead of the run holding every zone's plan to the end.
   */
  onZone?: (result: ZoneResult) => void;
  /** The NetBox users and requests behind an event-driven run (a nameserver or view change), for the audit trail. */
  origins?: readonly EventOrigin[];
}

/**
 * Zones whose records one bulk NetBox read covers (a few pages of 1000 records). Two chunks are held
 * at once (the one being written, the next being read): at 250 the records held were most of the
 * run's heap; at 50 the bench measures the same wall time with ~20 MB less peak RSS.
 */
const RECORD_CHUNK_ZONES = 50;

export interface FullReconcileResult {
  trigger: Trigger;
  /** `quick`: only the zones that moved by the listings were looked at (`zones` holds those). */
  mode: 'deep' | 'quick';
  outcome: FullOutcome;
  /** One result per zone and target, sorted by zone then target. */
  zones: ZoneResult[];
  /** Set when the whole run failed before zones were dispatched (e.g. NetBox unreachable). */
  error?: string;
  /** Set when zone deletions were refused by a safety rule (the first target's reason). */
  refusal?: string;
  durationMs: number;
  netboxZones: number;
  /** RRsets found out of step (planned changes), summed over zones. */
  driftRrsets: number;
}

/** A bounded pool: runs at most `size` tasks at once; `drain` resolves when all have settled. */
function createPool(size: number): { run(task: () => Promise<void>): Promise<void>; drain(): Promise<void> } {
  const running = new Set<Promise<void>>();
  return {
    async run(task) {
      while (running.size >= Math.max(1, size)) await Promise.race(running);
      const p: Promise<void> = task().finally(() => running.delete(p));
      running.add(p);
    },
    async drain() {
      await Promise.all(running);
    },
  };
}

/** Runs one full reconcile. Never throws: a failure is reported in the result. */
export async function runFullReconcile(all: FullReconcileDeps, trigger: Trigger, options: FullReconcileOptions = {}): Promise<FullReconcileResult> {
  const deps = options.targets === undefined ? all : { ...all, targets: all.targets.filter((t) => options.targets?.includes(t.target.name)) };
  const started = deps.clock.monotonic();
  const log = deps.logger.child({ component: 'reconcile' });
  const closeLedger = deps.ledger.open();
  try {
    return await run();
  } finally {
    closeLedger();
  }

  async function run(): Promise<FullReconcileResult> {
    const results: ZoneResult[] = [];
    const finish = (partial: Omit<FullReconcileResult, 'durationMs' | 'driftRrsets' | 'trigger' | 'zones' | 'mode'>): FullReconcileResult => {
      results.sort((a, b) => (a.zone < b.zone ? -1 : a.zone > b.zone ? 1 : a.target < b.target ? -1 : a.target > b.target ? 1 : 0));
      const driftRrsets = results.reduce((n, z) => n + z.changes.creates + z.changes.updates + z.changes.deletes, 0);
      return { trigger, mode: options.quick ? 'quick' : 'deep', ...partial, zones: results, durationMs: deps.clock.monotonic() - started, driftRrsets };
    };
    const dryRun = options.dryRun ?? deps.settings.dryRun;
    const notRun = (zone: ZoneName, target: string, outcome: 'refused' | 'failed', error: string, cls: 'terminal' | 'transient'): ZoneResult => ({
      zone, target, trigger, outcome, changes: { creates: 0, updates: 0, deletes: 0 }, rejected: [], dryRun, error, errorClass: cls,
      failureReason: outcome === 'refused' ? 'unsafe_plan' : cls === 'transient' ? 'netbox_unavailable' : 'pdns_unavailable',
      warnings: [], durationMs: 0, finishedAt: deps.clock.now(),
    });

    let netboxZones: SourceZone[];
    let changedIn = new Set<number>();
    // Settled at once, so a target failing while NetBox is read is never an unhandled rejection.
    const listings = Promise.allSettled(deps.targets.map((t) => t.target.pdns.listZones()));
    try {
      const since = options.quick ? new Date(options.quick.since) : null;
      [netboxZones, changedIn] = await Promise.all([deps.netbox.listZones(), since ? deps.netbox.zonesWithRecordsChangedSince(since) : changedIn]);
    } catch (err) {
      await listings;
      log.error(`full reconcile failed reading zone lists: ${errorMessage(err)}`, { error_class: errorClass(err) });
      return finish({ outcome: 'failure', error: errorMessage(err), netboxZones: 0 });
    }
    const listed = await listings;
    // Policies once for the whole run; when that read fails each signed zone's task reads its own.
    let policies: ZoneSource['policies'];
    if (netboxZones.some((z) => z.dnssec_policy)) {
      try {
        policies = new Map((await deps.netbox.listDnssecPolicies()).map((p) => [p.id, p] as const));
      } catch (err) {
        log.warn(`full reconcile could not list DNSSEC policies, each signed zone reads its own: ${errorMessage(err)}`);
      }
    }
    // Each listed target's zones by name (targets whose listing failed are absent).
    const usable = new Map<string, Map<ZoneName, PdnsZoneSummary>>();
    deps.targets.forEach(({ target }, i) => {
      const entry = listed[i];
      if (entry?.status === 'fulfilled') usable.set(target.name, new Map(entry.value.map((z) => [toZoneName(z.name), z] as const)));
    });
    const only = options.quick ? movedZones({
      netboxZones, recordsChangedIn: changedIn, since: options.quick.since,
      listings: deps.targets.flatMap(({ target }) => {
        const zones = usable.get(target.name);
        return zones ? [{ target, zones }] : [];
      }),
    }) : options.zones ? new Set(options.zones.map(toZoneName)) : null;
    const wanted = (name: ZoneName): boolean => only === null || only.has(name);

    // NetBox zones by absolute name: several entries for one name means several views.
    const byName = new Map<ZoneName, SourceZone[]>();
    for (const z of netboxZones) {
      const name = toZoneName(z.name);
      if (wanted(name)) byName.set(name, [...(byName.get(name) ?? []), z]);
    }
    const zonesOf = (name: ZoneName, target: Target): SourceZone[] => (byName.get(name) ?? []).filter((z) => inScope(z, target.scope));
    const servesActive = (name: ZoneName, target: Target): boolean => zonesOf(name, target).some((z) => z.active);

    // Per target: its deletion candidates judged by its own safety rules.
    const deletions = new Map<ZoneName, { allowed: string[]; refused: Array<[string, string]> }>();
    let refusal: string | undefined;
    let listError: string | undefined;
    deps.targets.forEach(({ target }, i) => {
      const entry = listed[i] as PromiseSettledResult<PdnsZoneSummary[]>;
      if (entry.status === 'rejected') {
        listError ??= errorMessage(entry.reason);
        log.error(`full reconcile could not list the zones of ${target.name}: ${errorMessage(entry.reason)}`, { target: target.name, error_class: errorClass(entry.reason) });
        return;
      }
      // Catalog zones (ours or left over from an earlier catalog name) are never deleted by a
      // reconcile, so a catalog with members is never pulled from under them, and are no zones the
      // zone-deletion threshold counts.
      const owned = entry.value.filter((z) => z.account === target.policy.ownerId && z.kind.toLowerCase() !== 'producer'
        && toZoneName(z.name) !== target.policy.catalog);
      const toDelete = owned.map((z) => toZoneName(z.name)).filter((name) => wanted(name) && !servesActive(name, target));
      let why: string | null = null;
      if (!options.force && toDelete.length > 0) {
        const active = [...byName.keys()].filter((name) => servesActive(name, target)).length;
        why = (only === null || options.quick ? checkEmptySource(active, owned.length) : null)
          ?? checkZoneDeletionSafety(toDelete.length, owned.length, target.thresholds.maxZoneDeleteRatio);
        if (why) {
          refusal ??= why;
          log.warn(`zone deletions refused: ${why}`, { target: target.name, zones: toDelete });
        }
      }
      for (const name of toDelete) {
        const d = deletions.get(name) ?? { allowed: [], refused: [] };
        if (why) d.refused.push([target.name, why]);
        else d.allowed.push(target.name);
        deletions.set(name, d);
      }
    });
    const unlisted = deps.targets.map((t) => t.target.name).filter((name) => !usable.has(name));
    /** The listed targets that serve some NetBox zone of this name and are not deleting it. */
    const servingTargets = (name: ZoneName): string[] => deps.targets
      .filter(({ target }) => usable.has(target.name) && zonesOf(name, target).length > 0 && !deletions.get(name)?.allowed.includes(target.name)
        && !deletions.get(name)?.refused.some(([t]) => t === target.name))
      .map(({ target }) => target.name);

    // Each catalog (with the TSIG key) before its members: they name both. Without a catalog the
    // key is kept on its own; a failure shows in the members' results (PowerDNS refuses the key id).
    // Only the deep reconcile: the quick one stays at its listings (the first zone write still waits for both).
    await Promise.all(deps.targets.filter((t) => usable.has(t.target.name) && !options.quick).map(async (t) => {
      if (t.catalog) results.push(await runCatalogTask(t.catalog, t.target.name, { trigger, dryRun, clock: deps.clock, log }));
      else await t.tsig?.ensure({ dryRun }).catch((err: unknown) => log.error(`TSIG key not kept: ${errorMessage(err)}`, { target: t.target.name }));
    }));

    const pool = createPool(deps.concurrency);
    const dispatch = (zone: ZoneName, readAt: number, records: ReadonlyMap<number, SourceRecord[]>, targets: string[], allowDelete: boolean): Promise<void> => {
      if (targets.length === 0) return Promise.resolve();
      if (deps.isStopping?.() === true) {
        for (const target of targets) results.push(notRun(zone, target, 'failed', 'not run: the daemon is shutting down', 'transient'));
        return Promise.resolve();
      }
      const listedHere = new Map(targets.map((t) => [t, usable.get(t)?.get(zone) ?? null] as const));
      const taskOptions: ZoneTaskOptions = {
        trigger, dryRun, ...(options.force ? { force: true } : {}), ...(allowDelete ? { allowDelete: true } : {}),
        ...(options.origins ? { origins: options.origins } : {}),
        targets, source: { readAt, netboxZones: byName.get(zone) ?? [], records, listed: listedHere, ...(policies ? { policies } : {}) },
      };
      return pool.run(async () => {
        const done = await deps.runZone(zone, taskOptions);
        for (const r of done) options.onZone?.(r);
        results.push(...(options.keepPlans === true ? done : done.map(({ plan: _plan, ...rest }) => rest)));
      });
    };
    for (const name of new Set([...byName.keys(), ...deletions.keys()])) {
      for (const target of unlisted) results.push(notRun(name, target, 'failed', `not reconciled: the zone list of ${target} could not be read (${listError ?? ''})`, 'transient'));
    }

    // Names with records to read (an active zone some target serves: the ids of those zones); the
    // others (inactive, or gone from NetBox and owned somewhere) come after.
    const idsOf = new Map<ZoneName, number[]>();
    const withoutRecords: ZoneName[] = [];
    for (const name of byName.keys()) {
      const ids = [...new Set(deps.targets.flatMap(({ target }) => zonesOf(name, target).filter((z) => z.active).map((z) => z.id)))];
      if (ids.length > 0) idsOf.set(name, ids);
      else withoutRecords.push(name);
    }

    // Records are read in chunks of zones, one chunk ahead, and each chunk's zones are dispatched as
    // soon as its listing is complete: NetBox reads overlap PowerDNS work, and only a bounded number
    // of zones' records are held at once. A chunk is used only when read whole; after a failed read no
    // further zone is written and no zone is deleted.
    const chunkZones = deps.recordChunkZones ?? RECORD_CHUNK_ZONES;
    const chunks: ZoneName[][] = [];
    let chunk: ZoneName[] = [];
    let chunkIds = 0;
    for (const [name, ids] of idsOf) {
      if (chunk.length > 0 && chunkIds + ids.length > chunkZones) {
        chunks.push(chunk);
        chunk = [];
        chunkIds = 0;
      }
      chunk.push(name);
      chunkIds += ids.length;
    }
    if (chunk.length > 0) chunks.push(chunk);
    const read = (names: ZoneName[]): { at: number; records: Promise<Map<number, SourceRecord[]> | Error> } => ({
      at: deps.clock.monotonic(),
      records: deps.netbox.listRecords(names.flatMap((n) => idsOf.get(n) ?? []))
        .catch((err: unknown) => (err instanceof Error ? err : new Error(String(err)))),
    });
    let readError: Error | null = null;
    let next = chunks[0] ? read(chunks[0]) : null;
    for (let k = 0; k < chunks.length; k++) {
      const names = chunks[k] as ZoneName[];
      const current = next as ReturnType<typeof read>;
      const records: Map<number, SourceRecord[]> | Error = readError ?? await current.records;
      if (records instanceof Error) {
        if (!readError) log.error(`full reconcile failed reading NetBox records: ${errorMessage(records)}`, { error_class: errorClass(records) });
        readError = records;
        for (const name of names) {
          for (const target of servingTargets(name)) results.push(notRun(name, target, 'failed', `NetBox records not read: ${errorMessage(records)}`, 'transient'));
        }
        continue;
      }
      next = chunks[k + 1] ? read(chunks[k + 1] as ZoneName[]) : null;
      for (const name of names) await dispatch(name, current.at, records, servingTargets(name), false);
    }

    // Deletions last, and only after every read succeeded and each target's safety rules allow them.
    const readAt = deps.clock.monotonic();
    const none = new Map<number, SourceRecord[]>();
    for (const name of withoutRecords) await dispatch(name, readAt, none, servingTargets(name), false);
    for (const [name, d] of deletions) {
      for (const [target, why] of d.refused) results.push(notRun(name, target, 'refused', why, 'terminal'));
      if (readError) {
        for (const target of d.allowed) results.push(notRun(name, target, 'failed', 'not deleted: NetBox could not be read completely', 'transient'));
        continue;
      }
      await dispatch(name, readAt, none, d.allowed, true);
    }
    await pool.drain();
    // Membership changes of this run reach the secondaries before it reports (a CLI sync exits then).
    await Promise.all(deps.targets.map((t) => t.catalog?.idle()));

    const failed = results.some((r) => r.outcome === 'failed');
    const refused = refusal !== undefined || results.some((r) => r.outcome === 'refused');
    const outcome: FullOutcome = failed ? 'failure' : refused ? 'refused' : 'success';
    const counts: Record<string, number> = {};
    for (const r of results) counts[r.outcome] = (counts[r.outcome] ?? 0) + 1;
    log.info(`full reconcile ${outcome}`, { ...counts, netbox_zones: netboxZones.length, duration_s: (deps.clock.monotonic() - started) / 1000 });
    const error = readError ? `NetBox records not read: ${errorMessage(readError)}` : listError;
    return finish({ outcome, netboxZones: netboxZones.length, ...(refusal ? { refusal } : {}), ...(error ? { error } : {}) });
  }
}
