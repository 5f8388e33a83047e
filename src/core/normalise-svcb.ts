/**
 * SVCB/HTTPS content (RFC 9460) in the form PowerDNS 4.7 renders it. Measured against 4.7.3:
 * parameters sorted by key number; `alpn`, `mandatory`, `ipv4hint`, `ipv6hint` unquoted
 * comma lists; `ech` and `keyNNNN` values quoted; `ipv6hint` addresses canonical; upper-case keys
 * and the name `dohpath` refused (so key 7 is written `key7="..."`). NetBox's `absolute_value`
 * comes from dnspython, which quotes every list (`alpn="dot"`): PowerDNS refuses that with 422.
 */
import { absoluteName } from './names.js';
import { canonicalIpv6 } from './normalise-ip.js';
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
}

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
  const name = target === '.' ? '.' : absoluteName(target, origin);
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
    params.push({ key, value });
  }
  return params;
}

function keyNumber(name: string): number {
  if (name === 'dohpath') return 7;
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
  if (value === null) throw new Error(`parameter ${name} needs a value`);
  switch (param.key) {
    case 0:
      return `${name}=${listOf(value).map((k) => keyNumber(k.toLowerCase())).sort((a, b) => a - b).map(keyName).join(',')}`;
    case 1:
    case 4:
      return `${name}=${listOf(value).join(',')}`;
    case 3:
      if (!/^\d+$/.test(value) || Number(value) > 65535) throw new Error(`port ${JSON.stringify(value)} is not a number from 0 to 65535`);
      return `${name}=${Number(value)}`;
    case 6:
      return `${name}=${listOf(value).map(canonicalIpv6).join(',')}`;
    default:
      return `${name}="${value}"`;
  }
}

function listOf(value: string): string[] {
  const items = value.split(',');
  if (items.some((item) => item.length === 0)) throw new Error(`empty item in ${JSON.stringify(value)}`);
  return items;
}
