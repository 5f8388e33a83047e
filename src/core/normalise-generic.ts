/**
 * The RFC 3597 generic form `\# length hex`, which dnspython accepts for every type and is the only
 * form it accepts for MB, MG, MR, MINFO, KEY, SIG and A6 (it has no parser for them).
 *
 * PowerDNS 4.7 (measured, 4.7.3) reads the generic form only for types it has no parser for: SIG and
 * A6, which it stores as `\# length hex` with the hex lower-cased in one piece (and, oddly, a
 * trailing space when the length is 0). For every type it parses, the generic form is refused, so
 * MB/MG/MR/MINFO/KEY are decoded into their presentation form here; any other type written in the
 * generic form is refused with a reason (write it in its presentation form in NetBox).
 */
import { renderLabels } from './normalise-name.js';

/** Types PowerDNS 4.7 holds only as opaque generic data. */
const OPAQUE = new Set(['SIG', 'A6']);

export function isGeneric(value: string): boolean {
  return /^\s*\\#(\s|$)/.test(value);
}

/** Normalises generic-form content of `rtype`. */
export function normaliseGeneric(rtype: string, value: string): string {
  const bytes = genericBytes(value);
  if (OPAQUE.has(rtype)) {
    const hex = Buffer.from(bytes).toString('hex');
    return `\\# ${bytes.length} ${hex}`;
  }
  const reader = new WireReader(bytes);
  let result: string;
  switch (rtype) {
    case 'MB':
    case 'MG':
    case 'MR':
      result = reader.name();
      break;
    case 'MINFO':
      result = `${reader.name()} ${reader.name()}`;
      break;
    case 'KEY': {
      const head = [reader.uint(2), reader.uint(1), reader.uint(1)];
      const key = reader.rest();
      if (key.length === 0) throw new Error('the KEY has no key data, and PowerDNS 4.7 refuses an empty key ("missing field")');
      result = `${head.join(' ')} ${Buffer.from(key).toString('base64')}`;
      break;
    }
    default:
      throw new Error(`PowerDNS 4.7 does not accept the RFC 3597 generic form (\\# ...) for ${rtype}; write the record in its presentation form`);
  }
  reader.end();
  return result;
}

function genericBytes(value: string): number[] {
  const [marker, lengthText = '', ...hexParts] = value.trim().replace(/[()]/g, ' ').split(/\s+/);
  if (marker !== '\\#' || !/^\d+$/.test(lengthText)) throw new Error('generic content must be "\\# length hex"');
  const hex = hexParts.join('');
  if (!/^([0-9a-f]{2})*$/i.test(hex)) throw new Error(`${JSON.stringify(hex)} is not hexadecimal`);
  const bytes = [...Buffer.from(hex, 'hex')];
  if (bytes.length !== Number(lengthText)) throw new Error(`the length says ${lengthText} bytes, the data has ${bytes.length}`);
  return bytes;
}

/** Reads uncompressed wire-format fields. */
class WireReader {
  private pos = 0;
  constructor(private readonly bytes: number[]) {}

  uint(size: number): number {
    if (this.pos + size > this.bytes.length) throw new Error('the data is too short');
    let value = 0;
    for (let i = 0; i < size; i += 1) value = value * 256 + (this.bytes[this.pos + i] ?? 0);
    this.pos += size;
    return value;
  }

  name(): string {
    const labels: number[][] = [];
    for (;;) {
      const length = this.uint(1);
      if (length === 0) return renderLabels(labels);
      if (length > 63) throw new Error('compressed or invalid name in the data');
      if (this.pos + length > this.bytes.length) throw new Error('the data is too short');
      labels.push(this.bytes.slice(this.pos, this.pos + length));
      this.pos += length;
    }
  }

  rest(): number[] {
    const rest = this.bytes.slice(this.pos);
    this.pos = this.bytes.length;
    return rest;
  }

  end(): void {
    if (this.pos !== this.bytes.length) throw new Error(`${this.bytes.length - this.pos} bytes left over after the data`);
  }
}
