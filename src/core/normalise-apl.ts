/**
 * APL content (RFC 3123), `[!]family:address/prefix` items, as PowerDNS 4.7 renders them (measured,
 * 4.7.3): one space between items, the prefix without leading zeros, IPv6 in inet_ntop form
 * (`2:::ffff:192.0.2.0/120` dotted). PowerDNS clears the address bits beyond the prefix
 * (`1:192.0.2.1/24` is stored as `1:192.0.2.0/24`); dnspython keeps them, so such an item is refused
 * rather than silently changed. An empty APL is allowed by both.
 */
import { isIPv4 } from 'node:net';
import { inetNtop6, ipv6Bytes } from './normalise-ip.js';

export function normaliseApl(tokens: string[]): string {
  return tokens.map(aplItem).join(' ');
}

function aplItem(item: string): string {
  const match = /^(!?)(\d+):([^/]+)\/(\d+)$/.exec(item);
  if (!match) throw new Error(`APL item ${JSON.stringify(item)} is not [!]family:address/prefix`);
  const [, negation = '', family = '', address = '', prefixText = ''] = match;
  const prefix = Number(prefixText);
  let bytes: number[];
  let rendered: string;
  if (family === '1') {
    if (!isIPv4(address)) throw new Error(`${JSON.stringify(address)} is not an IPv4 address`);
    bytes = address.split('.').map(Number);
    rendered = address;
  } else if (family === '2') {
    bytes = ipv6Bytes(address);
    rendered = inetNtop6(address);
  } else {
    throw new Error(`APL address family ${family} is not supported by PowerDNS 4.7 (only 1 and 2)`);
  }
  if (prefix > bytes.length * 8) throw new Error(`prefix /${prefixText} is too long for ${address}`);
  if (hasHostBits(bytes, prefix)) {
    throw new Error(`${address}/${prefix} has address bits set beyond the prefix, which PowerDNS 4.7 clears`);
  }
  return `${negation}${family}:${rendered}/${prefix}`;
}

function hasHostBits(bytes: number[], prefix: number): boolean {
  return bytes.some((byte, i) => {
    const keep = Math.max(0, Math.min(8, prefix - i * 8));
    return (byte & (0xff >> keep)) !== 0;
  });
}
