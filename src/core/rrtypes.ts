/**
 * Record type numbers and mnemonics, for the fields that name other types (NSEC/NSEC3/CSYNC type
 * bitmaps, the RRSIG "type covered") and for the types PowerDNS 4.7 cannot hold at all.
 *
 * Both tables were measured against PowerDNS 4.7.3: a bitmap of TYPE1..TYPE65535 came back with
 * exactly the names in PDNS_NAMED, every other type as `TYPEnnn` (SIG and A6 included, although
 * PowerDNS accepts rrsets of those two types); a mnemonic outside PDNS_NAMED is refused with
 * "Unknown DNS type". The UNSUPPORTED types are refused as rrset types with "unknown type given".
 */

/** Every type dnspython knows (dns.rdatatype, non-meta), plus PowerDNS's own ALIAS and LUA. */
export const TYPE_NUMBERS: Readonly<Record<string, number>> = {
  TYPE0: 0, A: 1, NS: 2, MD: 3, MF: 4, CNAME: 5, SOA: 6, MB: 7, MG: 8, MR: 9, NULL: 10, WKS: 11,
  PTR: 12, HINFO: 13, MINFO: 14, MX: 15, TXT: 16, RP: 17, AFSDB: 18, X25: 19, ISDN: 20, RT: 21,
  NSAP: 22, 'NSAP-PTR': 23, SIG: 24, KEY: 25, PX: 26, GPOS: 27, AAAA: 28, LOC: 29, NXT: 30,
  SRV: 33, NAPTR: 35, KX: 36, CERT: 37, A6: 38, DNAME: 39, OPT: 41, APL: 42, DS: 43, SSHFP: 44,
  IPSECKEY: 45, RRSIG: 46, NSEC: 47, DNSKEY: 48, DHCID: 49, NSEC3: 50, NSEC3PARAM: 51, TLSA: 52,
  SMIMEA: 53, HIP: 55, NINFO: 56, RKEY: 57, CDS: 59, CDNSKEY: 60, OPENPGPKEY: 61, CSYNC: 62,
  ZONEMD: 63, SVCB: 64, HTTPS: 65, DSYNC: 66, SPF: 99, UNSPEC: 103, NID: 104, L32: 105, L64: 106,
  LP: 107, EUI48: 108, EUI64: 109, TKEY: 249, TSIG: 250, IXFR: 251, AXFR: 252, MAILB: 253,
  MAILA: 254, ANY: 255, URI: 256, CAA: 257, AVC: 258, AMTRELAY: 260, RESINFO: 261, WALLET: 262,
  TA: 32768, DLV: 32769, DELEG: 61440, DELEGI: 65433, ALIAS: 65401, LUA: 65402,
};

/** The mnemonics PowerDNS 4.7 reads and writes in type bitmaps; every other type is `TYPEnnn`. */
const PDNS_NAMED = new Set([
  'A', 'NS', 'CNAME', 'SOA', 'MB', 'MG', 'MR', 'PTR', 'HINFO', 'MINFO', 'MX', 'TXT', 'RP', 'AFSDB',
  'KEY', 'AAAA', 'LOC', 'SRV', 'NAPTR', 'KX', 'CERT', 'DNAME', 'OPT', 'APL', 'DS', 'SSHFP',
  'IPSECKEY', 'RRSIG', 'NSEC', 'DNSKEY', 'DHCID', 'NSEC3', 'NSEC3PARAM', 'TLSA', 'SMIMEA', 'RKEY',
  'CDS', 'CDNSKEY', 'OPENPGPKEY', 'CSYNC', 'ZONEMD', 'SVCB', 'HTTPS', 'SPF', 'NID', 'L32', 'L64',
  'LP', 'EUI48', 'EUI64', 'IXFR', 'AXFR', 'ANY', 'URI', 'CAA', 'DLV', 'ALIAS', 'LUA',
]);

const PDNS_NAME_BY_NUMBER = new Map(
  Object.entries(TYPE_NUMBERS).filter(([name]) => PDNS_NAMED.has(name)).map(([name, n]) => [n, name]),
);

/**
 * Record types netbox-plugin-dns (dnspython) accepts but PowerDNS 4.7 refuses as rrset types with
 * "unknown type given". `NSAP_PTR` is how the plugin spells NSAP-PTR (the Python enum name).
 */
export const UNSUPPORTED_TYPES: ReadonlySet<string> = new Set([
  'AMTRELAY', 'ATMA', 'AVC', 'DELEG', 'DELEGI', 'DSYNC', 'GPOS', 'HIP', 'ISDN', 'MD', 'MF', 'NINFO',
  'NSAP', 'NSAP-PTR', 'NSAP_PTR', 'NULL', 'NXT', 'PX', 'RESINFO', 'RT', 'TA', 'TYPE0', 'UNSPEC',
  'WALLET', 'WKS', 'X25',
]);

/** The number of a type mnemonic (any case) or of `TYPEnnn`; throws on anything else. */
export function typeNumber(text: string): number {
  const upper = text.toUpperCase();
  const generic = /^TYPE(\d{1,5})$/.exec(upper);
  if (generic && Number(generic[1]) <= 65535) return Number(generic[1]);
  const known = TYPE_NUMBERS[upper] ?? TYPE_NUMBERS[upper.replace(/_/g, '-')];
  if (known === undefined) throw new Error(`unknown record type ${JSON.stringify(text)}`);
  return known;
}

/** A type as PowerDNS writes it: its mnemonic when PowerDNS has one, else `TYPEnnn`. */
export function pdnsTypeName(type: number): string {
  return PDNS_NAME_BY_NUMBER.get(type) ?? `TYPE${type}`;
}

/**
 * An NSEC/NSEC3/CSYNC type bitmap as PowerDNS renders it: sorted by type number, each type once,
 * PowerDNS mnemonics (a dnspython-only mnemonic such as MD becomes TYPE3).
 */
export function typeBitmap(types: string[]): string {
  return [...new Set(types.map(typeNumber))].sort((a, b) => a - b).map(pdnsTypeName).join(' ');
}
