/**
 * The component test tier: the real engine (zone task, full reconcile, runner, lock, queue) over
 * strict in-memory fakes of its two interfaces, PowerDNS and NetBox. Fast (no process, no socket),
 * and as strict as the real servers where it matters; the integration tests keep the real ones.
 */
import { parseProtectRules } from '../../src/core/protect.js';
import type { AdoptionMode } from '../../src/core/plan.js';
import type { TransferPolicy } from '../../src/core/transfer.js';
import type { PdnsTsigKey } from '../../src/pdns/types.js';
import { createEngine, type Engine } from '../../src/reconcile/engine.js';
import type { EngineObserver, Target, ZoneResult } from '../../src/reconcile/types.js';
import type { AuditRecord } from '../../src/reconcile/audit.js';
import { createZoneLock } from '../../src/reconcile/zone-lock.js';
import { systemClock, type Clock } from '../../src/util/clock.js';
import { createMemoryLogger } from '../../src/util/log.js';
import { FakeNetboxStore } from '../fakes/netbox/index.js';
import { MemoryNetbox } from '../fakes/netbox-memory.js';
import { MemoryPdns } from '../fakes/pdns-memory.js';

export const OWNER = 'netbox-pdns';

export interface TargetSpec {
  name?: string;
  adoption?: AdoptionMode;
  protect?: string;
  recordOwnership?: boolean;
  zoneKind?: string;
  maxChangeRatio?: number;
  minRrsetsForThreshold?: number;
  /** The NetBox nameserver whose zones the target serves (default 1, ns1.example.net). */
  nameserverId?: number;
  catalog?: string;
  transfer?: TransferPolicy;
  tsigKey?: PdnsTsigKey;
}

export interface Harness {
  engine: Engine;
  store: FakeNetboxStore;
  netbox: MemoryNetbox;
  pdns: MemoryPdns[];
  logs: Array<Record<string, unknown>>;
  results: ZoneResult[];
  /** Every audit record the engine wrote. */
  audit: AuditRecord[];
  /** Log lines at `level` whose message matches. */
  logged(pattern: RegExp, level?: string): Array<Record<string, unknown>>;
}

export function targetFor(pdns: MemoryPdns, spec: TargetSpec = {}): Target {
  return {
    name: spec.name ?? 'localhost',
    pdns,
    policy: {
      ownerId: OWNER, adoption: spec.adoption ?? 'safe', zoneKind: spec.zoneKind ?? 'Native',
      protect: parseProtectRules(spec.protect ?? '_acme-challenge.*:TXT'), recordOwnership: spec.recordOwnership ?? false,
      ...(spec.catalog !== undefined ? { catalog: spec.catalog } : {}), ...(spec.transfer ? { transfer: spec.transfer } : {}),
    },
    thresholds: { maxChangeRatio: spec.maxChangeRatio ?? 0.3, minRrsetsForThreshold: spec.minRrsetsForThreshold ?? 10, maxZoneDeleteRatio: 0.1 },
    notify: true,
    scope: { nameserverId: spec.nameserverId ?? 1 },
    ...(spec.tsigKey ? { tsigKey: spec.tsigKey } : {}),
  };
}

/** A NetBox with nameserver ns1.example.net (ours) and ns9.elsewhere.net, and one PowerDNS per target spec. */
export function harness(opts: { targets?: TargetSpec[]; clock?: Clock; lockWarnMs?: number; lockTimeoutMs?: number; workers?: number } = {}): Harness {
  const clock = opts.clock ?? systemClock;
  const store = new FakeNetboxStore({ now: () => clock.now() });
  store.createNameserver({ name: 'ns1.example.net' });
  store.createNameserver({ name: 'ns9.elsewhere.net' });
  const netbox = new MemoryNetbox(store, store.nameserverId('ns1.example.net'));
  const specs = opts.targets ?? [{}];
  const pdns = specs.map(() => new MemoryPdns());
  const { logger, entries } = createMemoryLogger('debug');
  const results: ZoneResult[] = [];
  const audit: AuditRecord[] = [];
  const observer: EngineObserver = { zoneResult: (r) => results.push(r), rrsetChanges: () => undefined };
  const lock = createZoneLock({ clock, logger, warnAfterMs: opts.lockWarnMs ?? 1000, timeoutMs: opts.lockTimeoutMs ?? 30_000 });
  const engine = createEngine({
    netbox, targets: specs.map((spec, i) => targetFor(pdns[i] as MemoryPdns, spec)), lock, logger, clock, settings: { dryRun: false },
    workers: opts.workers ?? 4, requeueBackoff: { baseDelayMs: 50, factor: 2, maxDelayMs: 200, jitter: false }, retryFailedZones: true, observer,
    audit: { write: (records) => audit.push(...records) },
  });
  return {
    engine, store, netbox, pdns, logs: entries, results, audit,
    logged: (pattern, level) => entries.filter((e) => pattern.test(String(e.message)) && (level === undefined || e.level === level)),
  };
}

/** A zone of ours in the fake NetBox, with records given as [name, type, value]. */
export function netboxZone(store: FakeNetboxStore, name: string, records: Array<[string, string, string]> = []): void {
  store.createZone({ name, nameservers: ['ns1.example.net'], soa_mname: 'ns1.example.net', soa_rname: `hostmaster.${name}` });
  for (const [rname, type, value] of records) store.createRecord({ zone: name, name: rname, type, value, disable_ptr: true });
}
