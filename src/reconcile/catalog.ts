/**
 * A target's catalog zone at run time: keeps the zone itself (and, through the TSIG keeper, the key) in
 * step, knows which zones are members, and after every membership change bumps the catalog's serial
 * and NOTIFYs it, so secondaries learn of new and removed zones within seconds rather than at
 * PowerDNS's next xfr cycle (replication-dnssec.md §1.6; the API never NOTIFYs by itself, pitfall 5).
 *
 * The serial never goes backwards: the catalog uses SOA-EDIT-API EPOCH (serial := now), so a bump is
 * only made while the stored serial is below the current second; a second change within the same
 * second waits for the next one (two bumps in one second would give the same serial and the second
 * would be lost on the secondaries).
 */
import { planCatalog } from '../core/catalog.js';
import { planWrites, type ZonePlan } from '../core/plan.js';
import type { ZoneName } from '../core/types.js';
import type { Clock } from '../util/clock.js';
import { errorClass, errorMessage } from '../util/errors.js';
import type { Logger } from '../util/log.js';
import { buildCatalogCreate, writeMetadata, zoneFields } from './apply.js';
import { readActual } from './transfer-read.js';
import type { TsigKeeper } from './tsig-key.js';
import type { Target, Trigger, ZoneResult } from './types.js';
import { failureReason } from './zone-task.js';

/** What /status shows of one catalog. */
export interface CatalogStatus {
  zone: ZoneName;
  members: number;
  /** Wall-clock ms of the last membership change we bumped the catalog for. */
  last_change: number | null;
  /** The serial after that bump (what secondaries should reach). */
  serial: number | null;
  last_error: string | null;
}

export interface CatalogService {
  readonly zone: ZoneName;
  /**
   * Plans (and unless `dryRun` applies) the catalog zone and the TSIG key. The daemon runs it at the
   * start of each full reconcile and before the first zone write.
   */
  reconcile(opts: { dryRun: boolean }): Promise<{ plan: ZonePlan; changed: boolean }>;
  /** Resolves once the catalog was reconciled successfully since start (runs it the first time). */
  ready(): Promise<void>;
  /** A zone task's view of one zone: a member or not (counted for /status). */
  member(zone: ZoneName, isMember: boolean): void;
  /** Membership changed: bump and NOTIFY the catalog soon (coalesced; never throws). */
  changed(): void;
  /** Resolves when no bump is pending or running. */
  idle(): Promise<void>;
  status(): CatalogStatus;
}

export interface CatalogServiceOptions {
  target: Target;
  /** The target's TSIG key, ensured with the catalog (its change shown in the catalog's plan). */
  tsig?: TsigKeeper;
  zone: ZoneName;
  clock: Clock;
  logger: Logger;
}

