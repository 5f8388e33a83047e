/**
 * Address forms as PowerDNS 4.7 stores them. AAAA content is rewritten by PowerDNS with glibc's
 * inet_ntop: RFC 5952 (lower case, no leading zeros, longest zero run compressed) except that
 * IPv4-mapped and IPv4-compatible addresses come back dotted (`::ffff:192.0.2.1`), a form the 4.7
 * API then refuses on input (422 "Invalid IPv6 address"). Such addresses could never round-trip, so
 * they are refused here rather than re-sent forever.
 */
import { isIPv4, isIPv6 } from 'node:net';

/** Validates dotted-quad IPv4 content (leading zeros are refused by PowerDNS too). */
export function canonicalIpv4(value: string): string {
  if (!isIPv4(value)) throw new Error(`${JSON.stringify(value)} is not an IPv4 address`);
  return value;
}

/** The canonical text of an IPv6 address in AAAA content, as PowerDNS returns it. */
export function canonicalIpv6(value: string): string {
  const canonical = rfc5952(value);
  if (glibcWouldShowDotted(canonical)) {
    throw new Error(`${JSON.stringify(value)} is an IPv4-mapped or IPv4-compatible IPv6 address, which PowerDNS 4.7 cannot round-trip`);
  }
  return canonical;
}

/**
 * An IPv6 address the way glibc's inet_ntop writes it, dotted tail included. PowerDNS 4.7 writes the
 * IPv6 inside APL, IPSECKEY and SVCB ipv6hint like this and, unlike AAAA, also reads it back.
 */
export function inetNtop6(value: string): string {
  const canonical = rfc5952(value);
  if (!glibcWouldShowDotted(canonical)) return canonical;
  const words = expand(canonical);
  const v4 = [(words[6] ?? 0) >> 8, (words[6] ?? 0) & 0xff, (words[7] ?? 0) >> 8, (words[7] ?? 0) & 0xff].join('.');
  return words[5] === 0xffff ? `::ffff:${v4}` : `::${v4}`;
}

function rfc5952(value: string): string {
  if (!isIPv6(value) || value.includes('%')) throw new Error(`${JSON.stringify(value)} is not an IPv6 address`);
  // The WHATWG URL serialiser implements RFC 5952 compression.
  return new URL(`http://[${value}]/`).hostname.slice(1, -1);
}

/** The 16 bytes of an IPv6 address. */
export function ipv6Bytes(value: string): number[] {
  return expand(rfc5952(value)).flatMap((w) => [w >> 8, w & 0xff]);
}

/** An IPv6 address from 16 bytes, RFC 5952 form. */
export function ipv6FromBytes(bytes: number[]): string {
  const words: string[] = [];
  for (let i = 0; i < 16; i += 2) words.push((((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0)).toString(16));
  return rfc5952(words.join(':'));
}

/** glibc's inet_ntop rule: the longest zero run starts at word 0 and is 6 words, or 5 words then ffff. */
function glibcWouldShowDotted(canonical: string): boolean {
  const words = expand(canonical);
  let bestBase = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (words[i] !== 0) {
      i += 1;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j += 1;
    if (j - i > bestLen) {
      bestBase = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (bestLen < 2 || bestBase !== 0) return false;
  return bestLen === 6 || (bestLen === 5 && words[5] === 0xffff);
}

function expand(canonical: string): number[] {
  const [head = '', tail] = canonical.split('::');
  const parse = (part: string): number[] => (part === '' ? [] : part.split(':').map((w) => parseInt(w, 16)));
  const left = parse(head);
  if (tail === undefined) return left;
  const right = parse(tail);
  return [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
}
