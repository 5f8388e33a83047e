/**
 * DRF's `OrderingFilter` as NetBox uses it (netbox-api.md §2): `?ordering=a,-b` orders by those
 * fields, replacing the default ordering; a `-` sorts descending; fields that cannot be ordered by
 * are dropped silently, and when none is left the default ordering stands. Django's `QueryDict.get`
 * reads the last `ordering=` given. Ties keep the default order (the sort is stable), which a
 * database does not promise but no caller may rely on either way.
 */

/** A sortable field of a row: a number or a string (compared as-is, like the database's `id`, `name`). */
export type OrderKey<T> = (row: T) => number | string;

/** The valid terms of `?ordering=`, or null when there are none (the default ordering then applies). */
export function orderingTerms<T>(params: URLSearchParams, fields: Readonly<Record<string, OrderKey<T>>>): Array<{ key: OrderKey<T>; desc: boolean }> | null {
  const raw = params.getAll('ordering').at(-1);
  if (raw === undefined) return null;
  const terms = raw.split(',').map((t) => t.trim()).flatMap((term) => {
    const desc = term.startsWith('-');
    const key = Object.hasOwn(fields, desc ? term.slice(1) : term) ? fields[desc ? term.slice(1) : term] : undefined;
    return key ? [{ key, desc }] : [];
  });
  return terms.length > 0 ? terms : null;
}

/** `rows` (in the default order) sorted by the request's ordering; the same array when it has none. */
export function applyOrdering<T>(rows: T[], params: URLSearchParams, fields: Readonly<Record<string, OrderKey<T>>>): T[] {
  const terms = orderingTerms(params, fields);
  if (terms === null) return rows;
  return [...rows].sort((a, b) => {
    for (const { key, desc } of terms) {
      const x = key(a);
      const y = key(b);
      if (x !== y) return (x < y ? -1 : 1) * (desc ? -1 : 1);
    }
    return 0;
  });
}
