/**
 * Which events a zone's NetBox read has already answered. NetBox sends one webhook per object a
 * request touched (a record, its PTR, both zones, both SOA records: six for one A change), all with
 * the request's `request_id`, and only after the request committed (events are queued per request
 * and flushed when it finishes: netbox-api.md §4.1). So once any event of request R has arrived, a
 * read of zone Z that *starts* later sees everything R did to Z: the rest of R's events for Z need no
 * run of their own. Without this rule each change ran every zone twice (one run per event that
 * arrived while the first ran), doubling NetBox and PowerDNS reads under the real fan-out.
 *
 * Only a hint for saving work: an event it cannot place (no request id, or one forgotten because the
 * maps are bounded) simply runs. Times are the clock's monotonic milliseconds.
 */
import type { ZoneName } from '../core/types.js';

export interface RequestCoverage {
  /**
   * An event of `requestId` for `zone` arrived at `receivedAt`: true when a read of `zone` started
   * after the request's first event arrived, so this event needs no run.
   */
  covered(zone: ZoneName, requestId: string | undefined, receivedAt: number): boolean;
  /** A zone task is about to read NetBox for `zone` at `at`. */
  readStarting(zone: ZoneName, at: number): void;
  /** Entries held (requests, zones): both bounded. */
  size(): { requests: number; zones: number };
}

export interface RequestCoverageOptions {
  /** Requests remembered (oldest forgotten first). A NetBox request's events arrive within seconds. */
  maxRequests?: number;
  /** Zones whose last read start is remembered (least recently read forgotten first). */
  maxZones?: number;
}

/** Sets `key` as the newest entry of an insertion-ordered map, forgetting the oldest beyond `max`. */
function remember<K>(map: Map<K, number>, key: K, value: number, max: number): void {
  map.delete(key);
  map.set(key, value);
  while (map.size > max) {
    const oldest = map.keys().next();
    if (oldest.done === true) break;
    map.delete(oldest.value);
  }
}

export function createRequestCoverage(opts: RequestCoverageOptions = {}): RequestCoverage {
  const maxRequests = opts.maxRequests ?? 4096;
  const maxZones = opts.maxZones ?? 65_536;
  const firstSeen = new Map<string, number>();
  const readStart = new Map<ZoneName, number>();
  return {
    covered(zone, requestId, receivedAt) {
      if (requestId === undefined || requestId === '') return false;
      const seen = firstSeen.get(requestId);
      if (seen === undefined) {
        remember(firstSeen, requestId, receivedAt, maxRequests);
        return false;
      }
      const read = readStart.get(zone);
      // Strictly later: a read that started in the same instant may have raced the commit's delivery.
      return read !== undefined && read > seen;
    },
    readStarting(zone, at) {
      remember(readStart, zone, at, maxZones);
    },
    size: () => ({ requests: firstSeen.size, zones: readStart.size }),
  };
}
