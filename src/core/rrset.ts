/**
 * Small rrset helpers shared by desired, actual and diff: one deterministic order and set equality.
 */
import type { RRset } from './types.js';

/** Plain code-unit order (not locale order), so plans and JSON output are identical everywhere. */
export function compareStrings(a: string, b: string): number {
  if (a < b) return -1;
  return a > b ? 1 : 0;
}

/** Orders rrsets by owner name, then type: the order of every rrset list in the core. */
export function compareRRsets(a: Pick<RRset, 'name' | 'type'>, b: Pick<RRset, 'name' | 'type'>): number {
  return compareStrings(a.name, b.name) || compareStrings(a.type, b.type);
}

/** The map key of an rrset: owner name and type. */
export function rrsetKey(rrset: Pick<RRset, 'name' | 'type'>): string {
  return `${rrset.name} ${rrset.type}`;
}

/** Sorted, de-duplicated record contents. */
export function sortedUnique(records: Iterable<string>): string[] {
  return [...new Set(records)].sort(compareStrings);
}

/** True when two sorted, de-duplicated record lists hold the same contents. */
export function sameRecords(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((r, i) => r === b[i]);
}
