/**
 * What one target remembers between runs, bounded (least recently touched entries go first):
 * - rrset content PowerDNS refused (422), so the same content is not sent again and a second run
 *   makes no write; NetBox changing the content, or the rrset leaving NetBox, clears it;
 * - the last refusal logged per zone, so a refused plan is logged at warn when it starts or changes,
 *   not on every run.
 */
import type { RRset, ZoneName } from '../core/types.js';
import type { RejectedRRset } from './types.js';

export interface TargetMemory {
  /** PowerDNS's message when exactly this content of the rrset was refused before, else null. */
  rejectedBefore(zone: ZoneName, wanted: RRset): string | null;
  /** Records a refusal; true when it is news (not the same content refused before). */
  rememberRejection(zone: ZoneName, wanted: RRset, error: string): boolean;
  /** Forgets refusals of these rrsets (applied, or no longer wanted). */
  forgetRejections(zone: ZoneName, keep: (name: string, type: string) => boolean): void;
  /** Refusals remembered for a zone. */
  rejections(zone: ZoneName): RejectedRRset[];
  /** Number of remembered refusals (all zones). */
  rejectionCount(): number;
  /** True when `key` differs from the refusal last noted for the zone (then it is noted). */
  refusalChanged(zone: ZoneName, key: string | null): boolean;
}

interface Rejection {
  zone: ZoneName;
  name: string;
  type: string;
  content: string;
  error: string;
}

const contentOf = (r: RRset): string => JSON.stringify([r.ttl, r.records]);

/** Bounded LRU insert: deletes first so Map order is least recently touched first. */
function touch<K, V>(map: Map<K, V>, key: K, value: V, max: number): void {
  map.delete(key);
  map.set(key, value);
  while (map.size > max) {
    const oldest = map.keys().next();
    if (oldest.done === true) break;
    map.delete(oldest.value);
  }
}

export function createTargetMemory(opts: { maxEntries?: number } = {}): TargetMemory {
  const max = opts.maxEntries ?? 10_000;
  const rejected = new Map<string, Rejection>();
  const byZone = new Map<ZoneName, Set<string>>();
  const refusals = new Map<ZoneName, string>();
  const key = (zone: ZoneName, name: string, type: string): string => `${zone}\u0000${name}\u0000${type}`;

  const drop = (k: string): void => {
    const entry = rejected.get(k);
    if (!entry) return;
    rejected.delete(k);
    const keys = byZone.get(entry.zone);
    keys?.delete(k);
    if (keys?.size === 0) byZone.delete(entry.zone);
  };

  return {
    rejectedBefore(zone, wanted) {
      const entry = rejected.get(key(zone, wanted.name, wanted.type));
      return entry !== undefined && entry.content === contentOf(wanted) ? entry.error : null;
    },
    rememberRejection(zone, wanted, error) {
      const k = key(zone, wanted.name, wanted.type);
      const previous = rejected.get(k);
      const content = contentOf(wanted);
      const news = previous === undefined || previous.content !== content || previous.error !== error;
      touch(rejected, k, { zone, name: wanted.name, type: wanted.type, content, error }, max);
      const keys = byZone.get(zone) ?? new Set<string>();
      keys.add(k);
      byZone.set(zone, keys);
      // Evicted entries may leave stale keys in byZone: prune them.
      for (const stale of [...keys]) if (!rejected.has(stale)) keys.delete(stale);
      return news;
    },
    forgetRejections(zone, keep) {
      for (const k of [...(byZone.get(zone) ?? [])]) {
        const entry = rejected.get(k);
        if (entry === undefined || !keep(entry.name, entry.type)) drop(k);
      }
    },
    rejections(zone) {
      return [...(byZone.get(zone) ?? [])].flatMap((k) => {
        const entry = rejected.get(k);
        return entry ? [{ name: entry.name, type: entry.type, error: entry.error }] : [];
      });
    },
    rejectionCount: () => rejected.size,
    refusalChanged(zone, refusalKey) {
      const previous = refusals.get(zone) ?? null;
      if (refusalKey === null) {
        refusals.delete(zone);
        return previous !== null;
      }
      if (previous === refusalKey) return false;
      touch(refusals, zone, refusalKey, max);
      return true;
    },
  };
}
