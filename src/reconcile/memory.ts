/**
 * What one target remembers between runs, bounded (least recently touched entries go first):
 * - rrset content PowerDNS refused (422), so the same content is not sent again and a second run
 *   makes no write; NetBox changing the content, or the rrset leaving NetBox, clears it;
 * - the last refusal logged per zone, so a refused plan is logged at warn when it starts or changes,
 *   not on every run.
 * Both are capped (`maxEntries` each), and a complete full reconcile prunes the zones that exist
 * neither in NetBox nor on the target any more (`prune`), so zones coming and going never add up.
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
  /** Forgets everything about the zones `keep` says no; returns how many zones were forgotten. */
  prune(keep: (zone: ZoneName) => boolean): number;
  /** Entries held: refusals remembered, zones indexed, refusal log lines noted (for bounds checks). */
  size(): { rejections: number; zones: number; refusals: number };
}

interface Rejection {
  zone: ZoneName;
  name: string;
  type: string;
  content: string;
  error: string;
}

const contentOf = (r: RRset): string => JSON.stringify([r.ttl, r.records]);

/**
 * Bounded LRU insert: deletes first so Map order is least recently touched first; `evict` removes
 * the oldest entry (with whatever indexes it).
 */
function touch<K, V>(map: Map<K, V>, key: K, value: V, max: number, evict: (key: K) => void = (k) => map.delete(k)): void {
  map.delete(key);
  map.set(key, value);
  while (map.size > max) {
    const oldest = map.keys().next();
    if (oldest.done === true) break;
    evict(oldest.value);
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
      const keys = byZone.get(zone) ?? new Set<string>();
      keys.add(k);
      byZone.set(zone, keys);
      // An evicted refusal leaves its zone's index too, so the index never outgrows the refusals.
      touch(rejected, k, { zone, name: wanted.name, type: wanted.type, content, error }, max, drop);
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
    prune(keep) {
      const gone = new Set([...byZone.keys(), ...refusals.keys()].filter((zone) => !keep(zone)));
      for (const zone of gone) {
        for (const k of [...(byZone.get(zone) ?? [])]) drop(k);
        byZone.delete(zone);
        refusals.delete(zone);
      }
      return gone.size;
    },
    size: () => ({ rejections: rejected.size, zones: byZone.size, refusals: refusals.size }),
  };
}
