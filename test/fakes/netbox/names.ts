/**
 * DNS name and value helpers that mirror what netbox-plugin-dns does on save and on read:
 * relativising record names, `absolute_value`, the long-TXT rewrite and reverse-zone arithmetic
 * for auto-PTRs. Kept pure so store.ts stays about bookkeeping.
 */
import { isIPv4, isIPv6 } from 'node:net';
import { validationError } from './model.js';

/** Strips one trailing dot: the plugin stores zone and nameserver names relative to the root. */
export function stripDot(name: string): string {
  return name.endsWith('.') ? name.slice(0, -1) : name;
}

/** The record's fqdn, absolute with a trailing dot (`@` is the apex). */
export function fqdnOf(name: string, zoneName: string): string {
  return name === '@' ? `${zoneName}.` : `${name}.${zoneName}.`;
}

/**
 * Relativises a record name the way `Record.update_fqdn` does: an absolute name inside the zone becomes
 * relative (`www.example.com.` → `www`, `example.com.` → `@`); an absolute name outside it is refused.
 */
export function relativizeName(input: string, zoneName: string): string {
  const name = input.trim();
  if (name === '' || name === '@') return '@';
  if (!name.endsWith('.')) return name;
  const lower = name.toLowerCase();
  const apex = `${zoneName.toLowerCase()}.`;
  if (lower === apex) return '@';
  if (lower.endsWith(`.${apex}`)) return name.slice(0, name.length - apex.length - 1);
  throw validationError('name', `${name} is not a name in zone ${zoneName}`);
}

/** Makes one name target absolute against the zone, as dnspython's `relativize=False` rendering does. */
function absolutise(target: string, zoneName: string): string {
  if (target.endsWith('.')) return target;
  if (target === '@') return `${zoneName}.`;
  return `${target}.${zoneName}.`;
}

/** Index of the name target within the whitespace-separated value, per type (P: models/record.py). */
const TARGET_INDEX: Record<string, number> = {
  CNAME: 0,
  DNAME: 0,
  NS: 0,
  MX: 1,
  RT: 1,
  KX: 1,
  SRV: 3,
  HTTPS: 1,
  SVCB: 1,
  PX: 1,
};

/**
 * `absolute_value`: name targets of CNAME, DNAME, NS, MX, SRV, HTTPS/SVCB, RT, KX, PX made absolute and
 * the value re-rendered with single spaces; every other type (PTR included, per the reference) is verbatim.
 */
export function absoluteValue(type: string, value: string, zoneName: string): string {
  const index = TARGET_INDEX[type];
  if (index === undefined) return value;
  const parts = value.trim().split(/\s+/);
  const target = parts[index];
  if (target === undefined) return value;
  parts[index] = absolutise(target, zoneName);
  return parts.join(' ');
}

/**
 * The plugin stores TXT/SPF verbatim unless dnspython rejects it; an unquoted value with a token longer
 * than 255 characters is rewritten as quoted 255-character chunks separated by spaces.
 */
export function normaliseTxt(type: string, value: string): string {
  if (type !== 'TXT' && type !== 'SPF') return value;
  if (value.trimStart().startsWith('"')) return value;
  if (!value.split(/\s+/).some((token) => token.length > 255)) return value;
  const chunks: string[] = [];
  for (let i = 0; i < value.length; i += 255) chunks.push(value.slice(i, i + 255));
  return chunks.map((chunk) => `"${chunk.replace(/(["\\])/g, '\\$1')}"`).join(' ');
}

/** An IP address as a family plus its bits (IPv4 in the low 32 bits). */
export interface IpBits {
  family: 4 | 6;
  bits: bigint;
}

