/**
 * LOC content (RFC 1876) as PowerDNS 4.7 renders it, measured against 4.7.3:
 * `51 30 12.748 N 0 7 39.611 W 10.55m 10.00m 20.00m 0.50m`. Every field is written, the defaults
 * (1m 10000m 10m) included; seconds are truncated to 3 decimals and the altitude to 2; size and
 * precisions are stored as one digit times a power of ten, so 15m comes back as 10.00m.
 *
 * Quirks of PowerDNS 4.7 that dnspython does not share (measured):
 * - a latitude or longitude of exactly 0 is written `S` / `W`, whichever hemisphere was given;
 * - altitudes above 21374836.47m wrap around (it adds the 100000m offset in signed 32-bit), and
 *   sizes or precisions of 2^32 cm (42949672.96m) or more wrap too, so those are refused;
 * - distances are written in plain decimals, so dnspython's float spellings (`1e3m`) are expanded.
 */

const DEFAULT_SIZES = ['1', '10000', '10'];
const MAX_ALTITUDE_CM = 2147483647 - 10000000;
const MIN_ALTITUDE_CM = -10000000;
const MAX_SIZE_CM = 0xffffffff;

/** Normalises `d [m [s]] N|S d [m [s]] E|W alt[m] [size[m] [hp[m] [vp[m]]]]`. */
export function normaliseLoc(value: string): string {
  const tokens = value.trim().split(/\s+/);
  let i = 0;
  const angle = (hemispheres: string, maxDegrees: number): string => {
    const parts: string[] = [];
    while (i < tokens.length && /^[\d.]+$/.test(tokens[i] ?? '') && parts.length < 3) parts.push(tokens[i++] ?? '');
    const hemisphere = (tokens[i++] ?? '').toUpperCase();
    if (parts.length === 0 || hemisphere.length !== 1 || !hemispheres.includes(hemisphere)) {
      throw new Error(`expected degrees [minutes [seconds]] ${hemispheres.split('').join('|')}`);
    }
    const [deg = '0', min = '0', sec = '0'] = parts;
    if (!/^\d+$/.test(deg) || Number(deg) > maxDegrees) throw new Error(`bad degrees ${JSON.stringify(deg)}`);
    if (!/^\d+$/.test(min) || Number(min) > 59) throw new Error(`bad minutes ${JSON.stringify(min)}`);
    if (!/^\d+(\.\d*)?$/.test(sec) || Number(sec) >= 60) throw new Error(`bad seconds ${JSON.stringify(sec)}`);
    const seconds = fixed(sec, 3);
    const zero = Number(deg) === 0 && Number(min) === 0 && seconds === '0.000';
    // PowerDNS writes the hemisphere from the sign of the stored angle, and 0 is not positive.
    return `${Number(deg)} ${Number(min)} ${seconds} ${zero ? hemispheres.charAt(1) : hemisphere}`;
  };
  const latitude = angle('NS', 90);
  const longitude = angle('EW', 180);
  const meters = tokens.slice(i);
  if (meters.length < 1 || meters.length > 4) throw new Error('expected an altitude and at most size, horizontal and vertical precision');
  const [altitude = '0', ...sizes] = meters;
  const altitudeCm = centimetres(altitude, true);
  if (altitudeCm < MIN_ALTITUDE_CM || altitudeCm > MAX_ALTITUDE_CM) {
    throw new Error(`altitude ${altitude} is outside -100000m..21374836.47m, the range PowerDNS 4.7 can hold`);
  }
  const rendered = DEFAULT_SIZES.map((fallback, n) => {
    const cm = centimetres(sizes[n] ?? fallback, false);
    if (cm > MAX_SIZE_CM) throw new Error(`size or precision ${sizes[n] ?? fallback} is 42949672.96m or more, which PowerDNS 4.7 cannot hold`);
    return renderCm(precisionCm(cm));
  });
  return [latitude, longitude, renderCm(altitudeCm), ...rendered].join(' ');
}

/** A decimal string truncated (not rounded) to `digits` decimals. */
function fixed(decimal: string, digits: number): string {
  const [whole = '0', fraction = ''] = decimal.split('.');
  return `${Number(whole)}.${fraction.padEnd(digits, '0').slice(0, digits)}`;
}

/** Parses `12.345m` (the `m` is optional, float spellings such as `1e3` allowed) into whole centimetres, truncating. */
function centimetres(text: string, signed: boolean): number {
  const match = /^([+-]?)(\d*)(?:\.(\d*))?(?:e([+-]?\d+))?m?$/i.exec(text);
  if (!match || (match[2] === '' && (match[3] ?? '') === '') || (match[1] === '-' && !signed)) throw new Error(`bad distance ${JSON.stringify(text)}`);
  const [, sign, whole = '', fraction = '', exponent = '0'] = match;
  // Shift the decimal point by the exponent on the digit string, so no float rounding creeps in.
  const digits = `${whole}${fraction}`;
  const point = whole.length + Number(exponent);
  if (point > 15) throw new Error(`distance ${JSON.stringify(text)} is out of range`);
  const padded = point < 0 ? `${'0'.repeat(-point)}${digits}` : digits.padEnd(point + 2, '0');
  const at = Math.max(point, 0);
  const cm = Number(padded.slice(0, at) || '0') * 100 + Number(padded.slice(at, at + 2).padEnd(2, '0'));
  return sign === '-' && cm !== 0 ? -cm : cm;
}

/** RFC 1876 size encoding: one digit times 10^exponent centimetres, truncated. */
function precisionCm(cm: number): number {
  let exponent = 0;
  while (cm >= 10 ** (exponent + 1) && exponent < 9) exponent += 1;
  const mantissa = Math.floor(cm / 10 ** exponent);
  if (mantissa > 9) throw new Error('size or precision is out of range');
  return mantissa * 10 ** exponent;
}

function renderCm(cm: number): string {
  const sign = cm < 0 ? '-' : '';
  const abs = Math.abs(cm);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}m`;
}
