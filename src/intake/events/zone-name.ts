/**
 * Zone names taken from event payloads and topics, checked by the one strict rule in
 * src/core/names.ts (no `../`, `%2F`, `=2F`, spaces, control or non-ASCII characters), since such
 * names end up in PowerDNS URLs and log lines.
 */
import { toZoneName as coreToZoneName, zoneNameProblem as coreZoneNameProblem } from '../../core/names.js';
import type { ZoneName } from '../../core/types.js';

/** Why `input` is not an acceptable zone name, or undefined when it is (one trailing dot allowed). */
export function zoneNameProblem(input: unknown): string | undefined {
  if (typeof input !== 'string') return 'not a string';
  return coreZoneNameProblem(input) ?? undefined;
}

/** The canonical key form: lower-case, absolute, trailing dot. Only call on validated names. */
export function toZoneName(valid: string): ZoneName {
  return coreToZoneName(valid);
}

/** Lower-case form without the trailing dot, for comparing a topic's zone with a payload's. */
export function comparableZone(name: string): string {
  const lower = name.toLowerCase();
  return lower.endsWith('.') ? lower.slice(0, -1) : lower;
}

/** Whether `input` is an acceptable zone name (with or without its trailing dot). */
export function isValidZoneName(input: unknown): input is string {
  return zoneNameProblem(input) === undefined;
}
