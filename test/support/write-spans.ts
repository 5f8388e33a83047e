/**
 * Each write's in-flight interval as the fault proxy saw it, for tests about which writes overlap
 * (serialised on sqlite, side by side on PostgreSQL, never two on one zone).
 */
import type { FaultProxy } from './fault-proxy.js';

/** A write's life as the proxy saw it: from its arrival to its answer (or failure). */
export interface Span { method: string; url: string; start: number; end?: number }

/**
 * Times every non-GET request through the proxy without changing it: the proxy logs an entry when
 * a request arrives and sets its `status`/`outcome` when it is answered, so intercepting those two
 * gives each write's in-flight interval.
 */
export function timeWrites(proxy: FaultProxy): Span[] {
  const spans: Span[] = [];
  const original = proxy.requests.push.bind(proxy.requests);
  proxy.requests.push = (...entries) => {
    for (const entry of entries) {
      if (entry.method === 'GET') continue;
      const span: Span = { method: entry.method, url: entry.url, start: performance.now() };
      spans.push(span);
      for (const key of ['status', 'outcome'] as const) {
        let value = entry[key];
        Object.defineProperty(entry, key, {
          enumerable: true, configurable: true, get: () => value,
          set: (v: typeof value) => { value = v; if (key === 'status' || v !== 'forwarded') span.end ??= performance.now(); },
        });
      }
    }
    return original(...entries);
  };
  return spans;
}

/** Pairs of spans in flight at the same time, earlier first, each as `[earlier, later]`. */
export function overlappingPairs(spans: readonly Span[]): Array<[Span, Span]> {
  const sorted = [...spans].sort((a, b) => a.start - b.start);
  const pairs: Array<[Span, Span]> = [];
  for (const [i, cur] of sorted.entries()) {
    for (const prev of sorted.slice(0, i)) if ((prev.end ?? Infinity) > cur.start) pairs.push([prev, cur]);
  }
  return pairs;
}
