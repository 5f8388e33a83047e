/**
 * NetBox's `OptionalLimitOffsetPagination` over DRF's `LimitOffsetPagination`
 * (N:netbox/netbox/api/pagination.py): default limit, `limit=0` meaning MAX_PAGE_SIZE (not "all"),
 * clamping, and `next`/`previous` links rebuilt by DRF's `replace_query_param`, which re-sorts the
 * query parameters alphabetically and encodes them like Python's `urlencode`.
 */

export interface PageOptions {
  /** MAX_PAGE_SIZE. */
  maxPageSize: number;
  /** PAGINATE_COUNT: the limit when none (or an invalid one) is given. */
  defaultLimit: number;
}

export interface Page<T> {
  count: number;
  next: string | null;
  previous: string | null;
  results: T[];
}

/** The effective limit: NetBox raises MAX_PAGE_SIZE to at least PAGINATE_COUNT. */
export function pageLimit(params: URLSearchParams, opts: PageOptions): number {
  const max = Math.max(opts.maxPageSize, opts.defaultLimit);
  const raw = params.get('limit');
  if (raw === null || !/^\s*[+-]?\d+\s*$/.test(raw)) return opts.defaultLimit;
  const limit = Number(raw);
  if (limit < 0) return opts.defaultLimit;
  return limit === 0 ? max : Math.min(limit, max);
}

/** DRF's `_positive_int` on `offset`: anything invalid or negative is 0. */
export function pageOffset(params: URLSearchParams): number {
  const raw = params.get('offset');
  if (raw === null || !/^\s*\+?\d+\s*$/.test(raw)) return 0;
  return Number(raw);
}

/** Python's `quote_plus` with `safe=''`. */
function quotePlus(s: string): string {
  return encodeURIComponent(s)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}

/** DRF `replace_query_param` / `remove_query_param`: set or drop one key, sort keys, `doseq` encode. */
export function rewriteQuery(params: URLSearchParams, key: string, value: string | null): string {
  const byKey = new Map<string, string[]>();
  for (const [k, v] of params) {
    const list = byKey.get(k) ?? [];
    list.push(v);
    byKey.set(k, list);
  }
  if (value === null) byKey.delete(key);
  else byKey.set(key, [value]);
  const keys = [...byKey.keys()].sort();
  return keys.flatMap((k) => (byKey.get(k) ?? []).map((v) => `${quotePlus(k)}=${quotePlus(v)}`)).join('&');
}

/**
 * Slices `items` into one page. `selfUrl` is the absolute URL without its query (scheme and host as the
 * request saw them); `params` is the request's query.
 */
export function paginate<T>(items: T[], params: URLSearchParams, opts: PageOptions, selfUrl: string): Page<T> {
  const limit = pageLimit(params, opts);
  const offset = pageOffset(params);
  const count = items.length;
  const results = offset >= count ? [] : items.slice(offset, offset + limit);
  let next: string | null = null;
  if (offset + limit < count) {
    const withLimit = new URLSearchParams(rewriteQuery(params, 'limit', String(limit)));
    next = `${selfUrl}?${rewriteQuery(withLimit, 'offset', String(offset + limit))}`;
  }
  let previous: string | null = null;
  if (offset > 0) {
    const withLimit = new URLSearchParams(rewriteQuery(params, 'limit', String(limit)));
    const prevOffset = offset - limit;
    previous = `${selfUrl}?${rewriteQuery(withLimit, 'offset', prevOffset <= 0 ? null : String(prevOffset))}`;
  }
  return { count, next, previous, results };
}
