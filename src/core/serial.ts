/**
 * SOA serial arithmetic (RFC 1982, SERIAL_BITS = 32). Serials wrap, so "newer" is not `>`:
 * 5 is newer than 4294967295.
 */

const MODULO = 2 ** 32;
const HALF = 2 ** 31;

/**
 * True when serial `a` is newer than `b` (RFC 1982 §3.2). Two serials exactly 2^31 apart are not
 * comparable; that case answers false, so the caller falls back to a plain increment.
 */
export function serialGreater(a: number, b: number): boolean {
  return (a < b && b - a > HALF) || (a > b && a - b < HALF);
}

/** The serial after `current`, wrapping at 2^32 and skipping 0 (some secondaries treat 0 as unset). */
export function nextSerial(current: number): number {
  const next = (current + 1) % MODULO;
  return next === 0 ? 1 : next;
}
