/**
 * Gauges read at scrape time from state other components own (the queue, the /status store, the
 * engine), so the figures are the same ones /status shows. Per-target gauges carry the bounded
 * `server` label (the target's configured name, never a URL). A failing reader reads 0: a scrape
 * must never fail.
 */
import { Gauge, type Registry } from 'prom-client';
import { PARENT_DS_STATES, type ParentDsState } from '../core/dnssec/ds.js';
import { KEEP_REASONS, METRIC_PREFIX, type KeepReason } from './labels.js';

export interface TargetCounts {
  managed: number;
  refused: number;
  failing: number;
  kept: Partial<Record<KeepReason, number>>;
  dnssec?: Partial<Record<ParentDsState, number>>;
  waitingForDs?: number;
}

export interface ScrapeReaders {
  pending: () => number;
  running: () => number;
  /** One target's zone counts, as /status has them. */
  zones: (server: string) => TargetCounts;
  /** Rrsets PowerDNS refused that are held back for that target. */
  rrsetsRejected: (server: string) => number;
  /** Whether the target's last request reached it. */
  up: (server: string) => boolean;
  /** PATCH/PUT/DELETE the target's write gate lets in flight at once (1 on sqlite). */
  writeConcurrency: (server: string) => number;
  /** Writes (creates included) in flight to the target now. */
  writesInFlight: (server: string) => number;
  /** Zones lagging on this secondary (configured address) at its last SOA check. */
  secondaryLagging: (address: string) => number;
}

const safely = <T>(read: () => T, fallback: T): T => {
  try {
    return read();
  } catch {
    return fallback;
  }
};
const finite = (n: number): number => (Number.isFinite(n) ? n : 0);

/** Registers the gauges for these targets; `bind` hands them their readers (unbound ones read 0). */
export function registerScrapeGauges(registry: Registry, servers: readonly string[], secondaries: readonly string[] = []): { bind(readers: Partial<ScrapeReaders>): void } {
  let readers: Partial<ScrapeReaders> = {};
  const registers = [registry];
  const plain = (suffix: string, help: string, read: () => number): void => {
    new Gauge({ name: `${METRIC_PREFIX}${suffix}`, help, registers, collect() { this.set(finite(safely(read, 0))); } });
  };
  const perServer = (suffix: string, help: string, read: (server: string) => number): void => {
    new Gauge<'server'>({
      name: `${METRIC_PREFIX}${suffix}`, help, labelNames: ['server'], registers,
      collect() {
        for (const server of servers) this.set({ server }, finite(safely(() => read(server), 0)));
      },
    });
  };
  const none: TargetCounts = { managed: 0, refused: 0, failing: 0, kept: {} };
  const zones = (server: string): TargetCounts => readers.zones?.(server) ?? none;

  plain('zone_tasks_pending', 'Zone tasks waiting in the queue.', () => readers.pending?.() ?? 0);
  plain('zone_tasks_running', 'Zone tasks of the queue being worked on.', () => readers.running?.() ?? 0);
  perServer('zones_managed', 'Zones this daemon keeps in step on the server (as /status counts them).', (s) => zones(s).managed);
  perServer('zones_refused', 'Zones whose last plan was refused by a safety check and waits for approval or a NetBox fix.', (s) => zones(s).refused);
  perServer('zones_failing', 'Zones whose last task failed.', (s) => zones(s).failing);
  perServer('rrsets_rejected', 'Rrsets PowerDNS refused (422) that are held back until their NetBox content changes.', (s) => readers.rrsetsRejected?.(s) ?? 0);
  perServer('server_up', '1 while the PowerDNS server answered its last request, else 0.', (s) => (readers.up?.(s) ?? true ? 1 : 0));
  perServer('pdns_write_concurrency', 'PATCH/PUT/DELETE requests let in flight at once to the server: 1 on sqlite or an unknown backend, more on PostgreSQL/MySQL (pdns_concurrent_writes).', (s) => readers.writeConcurrency?.(s) ?? 1);
  perServer('pdns_writes_in_flight', 'Writes (zone creates included) in flight to the server now.', (s) => readers.writesInFlight?.(s) ?? 0);
  new Gauge<'reason' | 'server'>({
    name: `${METRIC_PREFIX}rrsets_kept`, help: 'Rrsets kept as PowerDNS holds them although NetBox differs, by reason (last plan of each zone).',
    labelNames: ['reason', 'server'], registers,
    collect() {
      for (const server of servers) {
        const kept = safely(() => zones(server).kept, {});
        for (const reason of KEEP_REASONS) this.set({ reason, server }, kept[reason] ?? 0);
      }
    },
  });
  perServer('dnssec_rollovers_waiting_ds', 'Zones whose KSK/CSK rollover waits for the parent to publish the new key\'s DS (netbox-pdns ds ZONE shows it).', (s) => zones(s).waitingForDs ?? 0);
  new Gauge<'parent_ds' | 'server'>({
    name: `${METRIC_PREFIX}dnssec_zones`, help: 'Signed zones by whether their parent publishes the DS of the signing KSK/CSK (published, missing, unknown: not asked).',
    labelNames: ['parent_ds', 'server'], registers,
    collect() {
      for (const server of servers) {
        const counts = safely(() => zones(server).dnssec ?? {}, {});
        for (const state of PARENT_DS_STATES) this.set({ parent_ds: state, server }, counts[state] ?? 0);
      }
    },
  });
  // `secondary` is a configured address (bounded by the configuration), never a zone.
  new Gauge<'secondary'>({
    name: `${METRIC_PREFIX}secondary_zones_lagging`, labelNames: ['secondary'], registers,
    help: 'Zones we own whose SOA serial on this secondary (queried over DNS) is behind the primary\'s, or which it does not serve, at the last check.',
    collect() {
      for (const secondary of secondaries) this.set({ secondary }, finite(safely(() => readers.secondaryLagging?.(secondary) ?? 0, 0)));
    },
  });
  return { bind: (bound) => { readers = { ...readers, ...bound }; } };
}
