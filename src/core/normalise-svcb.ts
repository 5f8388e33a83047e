/**
 * SVCB/HTTPS content (RFC 9460) in the form PowerDNS 4.7 renders it. Measured against 4.7.3:
 * parameters sorted by key number; `alpn`, `mandatory`, `ipv4hint`, `ipv6hint` unquoted
 * comma lists; `ech` and `keyNNNN` values quoted; `ipv6hint` addresses in inet_ntop form (mapped
 * addresses dotted); `ech` base64 canonical; upper-case keys and the names `dohpath` and `ohttp`
 * refused (so keys 7 and 8 are written `key7="..."`, `key8=""`). NetBox's `absolute_value` comes
 * from dnspython, which quotes every list (`alpn="dot"`): PowerDNS refuses that with 422.
 *
 * Generic `keyNNNN` values: PowerDNS needs `=` (a valueless `key65000` is written `key65000=""`,
 * the same empty value on the wire), decodes escapes of printable bytes (`\065` comes back `A`) and
 * cannot hold a `;` (it reads it as the start of a comment, even inside quotes). An `alpn` id
 * containing an escaped comma cannot be held either: PowerDNS splits it into two ids.
 */
import { canonicalBase64 } from './normalise-base64.js';
import { canonicalIpv4, inetNtop6 } from './normalise-ip.js';
import { contentName, unescapeBytes } from './normalise-name.js';
import type { ZoneName } from './types.js';

const KEY_NUMBERS: Record<string, number> = {
  mandatory: 0,
  alpn: 1,
  'no-default-alpn': 2,
  port: 3,
  ipv4hint: 4,
  ech: 5,
  ipv6hint: 6,
};
const KEY_NAMES = Object.fromEntries(Object.entries(KEY_NUMBERS).map(([name, n]) => [n, name]));

interface Param {
  key: number;
  value: string | null;
  /** Written `keyNNNN` rather than by name. */
  generic: boolean;
}

/**
 * Keys whose `keyN=` spelling means wire bytes to dnspython, while PowerDNS writes them by name:
 * such a value would have to be decoded, so it is refused. (Keys 8 and 10 PowerDNS 4.7 knows only
 * as generic keys, where the spellings agree.)
 */
const STRUCTURED_KEYS = new Set([0, 1, 2, 3, 4, 5, 6]);

/** Normalises `priority target [key[=value]]...`. */
export function normaliseSvcb(value: string, origin: ZoneName): string {
  const match = /^\s*(\S+)\s+(\S+)\s*(.*)$/s.exec(value);
  if (!match) throw new Error('needs at least a priority and a target');
  const [, priority = '', target = '', rest = ''] = match;
  if (!/^\d+$/.test(priority) || Number(priority) > 65535) throw new Error(`priority ${JSON.stringify(priority)} is not a number from 0 to 65535`);
  const params = parseParams(rest).sort((a, b) => a.key - b.key);
  for (let i = 1; i < params.length; i += 1) {
    if (params[i]?.key === params[i - 1]?.key) throw new Error(`parameter ${keyName(params[i]?.key ?? 0)} appears twice`);
  }
  const name = contentName(target, origin);
  return [String(Number(priority)), name, ...params.map(renderParam)].join(' ');
}

function parseParams(text: string): Param[] {
  const params: Param[] = [];
  let i = 0;
  while (i < text.length) {
    if (/\s/.test(text.charAt(i))) {
      i += 1;
      continue;
    }
    const keyMatch = /^[A-Za-z0-9-]+/.exec(text.slice(i));
    if (!keyMatch) throw new Error(`cannot parse parameters at ${JSON.stringify(text.slice(i))}`);
    const key = keyNumber(keyMatch[0].toLowerCase());
    const generic = /^key\d/i.test(keyMatch[0]);
    if (generic && STRUCTURED_KEYS.has(key)) {
      throw new Error(`${keyMatch[0]} in the generic spelling holds wire bytes; write it as ${KEY_NAMES[key] ?? ''}=...`);
    }
    i += keyMatch[0].length;
    let value: string | null = null;
    if (text.charAt(i) === '=') {
      i += 1;
      if (text.charAt(i) === '"') {
        let j = i + 1;
        while (j < text.length && text.charAt(j) !== '"') j += text.charAt(j) === '\\' ? 2 : 1;
        if (j >= text.length) throw new Error('unterminated quoted parameter value');
        value = text.slice(i + 1, j);
        i = j + 1;
      } else {
        let j = i;
        while (j < text.length && !/\s/.test(text.charAt(j))) j += 1;
        value = text.slice(i, j);
        i = j;
      }
    }
    params.push({ key, value, generic });
  }
  return params;
}

