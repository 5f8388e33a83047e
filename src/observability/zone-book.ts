/**
 * The last result of every (zone, target), bounded (at most `maxZones`, least recently updated
 * first; zones a complete full reconcile no longer met are pruned), and what /status and the gauges derive from it:
 * which zones need a look (failing, refused, holding rrsets PowerDNS refused), the counts per
 * target, and one zone's entries. The plan itself is not kept, only what an operator reads.
 */
import { toZoneName } from '../core/names.js';
import type { ParentDsState, ZoneDnssec } from '../core/dnssec/ds.js';
import type { KeepReason } from '../core/plan.js';
import type { RejectedRRset, ZoneResult } from '../reconcile/types.js';
import type { Clock } from '../util/clock.js';
import type { FailingZone, KeptEntry, StatusCounts, ZoneStatus } from './status-types.js';

/** Longest error text kept; upstream bodies can be large. */
const MAX_ERROR_CHARS = 500;
/** Kept and refused entries listed per zone; the counts cover them all. */
const MAX_LISTED = 20;
const NOT_MANAGED = new Set<ZoneResult['outcome']>(['deleted', 'skipped']);

interface StoredZone {
  zone: string;
  target: string;
  outcome: ZoneResult['outcome'];
  finishedAt: number;
  changes: ZoneResult['changes'];
  error: string | null;
  failureReason: string | null;
  refusal: string | null;
  rejected: RejectedRRset[];
  kept: KeptEntry[];
  keptCounts: Partial<Record<KeepReason, number>>;
  warnings: string[];
  dnssec: ZoneDnssec | null;
  dryRun: boolean;
  durationMs: number;
}

export function cut(text: string | undefined | null): string | null {
  if (text === undefined || text === null || text === '') return null;
  return text.length > MAX_ERROR_CHARS ? `${text.slice(0, MAX_ERROR_CHARS)}…` : text;
}

export interface ZoneBook {
  record(result: ZoneResult): void;
  /** Counts per target name ('' = all targets). */
  counts(target?: string): StatusCounts & { rejectedRrsets: number; waitingForDs: number };
  /** Every entry needing a look, sorted by zone then target. */
  failing(): FailingZone[];
  entries(zone: string): ZoneStatus[];
  /** Forgets the entries `keep` says no to (zones gone from NetBox and PowerDNS); returns how many. */
  prune(keep: (zone: string, target: string) => boolean): number;
  /** Entries held. */
  size(): number;
}

export function createZoneBook(opts: { clock: Clock; failureWindowMs: number; maxZones: number }): ZoneBook {
  const { clock } = opts;
  const zones = new Map<string, StoredZone>();
  const iso = (wallMs: number): string => new Date(wallMs).toISOString();

  const attention = (z: StoredZone): FailingZone['outcome'] | null => {
    if (z.finishedAt < clock.now() - opts.failureWindowMs) return null;
    if (z.outcome === 'failed' || z.outcome === 'refused') return z.outcome;
    return z.rejected.length > 0 ? 'rejected' : null;
  };

  const entry = (z: StoredZone): ZoneStatus => ({
    zone: z.zone, target: z.target, outcome: z.outcome, at: iso(z.finishedAt), changes: { ...z.changes }, error: z.error,
    failure_reason: z.failureReason, refusal: z.refusal, rejected: z.rejected.map((r) => ({ ...r })), kept: z.kept.map((k) => ({ ...k })),
    warnings: [...z.warnings], dnssec: z.dnssec ? structuredClone(z.dnssec) : null, dry_run: z.dryRun, duration_ms: Math.round(z.durationMs),
  });

  return {
    record(result) {
      const zone = toZoneName(result.zone);
      const key = `${zone}\u0000${result.target}`;
      const kept = result.plan?.kept ?? [];
      const keptCounts: Partial<Record<KeepReason, number>> = {};
      for (const k of kept) keptCounts[k.reason] = (keptCounts[k.reason] ?? 0) + 1;
      const previous = zones.get(key);
      // Delete first so Map order is "least recently updated first" for eviction.
      zones.delete(key);
      zones.set(key, {
        zone, target: result.target, outcome: result.outcome, finishedAt: result.finishedAt,
        changes: { creates: result.changes.creates, updates: result.changes.updates, deletes: result.changes.deletes },
        error: cut(result.error), failureReason: result.failureReason ?? null, refusal: result.refusal?.code ?? null,
        rejected: result.rejected.slice(0, MAX_LISTED).map((r) => ({ name: r.name, type: r.type, error: cut(r.error) ?? '' })),
        kept: kept.slice(0, MAX_LISTED).map((k) => ({ name: k.name, type: k.type, reason: k.reason, detail: cut(k.detail) ?? '' })),
        keptCounts, warnings: result.warnings.slice(0, MAX_LISTED).map((w) => cut(w) ?? ''), dryRun: result.dryRun, durationMs: result.durationMs,
        // A run that did not get as far as the signing keeps what the last one learnt.
        dnssec: result.dnssec ?? (result.outcome === 'failed' ? previous?.dnssec ?? null : null),
      });
      while (zones.size > opts.maxZones) {
        const oldest = zones.keys().next();
        if (oldest.done === true) break;
        zones.delete(oldest.value);
      }
    },

    counts(target) {
      const counts = { managed: 0, refused: 0, failing: 0, rejectedRrsets: 0, waitingForDs: 0, kept: {} as Partial<Record<KeepReason, number>>, dnssec: {} as Partial<Record<ParentDsState, number>> };
      for (const z of zones.values()) {
        if (target !== undefined && z.target !== target) continue;
        if (!NOT_MANAGED.has(z.outcome)) counts.managed += 1;
        const a = attention(z);
        if (a === 'failed') counts.failing += 1;
        else if (a === 'refused') counts.refused += 1;
        if (a !== null) counts.rejectedRrsets += z.rejected.length;
        for (const [reason, n] of Object.entries(z.keptCounts) as Array<[KeepReason, number]>) counts.kept[reason] = (counts.kept[reason] ?? 0) + n;
        if (z.dnssec && !NOT_MANAGED.has(z.outcome)) counts.dnssec[z.dnssec.parent] = (counts.dnssec[z.dnssec.parent] ?? 0) + 1;
        if (z.dnssec?.waiting_for_ds === true && !NOT_MANAGED.has(z.outcome)) counts.waitingForDs += 1;
      }
      return counts;
    },

    failing() {
      const failing: FailingZone[] = [];
      for (const z of zones.values()) {
        const outcome = attention(z);
        if (outcome === null) continue;
        const error = outcome === 'rejected' ? `PowerDNS refused ${z.rejected.map((r) => `${r.name} ${r.type}`).join(', ')}` : z.error;
        failing.push({ zone: z.zone, target: z.target, outcome, at: iso(z.finishedAt), changes: { ...z.changes }, error: cut(error) });
      }
      return failing.sort((a, b) => (a.zone < b.zone ? -1 : a.zone > b.zone ? 1 : a.target < b.target ? -1 : a.target > b.target ? 1 : 0));
    },

    entries(zone) {
      const name = toZoneName(zone);
      return [...zones.values()].filter((z) => z.zone === name).map(entry);
    },

    prune(keep) {
      let n = 0;
      for (const [key, z] of zones) {
        if (keep(z.zone, z.target)) continue;
        zones.delete(key);
        n += 1;
      }
      return n;
    },

    size: () => zones.size,
  };
}
