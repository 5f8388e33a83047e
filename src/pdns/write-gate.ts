/**
 * The write gate of one PowerDNS server: how many writes may be in flight at once, by kind.
 *
 * Why writes are gated: on the sqlite backend a PATCH reads, then upgrades to a write lock, and
 * SQLite answers BUSY at once, so concurrent writes fail with 500 in 10–75 % of cases, also when
 * interleaved with zone creates (powerdns-api.md §6). Zone creation itself (POST /zones) never failed
 * at concurrency 8, and serialising it made a cold sync of 2,000 zones as slow as creating them one
 * by one (the bench, test/bench). PostgreSQL and MySQL take concurrent writes to different zones
 * (the zone lock keeps two writes off one zone), so there the limit is the backend's concurrency.
 *
 * - limit 1 (sqlite, or unknown): creates run alongside each other (up to `maxCreates`), every other
 *   write (PATCH, PUT, DELETE) runs alone, with no create beside it.
 * - limit n > 1: up to n changes and up to `maxCreates` creates run at once, side by side.
 *
 * Strict FIFO order: a waiting PATCH is never overtaken by creates queued after it, so events are
 * not starved behind a cold sync's thousands of creates. Reads are never gated.
 */

/** `create`: POST /zones; `change`: every other write (PATCH, PUT, DELETE). */
export type WriteKind = 'create' | 'change';

export interface WriteGateStats {
  /** Changes (PATCH/PUT/DELETE) allowed at once now. */
  limit: number;
  /** Writes running now, of either kind. */
  inFlight: number;
  /** Highest number of changes that ran at once since the gate was made. */
  peakChanges: number;
  /** Highest number of creates that ran at once since the gate was made. */
  peakCreates: number;
}

export interface WriteGate {
  run<T>(kind: WriteKind, fn: () => Promise<T>): Promise<T>;
  /** Changes the change limit; waiting writes start at once when it grows. */
  setLimit(limit: number): void;
  stats(): WriteGateStats;
}

export function createWriteGate(opts: { maxCreates: number; limit?: number }): WriteGate {
  const waiting: Array<{ kind: WriteKind; start: () => void }> = [];
  let limit = opts.limit ?? 1;
  let creates = 0;
  let changes = 0;
  let peakCreates = 0;
  let peakChanges = 0;

  function canStart(kind: WriteKind): boolean {
    if (kind === 'create') return creates < opts.maxCreates && (limit > 1 ? true : changes === 0);
    return changes < limit && (limit > 1 ? true : creates === 0);
  }

  function pump(): void {
    for (let head = waiting[0]; head !== undefined && canStart(head.kind); head = waiting[0]) {
      waiting.shift();
      if (head.kind === 'create') peakCreates = Math.max(peakCreates, ++creates);
      else peakChanges = Math.max(peakChanges, ++changes);
      head.start();
    }
  }

  return {
    run: <T>(kind: WriteKind, fn: () => Promise<T>): Promise<T> => new Promise<T>((resolve, reject) => {
      waiting.push({
        kind,
        start: () => {
          const release = (): void => {
            if (kind === 'create') creates--;
            else changes--;
            pump();
          };
          fn().then((value) => { release(); resolve(value); }, (err: unknown) => { release(); reject(err); });
        },
      });
      pump();
    }),
    setLimit(next) {
      limit = Math.max(1, Math.floor(next));
      pump();
    },
    stats: () => ({ limit, inFlight: creates + changes, peakChanges, peakCreates }),
  };
}
