/**
 * Which zones read NetBox themselves while a full reconcile holds bulk-read data for them. A full
 * reconcile reads NetBox's records in chunks, then runs each zone under its lock; if an event's task
 * read (and applied) newer data for that zone in between, the bulk data is older than what PowerDNS
 * now holds and must not be written back. Entries exist only while a full reconcile runs, so the
 * map is empty between runs and bounded by the zones touched during one.
 */
import type { ZoneName } from '../core/types.js';

export interface ReadLedger {
  /** A full reconcile begins; returns the function that ends it. */
  open(): () => void;
  /** A zone task read NetBox for `zone` itself at monotonic `at`. */
  noteRead(zone: ZoneName, at: number): void;
  /** True when a zone task read NetBox for `zone` at or after monotonic `at`. */
  readSince(zone: ZoneName, at: number): boolean;
  /** Entries held (for tests and the soak). */
  size(): number;
}

export function createReadLedger(): ReadLedger {
  const reads = new Map<ZoneName, number>();
  let open = 0;
  return {
    open() {
      open += 1;
      let closed = false;
      return () => {
        if (closed) return;
        closed = true;
        open -= 1;
        if (open === 0) reads.clear();
      };
    },
    noteRead(zone, at) {
      if (open > 0) reads.set(zone, Math.max(at, reads.get(zone) ?? at));
    },
    readSince: (zone, at) => (reads.get(zone) ?? -Infinity) >= at,
    size: () => reads.size,
  };
}
