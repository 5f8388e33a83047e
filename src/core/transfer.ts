/**
 * Catalog membership and transfer settings of one zone, as plan setting changes. Pure: the planner
 * compares what a target should carry (from configuration) with what PowerDNS holds, as sets of
 * strings in the form PowerDNS stores them (ALSO-NOTIFY `IP[:port]`, ALLOW-AXFR-FROM prefixes,
 * TSIG key ids with a trailing dot).
 */

/** What every zone we own should carry for replication; each part only when configured. */
export interface TransferPolicy {
  /** ALSO-NOTIFY metadata. */
  alsoNotify: readonly string[];
  /** ALLOW-AXFR-FROM metadata. */
  allowAxfrFrom: readonly string[];
  /** TSIG keys allowed to transfer (`master_tsig_key_ids`, stored as TSIG-ALLOW-AXFR). */
  tsigKeys: readonly string[];
}

/** The same, as PowerDNS holds it for one zone (read only when a transfer policy is configured). */
export type TransferState = TransferPolicy;

export const TRANSFER_FIELDS = ['also_notify', 'allow_axfr_from', 'tsig_allow_axfr'] as const;
export type TransferField = (typeof TRANSFER_FIELDS)[number];

/** One list in the plan's words: comma-separated, sorted (order means nothing to PowerDNS here). */
export function listText(values: readonly string[]): string {
  return [...new Set(values)].sort().join(',');
}

/** The list a setting change writes back. */
export function listOf(text: string): string[] {
  return text === '' ? [] : text.split(',');
}

/** A TSIG key id as PowerDNS names it: `xfr-key.`. */
export function tsigKeyId(name: string): string {
  const lower = name.toLowerCase();
  return lower.endsWith('.') ? lower : `${lower}.`;
}

export interface TransferChange {
  field: TransferField;
  from: string | null;
  to: string;
}

/** The transfer setting changes that make `actual` (null: a zone being created) carry `policy`. */
export function transferChanges(policy: TransferPolicy, actual: TransferState | null): TransferChange[] {
  const pairs: Array<[TransferField, readonly string[], readonly string[] | undefined]> = [
    ['also_notify', policy.alsoNotify, actual?.alsoNotify],
    ['allow_axfr_from', policy.allowAxfrFrom, actual?.allowAxfrFrom],
    ['tsig_allow_axfr', policy.tsigKeys.map(tsigKeyId), actual?.tsigKeys.map(tsigKeyId)],
  ];
  const changes: TransferChange[] = [];
  for (const [field, want, have] of pairs) {
    const to = listText(want);
    const from = have === undefined ? null : listText(have);
    // A zone being created gets only what is configured; an existing one is brought in step both ways.
    if (from === null ? to !== '' : from !== to) changes.push({ field, from, to });
  }
  return changes;
}