/** Parses an A/AAAA value; null when it is not an address of either family. */
export function parseIp(value: string): IpBits | null {
  const text = value.trim();
  if (isIPv4(text)) return { family: 4, bits: v4Bits(text) };
  if (!isIPv6(text)) return null;
  let head = text;
  let tailV4: bigint | null = null;
  const lastColon = text.lastIndexOf(':');
  if (text.includes('.')) {
    tailV4 = v4Bits(text.slice(lastColon + 1));
    head = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const [left = '', right] = head.split('::');
  const l = left === '' ? [] : left.split(':');
  const r = right === undefined || right === '' ? [] : right.split(':');
  const groups = right === undefined ? l : [...l, ...Array<string>(8 - l.length - r.length).fill('0'), ...r];
  let bits = 0n;
  for (const group of groups) bits = (bits << 16n) | BigInt(parseInt(group, 16));
  if (tailV4 !== null) bits = (bits & ~0xffffffffn) | tailV4;
  return { family: 6, bits };
}

function v4Bits(text: string): bigint {
  return text.split('.').reduce((acc, octet) => (acc << 8n) | BigInt(Number(octet)), 0n);
}

/** A reverse zone's network: family, prefix bits and length; `rfc2317` zones name PTRs by last octet. */
export interface ArpaNetwork {
  family: 4 | 6;
  prefix: bigint;
  length: number;
  rfc2317: boolean;
}

/**
 * The network a reverse zone covers (`arpa_network`): from its in-addr.arpa/ip6.arpa name, or from
 * `rfc2317_prefix` for RFC 2317 classless zones. Null for forward zones.
 */
export function arpaNetwork(zoneName: string, rfc2317Prefix: string | null): ArpaNetwork | null {
  if (rfc2317Prefix) {
    const [addr = '', len = '32'] = rfc2317Prefix.split('/');
    const ip = parseIp(addr);
    if (ip?.family === 4) return { family: 4, prefix: ip.bits, length: Number(len), rfc2317: true };
  }
  const lower = zoneName.toLowerCase();
  if (lower.endsWith('.in-addr.arpa')) {
    const octets = lower.slice(0, -'.in-addr.arpa'.length).split('.').reverse();
    if (octets.length > 4 || !octets.every((o) => /^\d{1,3}$/.test(o) && Number(o) < 256)) return null;
    let prefix = 0n;
    for (const o of octets) prefix = (prefix << 8n) | BigInt(Number(o));
    prefix <<= BigInt(8 * (4 - octets.length));
    return { family: 4, prefix, length: 8 * octets.length, rfc2317: false };
  }
  if (lower.endsWith('.ip6.arpa')) {
    const nibbles = lower.slice(0, -'.ip6.arpa'.length).split('.').reverse();
    if (nibbles.length > 32 || !nibbles.every((n) => /^[0-9a-f]$/.test(n))) return null;
    let prefix = 0n;
    for (const n of nibbles) prefix = (prefix << 4n) | BigInt(parseInt(n, 16));
    prefix <<= BigInt(4 * (32 - nibbles.length));
    return { family: 6, prefix, length: 4 * nibbles.length, rfc2317: false };
  }
  return null;
}

/** Whether the address lies inside the network. */
export function networkContains(net: ArpaNetwork, ip: IpBits): boolean {
  if (net.family !== ip.family) return false;
  const width = ip.family === 4 ? 32n : 128n;
  const shift = width - BigInt(net.length);
  return ip.bits >> shift === net.prefix >> shift;
}

/** `arpa_network` as the plugin renders it, e.g. `192.0.2.0/24` or `2001:db8::/32`. */
export function networkText(net: ArpaNetwork): string {
  if (net.family === 4) {
    const octets = [24n, 16n, 8n, 0n].map((s) => String((net.prefix >> s) & 0xffn));
    return `${octets.join('.')}/${net.length}`;
  }
  const groups: string[] = [];
  for (let s = 112n; s >= 0n; s -= 16n) groups.push(((net.prefix >> s) & 0xffffn).toString(16));
  return `${groups.join(':').replace(/(^|:)0(:0)+(:|$)/, '::')}/${net.length}`;
}

/** The PTR owner name for `ip`, relative to the reverse zone (last octet for RFC 2317 zones). */
export function ptrNameIn(zoneName: string, net: ArpaNetwork, ip: IpBits): string {
  if (net.rfc2317) return String(ip.bits & 0xffn);
  const labels: string[] = [];
  if (ip.family === 4) for (let s = 0n; s < 32n; s += 8n) labels.push(String((ip.bits >> s) & 0xffn));
  else for (let s = 0n; s < 128n; s += 4n) labels.push(((ip.bits >> s) & 0xfn).toString(16));
  const full = `${labels.join('.')}.${ip.family === 4 ? 'in-addr' : 'ip6'}.arpa`;
  const suffix = `.${zoneName.toLowerCase()}`;
  return full.endsWith(suffix) ? full.slice(0, -suffix.length) : '@';
}