function keyNumber(name: string): number {
  if (name === 'dohpath') return 7;
  if (name === 'ohttp') return 8;
  if (name === 'docpath') return 10;
  const known = KEY_NUMBERS[name];
  if (known !== undefined) return known;
  const generic = /^key(\d{1,5})$/.exec(name);
  if (generic && Number(generic[1]) <= 65535) return Number(generic[1]);
  throw new Error(`unknown parameter ${JSON.stringify(name)}`);
}

function keyName(key: number): string {
  return KEY_NAMES[key] ?? `key${key}`;
}

function renderParam(param: Param): string {
  const name = keyName(param.key);
  const { value } = param;
  if (param.key === 2) {
    if (value !== null && value !== '') throw new Error('no-default-alpn takes no value');
    return name;
  }
  // docpath (dnspython's key 10) is a list of strings: PowerDNS 4.7 sees only its wire bytes.
  if (param.key === 10 && !param.generic) return `${name}="${genericValue(docpathBytes(value ?? ''))}"`;
  if (param.key > 6) return `${name}="${genericValue(unescapeBytes(value ?? ''))}"`;
  if (value === null) throw new Error(`parameter ${name} needs a value`);
  switch (param.key) {
    case 0:
      return `${name}=${listOf(value).map((k) => keyNumber(k.toLowerCase())).sort((a, b) => a - b).map(keyName).join(',')}`;
    case 1:
      if (value.includes('\\')) throw new Error(`alpn ${JSON.stringify(value)} has an escape, which PowerDNS 4.7 cannot hold (it splits at every comma)`);
      return `${name}=${listOf(value).join(',')}`;
    case 3:
      if (!/^\d+$/.test(value) || Number(value) > 65535) throw new Error(`port ${JSON.stringify(value)} is not a number from 0 to 65535`);
      return `${name}=${Number(value)}`;
    case 4:
      return `${name}=${listOf(value).map(canonicalIpv4).join(',')}`;
    case 5:
      return `${name}="${value === '' ? '' : canonicalBase64(value)}"`;
    case 6:
      return `${name}=${listOf(value).map(inetNtop6).join(',')}`;
    default:
      return `${name}="${value}"`;
  }
}

/** A generic parameter value as PowerDNS writes it: printable bytes as themselves, `"` and `\` escaped, others `\DDD`. */
function genericValue(bytes: number[]): string {
  if (bytes.includes(0x3b)) throw new Error('the value holds a ";", which PowerDNS 4.7 cannot hold in a parameter');
  return bytes
    .map((b) => {
      if (b === 0x22 || b === 0x5c) return `\\${String.fromCharCode(b)}`;
      if (b >= 0x20 && b < 0x7f) return String.fromCharCode(b);
      return `\\${String(b).padStart(3, '0')}`;
    })
    .join('');
}

/** dnspython's docpath list (`a,b`) as wire bytes: each item with its length in front. */
function docpathBytes(value: string): number[] {
  if (value.includes('\\')) throw new Error(`docpath ${JSON.stringify(value)} has an escape, which is not supported`);
  if (value === '') return [];
  return listOf(value).flatMap((item) => {
    const bytes = [...Buffer.from(item, 'utf8')];
    if (bytes.length > 255) throw new Error('a docpath item is longer than 255 bytes');
    return [bytes.length, ...bytes];
  });
}

function listOf(value: string): string[] {
  const items = value.split(',');
  if (items.some((item) => item.length === 0)) throw new Error(`empty item in ${JSON.stringify(value)}`);
  return items;
}
