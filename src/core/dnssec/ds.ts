/**
 * What the parent needs for a signed zone: the DS of each KSK/CSK the lifecycle keeps in the DNSKEY
 * set, in the policy's digest types, whether the parent publishes it, and DS the parent still holds
 * for keys that are gone (to remove after a rollover). `parent`: `published` when the parent has the DS
 * of the signing KSK/CSK, `missing` when it was asked and has not, `unknown` when it was not asked.
 */
import { keyDs } from './rollover.js';
import type { ActualSigning, KeyRole, KeyState } from './types.js';

export const PARENT_DS_STATES = ['published', 'missing', 'unknown'] as const;
export type ParentDsState = (typeof PARENT_DS_STATES)[number];

export interface DsEntry {
  key_id: number;
  key_tag: number;
  role: KeyRole;
  state: KeyState | 'unmanaged';
  /** `<zone> DS <tag> <alg> <digest type> <digest>` rdata, lower case. */
  ds: string;
  /** null: the parent was not asked. */
  at_parent: boolean | null;
}

export interface ZoneDnssec {
  policy: string | null;
  parent: ParentDsState;
  ds: DsEntry[];
  /** DS the parent publishes for no key of ours (remove them once a rollover is done). */
  stale_at_parent: string[];
  waiting: string[];
  /** A KSK/CSK rollover waits for the parent to publish the new key's DS. */
  waiting_for_ds: boolean;
  unsupported: string[];
}

export function dsReport(actual: ActualSigning, digests: readonly string[], parentDs: readonly string[] | null): Pick<ZoneDnssec, 'parent' | 'ds' | 'stale_at_parent'> {
  const ds: DsEntry[] = [];
  const ours = new Set<string>();
  let current = false;
  for (const key of actual.keys) {
    if (key.flags !== 257 || !key.published) continue;
    const record = actual.records?.find((r) => r.id === key.id);
    if (record?.state === 'retired') continue;
    // Any digest of a key in the DNSKEY set is fine at the parent; a withdrawn key's DS is stale.
    for (const d of key.ds) ours.add(d.toLowerCase());
    const wanted = keyDs(key, digests);
    const atParent = parentDs === null ? null : wanted.some((d) => parentDs.includes(d));
    if ((record === undefined || record.state === 'active') && atParent === true) current = true;
    for (const d of wanted) {
      ds.push({ key_id: key.id, key_tag: Number(d.split(' ')[0]), role: record?.role ?? 'ksk', state: record?.state ?? 'unmanaged', ds: d, at_parent: parentDs === null ? null : parentDs.includes(d) });
    }
  }
  return {
    parent: parentDs === null ? 'unknown' : current ? 'published' : 'missing',
    ds,
    stale_at_parent: parentDs === null ? [] : parentDs.filter((d) => !ours.has(d)),
  };
}