export function createCatalogService(opts: CatalogServiceOptions): CatalogService {
  const { target, zone, clock } = opts;
  const log = opts.logger.child({ zone, component: 'catalog' });
  const members = new Set<ZoneName>();
  let lastChange: number | null = null;
  let serial: number | null = null;
  let lastError: string | null = null;
  let prepared: Promise<void> | null = null;
  let running: Promise<void> | null = null;
  let dirty = false;

  async function reconcile({ dryRun }: { dryRun: boolean }): Promise<{ plan: ZonePlan; changed: boolean }> {
    const tsig = await opts.tsig?.ensure({ dryRun });
    const actual = await readActual(target, await target.pdns.getZone(zone));
    const plan = planCatalog(actual, {
      name: zone, ownerId: target.policy.ownerId, adoption: target.policy.adoption,
      ...(target.policy.transfer ? { transfer: target.policy.transfer } : {}),
    }, tsig);
    const writes = plan.settings.filter((s) => s.field !== 'tsig_key').length > 0 || plan.action === 'create';
    if (dryRun || plan.action === 'skip' || !writes) {
      if (plan.action === 'skip') log.warn(plan.reason ?? 'catalog zone left alone');
      return { plan, changed: !dryRun && tsig !== undefined };
    }
    if (plan.action === 'create') {
      await target.pdns.createZone({ ...buildCatalogCreate(plan, target.policy.ownerId), ...zoneFields(plan, ['tsig_allow_axfr']) });
      log.info('catalog zone created (kind Producer, SOA-EDIT-API EPOCH)');
    } else {
      const fields = zoneFields(plan, ['kind', 'soa_edit_api', 'tsig_allow_axfr']);
      if (Object.keys(fields).length > 0) await target.pdns.updateZone(zone, fields);
      for (const s of plan.settings) if (s.field !== 'account') log.warn(`catalog zone: setting ${s.field} from "${s.from ?? ''}" to "${s.to}"`);
    }
    await writeMetadata(target.pdns, plan);
    const account = zoneFields(plan, ['account']);
    if (plan.action !== 'create' && Object.keys(account).length > 0) await target.pdns.updateZone(zone, account);
    return { plan, changed: planWrites(plan) };
  }

  async function bump(): Promise<void> {
    const current = await target.pdns.getZone(zone);
    if (current === null) {
      log.warn('catalog zone is missing in PowerDNS: not bumped (it is created again on the next full reconcile)');
      return;
    }
    let nowSec = Math.floor(clock.now() / 1000);
    if (current.serial >= nowSec && current.serial - nowSec <= 2) {
      // Bumped within this second already: wait for the next one so the serial moves forward.
      await clock.sleep((current.serial - nowSec + 1) * 1000 - (clock.now() % 1000) + 5);
      nowSec = Math.floor(clock.now() / 1000);
    }
    if (current.serial >= nowSec) {
      log.warn(`catalog serial ${current.serial} is ahead of the clock (${nowSec}): not bumped, since EPOCH would move it backwards; NOTIFY only`);
    } else {
      await target.pdns.bumpSerial(zone);
    }
    await target.pdns.notify(zone);
    lastChange = clock.now();
    serial = Math.max(current.serial, nowSec);
    lastError = null;
    log.debug('catalog serial bumped and NOTIFY queued', { serial });
  }

  async function loop(): Promise<void> {
    while (dirty) {
      dirty = false;
      try {
        await bump();
      } catch (err) {
        // The secondaries still learn at PowerDNS's next xfr cycle; the next change tries again.
        lastError = errorMessage(err);
        log.warn(`catalog bump/NOTIFY failed: ${lastError}`);
      }
    }
  }

  return {
    zone,
    reconcile,
    ready() {
      prepared ??= reconcile({ dryRun: false }).then(() => undefined, (err: unknown) => {
        prepared = null;
        throw err;
      });
      return prepared;
    },
    member(name, isMember) {
      if (isMember) members.add(name);
      else members.delete(name);
    },
    changed() {
      dirty = true;
      running ??= loop().finally(() => { running = null; });
    },
    async idle() {
      while (running) await running;
    },
    status: () => ({ zone, members: members.size, last_change: lastChange, serial, last_error: lastError }),
  };
}

/** The catalog task of one target as a zone result, for the full reconcile (a failure fails the run, not the members). */
export async function runCatalogTask(
  catalog: CatalogService, target: string, ctx: { trigger: Trigger; dryRun: boolean; clock: Clock; log: Logger },
): Promise<ZoneResult> {
  const { trigger, dryRun, clock, log } = ctx;
  const started = clock.monotonic();
  const base = { zone: catalog.zone, target, trigger, rejected: [], dryRun, warnings: [] };
  try {
    const { plan, changed } = await catalog.reconcile({ dryRun });
    const outcome = plan.action === 'skip' ? 'skipped' : !changed && !(dryRun && planWrites(plan)) ? 'unchanged' : plan.action === 'create' ? 'created' : 'changed';
    return { ...base, outcome, plan, changes: { creates: plan.creates.length, updates: 0, deletes: 0 }, durationMs: clock.monotonic() - started, finishedAt: clock.now() };
  } catch (err) {
    log.error(`catalog zone task failed: ${errorMessage(err)}`, { zone: catalog.zone, target, error_class: errorClass(err) });
    return {
      ...base, outcome: 'failed', changes: { creates: 0, updates: 0, deletes: 0 }, error: errorMessage(err), errorClass: errorClass(err),
      failureReason: failureReason(err), durationMs: clock.monotonic() - started, finishedAt: clock.now(),
    };
  }
}
