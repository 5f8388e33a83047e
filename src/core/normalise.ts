/**
 * Record content → the exact presentation form PowerDNS 4.7 stores and returns, so that desired and
 * actual compare as plain strings and a second sync finds nothing to do (powerdns-api.md §3, §8.2).
 *
 * PowerDNS accepts content only when it equals its own rendering case-insensitively, then stores
 * the rendering: names keep their case, hex is lower-cased, numbers lose leading zeros, strings are
 * quoted. Each type below was checked against a real pdns 4.7.3 (PATCH then GET).
 */
import { normaliseApl } from './normalise-apl.js';
import { canonicalBase64, joinedBase64 } from './normalise-base64.js';
import { algorithm, certType, normaliseCsync, normaliseNsec, normaliseNsec3, normaliseRrsig, salt } from './normalise-dnssec.js';
import { isGeneric, normaliseGeneric } from './normalise-generic.js';
import { canonicalIpv4, canonicalIpv6, inetNtop6 } from './normalise-ip.js';
import { normaliseLoc } from './normalise-loc.js';
import { contentName, hostName } from './normalise-name.js';
import { normaliseSvcb } from './normalise-svcb.js';
import { joinTokens, normaliseTxt, quoteToken, tokenise, type Token } from './normalise-text.js';
import { TYPE_NUMBERS, UNSUPPORTED_TYPES } from './rrtypes.js';
import type { ZoneName } from './types.js';

/**
 * Field kinds: `int` decimal without leading zeros; `name` absolute target (case kept, escapes the
 * PowerDNS way); `host` a name that must be a host name, root allowed (MX, SRV), `nshost` the same
 * without the root (NS); `str` quoted character-string; `word` kept as is; `upper` upper-cased
 * mnemonic; `alg` DNSSEC algorithm (mnemonic → number); `cert` CERT type (mnemonic → number);
 * `ipv4`; `eui` EUI-48/64 (lower case); `locator` NID/L64 16-bit groups (upper case, PowerDNS
 * rewrites them so); `salt` NSEC3PARAM salt; `hex`, `b64` and `text` take every remaining token
 * (hex lower-cased and joined, base64 joined and re-encoded, text one quoted string).
 */
type Field = 'int' | 'u16' | 'u8' | 'name' | 'host' | 'nshost' | 'str' | 'word' | 'upper' | 'alg' | 'cert' | 'ipv4' | 'eui' | 'locator' | 'salt' | 'hex' | 'b64' | 'text';

const LAYOUTS: Record<string, Field[]> = {
  CNAME: ['name'], DNAME: ['name'], NS: ['nshost'], PTR: ['name'], ALIAS: ['name'],
  MB: ['name'], MG: ['name'], MR: ['name'], MINFO: ['name', 'name'], RP: ['name', 'name'],
  MX: ['u16', 'host'], KX: ['u16', 'name'], AFSDB: ['u16', 'name'], LP: ['u16', 'name'],
  SRV: ['u16', 'u16', 'u16', 'host'],
  NAPTR: ['u16', 'u16', 'str', 'str', 'str', 'name'],
  HINFO: ['str', 'str'],
  CAA: ['u8', 'word', 'text'],
  URI: ['u16', 'u16', 'str'],
  SSHFP: ['u8', 'u8', 'hex'],
  TLSA: ['u8', 'u8', 'u8', 'hex'], SMIMEA: ['u8', 'u8', 'u8', 'hex'],
  DS: ['u16', 'alg', 'u8', 'hex'], CDS: ['u16', 'alg', 'u8', 'hex'], DLV: ['u16', 'alg', 'u8', 'hex'],
  ZONEMD: ['int', 'u8', 'u8', 'hex'], NSEC3PARAM: ['u8', 'u8', 'u16', 'salt'],
  DNSKEY: ['u16', 'u8', 'alg', 'b64'], CDNSKEY: ['u16', 'u8', 'alg', 'b64'], KEY: ['u16', 'u8', 'alg', 'b64'],
  CERT: ['cert', 'u16', 'alg', 'b64'],
  OPENPGPKEY: ['b64'], DHCID: ['b64'],
  EUI48: ['eui'], EUI64: ['eui'],
  NID: ['u16', 'locator'], L64: ['u16', 'locator'], L32: ['u16', 'ipv4'],
  LUA: ['upper'],
  SOA: ['name', 'name', 'int', 'int', 'int', 'int', 'int'],
};

/** PowerDNS's own types, which the plugin takes as custom types without validating them. */
const CUSTOM_TYPES = new Set(['ALIAS', 'LUA']);

/** Types dnspython knows only in the RFC 3597 generic form (`\# length hex`), see normalise-generic. */
const GENERIC_ONLY = new Set(['SIG', 'A6']);

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
  if (UNSUPPORTED_TYPES.has(rtype)) throw new Error(`PowerDNS 4.7 does not support the ${rtype} type`);
  if (isGeneric(value) && rtype in TYPE_NUMBERS && !CUSTOM_TYPES.has(rtype)) {
    const decoded = normaliseGeneric(rtype, value);
    return GENERIC_ONLY.has(rtype) ? decoded : normaliseByType(rtype, decoded, origin);
  }
  if (GENERIC_ONLY.has(rtype)) throw new Error(`${rtype} content must be in the RFC 3597 generic form (\\# length hex), the only one PowerDNS 4.7 holds`);
  const special = SPECIAL[rtype];
  if (special) return special(value, origin);
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
  const layout = LAYOUTS[rtype];
  if (!layout) {
    // Custom types (LUA-like, not validated by the plugin): tokens kept, spacing normalised.
    const tokens = tokenise(value);
    if (tokens.length === 0) throw new Error('content is empty');
    return joinTokens(tokens);
  }
  return applyLayout(layout, tokenise(value, { groups: true }), origin);
}

