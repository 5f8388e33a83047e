/**
 * Strict zone-name check for names taken from event payloads and topics. Such names end up in
 * PowerDNS URLs, log lines and metric-free keys, so anything that could be a path trick
 * (`../x`), an encoding trick (`a%2Fb`, PowerDNS's own `a=2Fb`), whitespace, control or non-ASCII
 * characters is refused outright rather than escaped.
 *
 * Private to the event intake until `src/core/names.ts` (`isValidZoneName`, `toZoneName`) lands;
 * the lead should then replace this file with that one so there is a single definition.
 */
import type { ZoneName } from '../../core/types.js';

const MAX_NAME_LENGTH = 253;
const MAX_LABEL_LENGTH = 63;
/** Plain label: letters, digits, hyphen and underscore (service labels such as `_msdcs`). */
const LABEL = /^[a-z0-9_-]+$/i;
/** RFC 2317 classless delegation label such as `0/26` or `128-25/25`: one slash, never at an end. */
const RFC2317_LABEL = /^[a-z0-9_-]+\/[a-z0-9_-]+$/i;
const REVERSE_SUFFIX = /\.(in-addr|ip6)\.arpa$/i;
/** Printable ASCII other than space. */
const PRINTABLE = /^[\x21-\x7e]+$/;

/**
 * Why `input` is not an acceptable zone name, or undefined when it is. One trailing dot is allowed
 * (absolute form); the root zone is not accepted.
 */
export function zoneNameProblem(input: unknown): string | undefined {
  if (typeof input !== 'string') return 'not a string';
  if (input.length === 0) return 'empty';
  if (input.length > MAX_NAME_LENGTH + 1) return `longer than ${MAX_NAME_LENGTH} characters`;
  if (!PRINTABLE.test(input)) return 'contains a space, control or non-ASCII character';
  const bare = input.endsWith('.') ? input.slice(0, -1) : input;
  if (bare.length === 0) return 'the root zone is not a valid zone here';
  if (bare.length > MAX_NAME_LENGTH) return `longer than ${MAX_NAME_LENGTH} characters`;
  const labels = bare.split('.');
  for (const [index, label] of labels.entries()) {
    if (label.length === 0) return 'empty label';
    if (label.length > MAX_LABEL_LENGTH) return `label longer than ${MAX_LABEL_LENGTH} characters`;
    if (LABEL.test(label)) continue;
    // A slash only makes sense in the first label of a classless reverse zone (RFC 2317).
    if (index === 0 && RFC2317_LABEL.test(label) && REVERSE_SUFFIX.test(bare)) continue;
    return `label "${label}" has characters other than letters, digits, "-" and "_"`;
  }
  return undefined;
}

/** Whether `input` is an acceptable zone name (with or without its trailing dot). */
export function isValidZoneName(input: unknown): input is string {
  return zoneNameProblem(input) === undefined;
}

/** The canonical key form: lower-case, absolute, trailing dot. Only call on validated names. */
export function toZoneName(valid: string): ZoneName {
  const lower = valid.toLowerCase();
  return lower.endsWith('.') ? lower : `${lower}.`;
}

/** Lower-case form without the trailing dot, for comparing a topic's zone with a payload's. */
export function comparableZone(name: string): string {
  const lower = name.toLowerCase();
  return lower.endsWith('.') ? lower.slice(0, -1) : lower;
}
