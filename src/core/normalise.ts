/**
 * Record content → the exact presentation form PowerDNS 4.7 stores and returns, so that desired and
 * actual compare as plain strings and a second sync finds nothing to do (powerdns-api.md §3, §8.2).
 *
 * PowerDNS accepts content only when it equals its own rendering case-insensitively, then stores
 * the rendering: names keep their case, hex is lower-cased, numbers lose leading zeros, strings are
 * quoted. Each type below was checked against a real pdns 4.7.3 (PATCH then GET).
 */
import { absoluteName } from './names.js';
import { canonicalIpv4, canonicalIpv6 } from './normalise-ip.js';
import { normaliseLoc } from './normalise-loc.js';
import { normaliseSvcb } from './normalise-svcb.js';
import { joinTokens, normaliseTxt, quoteToken, tokenise, type Token } from './normalise-text.js';
import type { ZoneName } from './types.js';

/**
 * Field kinds: `int` decimal without leading zeros; `name` absolute target (case kept); `str`
 * quoted character-string; `word` kept as is; `upper` upper-cased mnemonic; `lower` lower-cased;
 * `ip` IPv4/IPv6/name gateway; `hex`, `b64` and `text` take every remaining token (hex lower-cased
 * and joined, base64 joined and re-encoded, text one quoted string).
 */
type Field = 'int' | 'name' | 'str' | 'word' | 'upper' | 'lower' | 'ip' | 'hex' | 'b64' | 'text';

const LAYOUTS: Record<string, Field[]> = {
  CNAME: ['name'], DNAME: ['name'], NS: ['name'], PTR: ['name'], ALIAS: ['name'],
  MB: ['name'], MG: ['name'], MR: ['name'], MINFO: ['name', 'name'], RP: ['name', 'name'],
  MX: ['int', 'name'], KX: ['int', 'name'], AFSDB: ['int', 'name'],
  SRV: ['int', 'int', 'int', 'name'],
  NAPTR: ['int', 'int', 'str', 'str', 'str', 'name'],
  HINFO: ['str', 'str'],
  CAA: ['int', 'word', 'text'],
  URI: ['int', 'int', 'str'],
  SSHFP: ['int', 'int', 'hex'],
  TLSA: ['int', 'int', 'int', 'hex'], SMIMEA: ['int', 'int', 'int', 'hex'],
  DS: ['int', 'int', 'int', 'hex'], CDS: ['int', 'int', 'int', 'hex'], DLV: ['int', 'int', 'int', 'hex'],
  ZONEMD: ['int', 'int', 'int', 'hex'], NSEC3PARAM: ['int', 'int', 'int', 'hex'],
  DNSKEY: ['int', 'int', 'int', 'b64'], CDNSKEY: ['int', 'int', 'int', 'b64'], KEY: ['int', 'int', 'int', 'b64'],
  CERT: ['int', 'int', 'int', 'b64'], IPSECKEY: ['int', 'int', 'int', 'ip', 'b64'],
  OPENPGPKEY: ['b64'], DHCID: ['b64'],
  EUI48: ['lower'], EUI64: ['lower'],
  LUA: ['upper'],
  SOA: ['name', 'name', 'int', 'int', 'int', 'int', 'int'],
};

/** Types netbox-plugin-dns (dnspython) accepts but PowerDNS 4.7 refuses with "unknown type given". */
const UNSUPPORTED = new Set([
  'AMTRELAY', 'ATMA', 'AVC', 'GPOS', 'HIP', 'ISDN', 'MD', 'MF', 'NINFO', 'NSAP', 'NSAP-PTR', 'NULL',
  'NXT', 'PX', 'RESINFO', 'RT', 'WALLET', 'WKS', 'X25',
]);

/**
 * Normalises one record's content. `value` is NetBox's `absolute_value` when present, else `value`
 * (name targets may then be relative to `origin`). Throws an Error saying why when the content
 * cannot be put in a form PowerDNS accepts; the caller skips that record with a warning.
 */
