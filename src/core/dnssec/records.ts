/**
 * The daemon's key records in PowerDNS zone metadata (`X-NETBOX-PDNS-SIGNING`, one value per key:
 * `key <id> <role> <state> <created> <since> <dsSeen>`, times in epoch seconds). Its presence says the
 * zone's signing is ours: only then does the daemon ever turn signing off or delete keys it did not add.
 */
import { KEY_STATES, type KeyRecord, type KeyRole, type PlannedRecord } from './types.js';

export const SIGNING_METADATA = 'X-NETBOX-PDNS-SIGNING';
const ROLES: readonly string[] = ['csk', 'ksk', 'zsk'];

/** Parses the metadata values; unreadable values are dropped (and so re-planned, never trusted). */
export function parseKeyRecords(values: readonly string[]): KeyRecord[] {
  const out: KeyRecord[] = [];
  for (const value of values) {
    const [tag, id, role, state, created, since, dsSeen] = value.trim().split(/\s+/);
    if (tag !== 'key' || !ROLES.includes(role ?? '') || !(KEY_STATES as readonly string[]).includes(state ?? '')) continue;
    const nums = [id, created, since, dsSeen ?? '0'].map(Number);
    if (nums.some((n) => !Number.isInteger(n) || n < 0)) continue;
    const [i = 0, c = 0, s = 0, d = 0] = nums;
    out.push({ id: i, role: role as KeyRole, state: state as KeyRecord['state'], created: c, since: s, dsSeen: d });
  }
  return out.sort((a, b) => a.id - b.id);
}

/** The metadata values for `records` (the caller has replaced every planned ref by its id). */
export function formatKeyRecords(records: ReadonlyArray<KeyRecord | PlannedRecord>): string[] {
  return records.map((r) => `key ${r.id} ${r.role} ${r.state} ${r.created} ${r.since} ${r.dsSeen}`);
}
