/**
 * Building zone keys from untrusted names. Every name passes the strict check before it becomes a
 * key, and a result never names one zone twice (a NetBox change fans out over several events and
 * zones; the queue coalesces across messages, this coalesces within one).
 */
import { reject, type RejectedInterpretation, type ZoneKey } from './types.js';
import { toZoneName, zoneNameProblem } from './zone-name.js';
import { truncate } from './payload.js';

/** A key for `name`, or the rejection saying why `name` is unacceptable. */
export function zoneKey(name: string, removed: boolean, where: string): ZoneKey | RejectedInterpretation {
  const problem = zoneNameProblem(name);
  if (problem !== undefined) {
    // JSON.stringify escapes control characters, so the name cannot forge log lines.
    return reject('invalid_zone_name', `${where} ${truncate(JSON.stringify(name), 80)}: ${problem}`);
  }
  return removed ? { zone: toZoneName(name), removed: true } : { zone: toZoneName(name) };
}

export function isRejection(value: ZoneKey | RejectedInterpretation): value is RejectedInterpretation {
  return 'kind' in value;
}

/**
 * One key per zone, in first-seen order. `removed` wins when a zone appears both ways: it is only a
 * hint that makes the zone task also consider deletion, which it decides from NetBox's answer.
 */
export function dedupeKeys(keys: readonly ZoneKey[]): ZoneKey[] {
  const byZone = new Map<string, ZoneKey>();
  for (const key of keys) {
    const seen = byZone.get(key.zone);
    if (seen === undefined) byZone.set(key.zone, { ...key });
    else if (key.removed === true) seen.removed = true;
  }
  return [...byZone.values()];
}