export function normaliseContent(type: string, value: string, origin: ZoneName): string {
  const rtype = type.toUpperCase();
  try {
    return normaliseByType(rtype, value, origin);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new Error(`invalid ${rtype} content ${JSON.stringify(value)}: ${reason}`, { cause: err });
  }
}

function normaliseByType(rtype: string, value: string, origin: ZoneName): string {
  if (UNSUPPORTED.has(rtype)) throw new Error(`PowerDNS 4.7 does not support the ${rtype} type`);
  switch (rtype) {
    case 'A':
      return canonicalIpv4(value.trim());
    case 'AAAA':
      return canonicalIpv6(value.trim());
    case 'TXT':
    case 'SPF':
      return normaliseTxt(value);
    case 'HTTPS':
    case 'SVCB':
      return normaliseSvcb(value, origin);
    case 'LOC':
      return normaliseLoc(value);
  }
  const tokens = tokenise(value);
  const layout = LAYOUTS[rtype];
  if (!layout) {
    if (tokens.length === 0) throw new Error('content is empty');
    return joinTokens(tokens);
  }
  return applyLayout(layout, tokens, origin);
}

function applyLayout(layout: Field[], tokens: Token[], origin: ZoneName): string {
  const fieldCount = (): Error => new Error(`expected ${layout.length} fields (${layout.join(' ')}), got ${tokens.length}`);
  if (tokens.length < layout.length) throw fieldCount();
  const out: string[] = [];
  let i = 0;
  for (const field of layout) {
    if (field === 'hex' || field === 'b64' || field === 'text' || (field === 'upper' && layout.length === 1)) {
      out.push(restField(field, tokens.slice(i)));
      i = tokens.length;
      continue;
    }
    out.push(singleField(field, tokens[i] as Token, origin));
    i += 1;
  }
  if (i < tokens.length) throw fieldCount();
  return out.join(' ');
}

function singleField(field: Field, token: Token, origin: ZoneName): string {
  if (field === 'str') return quoteToken(token);
  if (token.quoted) throw new Error(`unexpected quoted string "${token.text}"`);
  const text = token.text;
  switch (field) {
    case 'int':
      if (!/^\d+$/.test(text) || Number(text) > 0xffffffff) throw new Error(`${JSON.stringify(text)} is not a number`);
      return String(Number(text));
    case 'name':
      return text === '.' ? '.' : absoluteName(text, origin);
    case 'ip':
      if (text.includes(':')) return canonicalIpv6(text);
      if (/^[\d.]+$/.test(text)) return canonicalIpv4(text);
      return text === '.' ? '.' : absoluteName(text, origin);
    case 'lower':
      return text.toLowerCase();
    case 'upper':
      return text.toUpperCase();
    default:
      return text;
  }
}

function restField(field: Field, tokens: Token[]): string {
  switch (field) {
    case 'hex': {
      const hex = tokens.map((t) => t.text).join('').toLowerCase();
      if (hex === '-' || /^[0-9a-f]+$/.test(hex)) return hex;
      throw new Error(`${JSON.stringify(hex)} is not hexadecimal`);
    }
    case 'b64': {
      const b64 = tokens.map((t) => t.text).join('');
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64) || b64.length % 4 !== 0) throw new Error(`${JSON.stringify(b64)} is not base64`);
      // Re-encoding clears unused trailing bits, as PowerDNS does (`...Zr==` comes back `...Zg==`).
      return Buffer.from(b64, 'base64').toString('base64');
    }
    case 'text': {
      if (tokens.length === 1) return quoteToken(tokens[0] as Token);
      if (tokens.some((t) => t.quoted)) throw new Error('expected one quoted value');
      return quoteToken({ text: tokens.map((t) => t.text).join(' '), quoted: false });
    }
    default: {
      // `upper` as the only field (LUA): the leading mnemonic upper-cased, the rest as tokens.
      const [first, ...rest] = tokens as [Token, ...Token[]];
      return [first.text.toUpperCase(), joinTokens(rest)].filter((s) => s.length > 0).join(' ');
    }
  }
}