/** Bare words of dnspython-validated content (a quoted string where a word belongs is refused). */
function words(value: string): string[] {
  return tokenise(value, { groups: true }).map((t) => {
    if (t.quoted) throw new Error(`unexpected quoted string "${t.text}"`);
    return t.text;
  });
}

/** Types whose layout a field list cannot express. */
const SPECIAL: Record<string, (value: string, origin: ZoneName) => string> = {
  RRSIG: (value, origin) => normaliseRrsig(words(value), origin),
  NSEC: (value, origin) => normaliseNsec(words(value), origin),
  NSEC3: (value) => normaliseNsec3(words(value)),
  CSYNC: (value) => normaliseCsync(words(value)),
  APL: (value) => normaliseApl(words(value)),
  IPSECKEY: (value, origin) => normaliseIpseckey(words(value), origin),
};

/**
 * `precedence gateway-type algorithm gateway key`. PowerDNS 4.7 writes no gateway field for type 0
 * (dnspython requires `.` there) and no key for algorithm 0 (dnspython requires one, so that
 * cannot be held); an IPv6 gateway is written in inet_ntop form (measured, 4.7.3).
 */
function normaliseIpseckey(input: string[], origin: ZoneName): string {
  // PowerDNS's own form (no gateway field for type 0) is accepted too, so normalising is idempotent.
  const tokens = input[1] === '0' && input.length === 4 ? [...input.slice(0, 3), '.', ...input.slice(3)] : input;
  if (tokens.length < 5) throw new Error(`expected 5 fields (precedence gateway-type algorithm gateway key), got ${tokens.length}`);
  const [precedence = '', gatewayType = '', alg = '', gateway = '', ...key] = tokens;
  const head = [precedence, gatewayType, alg].map((t) => singleField('int', { text: t, quoted: false }, origin));
  if (Number(head[1]) > 3) throw new Error(`gateway type ${gatewayType} is not 0, 1, 2 or 3`);
  if (head[2] === '0') throw new Error('algorithm 0 means "no key", but a key is given; PowerDNS 4.7 cannot hold both');
  const renderedGateway = [
    () => {
      if (gateway !== '.') throw new Error('gateway type 0 needs the gateway "."');
      return null;
    },
    () => canonicalIpv4(gateway),
    () => inetNtop6(gateway),
    () => contentName(gateway, origin),
  ][Number(head[1])]?.();
  return [...head, renderedGateway, canonicalBase64(joinedBase64(key))].filter((s) => s !== null).join(' ');
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
    case 'u16':
    case 'u8': {
      // PowerDNS parses each field at its wire width and refuses an overflow ("Overflow reading 16 bit integer").
      const max = field === 'u8' ? 0xff : field === 'u16' ? 0xffff : 0xffffffff;
      if (!/^\d+$/.test(text)) throw new Error(`${JSON.stringify(text)} is not a number`);
      if (Number(text) > max) throw new Error(`${text} is larger than ${max}, the largest this field holds`);
      return String(Number(text));
    }
    case 'name':
      return contentName(text, origin);
    case 'host':
    case 'nshost':
      return hostName(text, origin, { root: field === 'host' });
    case 'alg':
      return algorithm(text);
    case 'cert':
      return certType(text);
    case 'ipv4':
      return canonicalIpv4(text);
    case 'eui':
      if (!/^[0-9a-f]{2}(-[0-9a-f]{2}){5}([0-9a-f]{2}-[0-9a-f]{2})?$/i.test(text) && !/^[0-9a-f]{2}(-[0-9a-f]{2}){7}$/i.test(text)) {
        throw new Error(`${JSON.stringify(text)} is not an EUI-48 or EUI-64 (xx-xx-...)`);
      }
      return text.toLowerCase();
    case 'locator':
      if (!/^[0-9a-f]{4}(:[0-9a-f]{4}){3}$/i.test(text)) throw new Error(`${JSON.stringify(text)} is not four groups of four hex digits`);
      return text.toUpperCase();
    case 'salt':
      return salt(text);
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
      if (hex.length === 0) throw new Error('the hex field is empty, and PowerDNS 4.7 refuses an empty field ("missing field")');
      if (!/^[0-9a-f]+$/.test(hex)) throw new Error(`${JSON.stringify(hex)} is not hexadecimal`);
      // An odd digit count is not whole bytes: PowerDNS would pad it (`abc` → `abc0`) and refuse it.
      if (hex.length % 2 !== 0) throw new Error(`${JSON.stringify(hex)} has an odd number of hex digits`);
      return hex;
    }
    case 'b64':
      return canonicalBase64(joinedBase64(tokens.map((t) => t.text)));
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
