/**
 * A minimal DNS-over-UDP client for checking what pdns actually serves. Chosen over shelling out to
 * `dig`: no dependency on dnsutils being installed, no process spawn per query (~7 ms each), and
 * structured answers. It does one question, no EDNS, no TCP fallback: test zones are small.
 * Answers are in presentation form like `dig +short` (A, AAAA, CNAME, NS, PTR, MX, TXT, SRV, SOA;
 * other types as RFC 3597 `\# len hex`).
 */
import { createSocket } from 'node:dgram';
import { randomInt } from 'node:crypto';

const TYPES: Record<string, number> = {
  A: 1, NS: 2, CNAME: 5, SOA: 6, PTR: 12, MX: 15, TXT: 16, AAAA: 28, SRV: 33, DNSKEY: 48, ANY: 255,
};
const TYPE_NAMES = new Map(Object.entries(TYPES).map(([k, v]) => [v, k]));
const RCODES = ['NOERROR', 'FORMERR', 'SERVFAIL', 'NXDOMAIN', 'NOTIMP', 'REFUSED'];

export interface DnsAnswer {
  name: string;
  type: string;
  ttl: number;
  data: string;
}

export interface DnsResult {
  rcode: string;
  /** Authoritative Answer flag. */
  aa: boolean;
  /** The rdata of every answer-section record, e.g. `192.0.2.1`, `"v=spf1 -all"`. */
  answers: string[];
  records: DnsAnswer[];
}

function encodeName(name: string): Buffer {
  const labels = name.replace(/\.$/, '').split('.').filter((l) => l !== '');
  return Buffer.concat([...labels.map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l, 'ascii')])), Buffer.from([0])]);
}

/** Reads a possibly compressed name at `offset`; returns it absolute and the offset after it. */
function readName(msg: Buffer, offset: number): [string, number] {
  const labels: string[] = [];
  let pos = offset;
  let end = -1;
  for (let jumps = 0; jumps < 64; jumps += 1) {
    const len = msg.readUInt8(pos);
    if (len === 0) {
      pos += 1;
      break;
    }
    if ((len & 0xc0) === 0xc0) {
      if (end < 0) end = pos + 2;
      pos = msg.readUInt16BE(pos) & 0x3fff;
      continue;
    }
    labels.push(msg.toString('latin1', pos + 1, pos + 1 + len));
    pos += 1 + len;
  }
  return [`${labels.join('.')}.`, end < 0 ? pos : end];
}

function readRdata(msg: Buffer, type: number, start: number, len: number): string {
  const rd = msg.subarray(start, start + len);
  switch (type) {
    case 1:
      return [...rd].join('.');
    case 28:
      return formatIpv6(rd);
    case 2: case 5: case 12:
      return readName(msg, start)[0];
    case 15:
      return `${msg.readUInt16BE(start)} ${readName(msg, start + 2)[0]}`;
    case 33:
      return `${msg.readUInt16BE(start)} ${msg.readUInt16BE(start + 2)} ${msg.readUInt16BE(start + 4)} ${readName(msg, start + 6)[0]}`;
    case 16: {
      const parts: string[] = [];
      for (let p = 0; p < rd.length; p += 1 + (rd[p] ?? 0)) {
        const text = rd.toString('utf8', p + 1, p + 1 + (rd[p] ?? 0));
        parts.push(`"${text.replace(/["\\]/g, '\\$&')}"`);
      }
      return parts.join(' ');
    }
    case 6: {
      const [mname, afterM] = readName(msg, start);
      const [rname, afterR] = readName(msg, afterM);
      const nums = [0, 4, 8, 12, 16].map((o) => msg.readUInt32BE(afterR + o));
      return [mname, rname, ...nums].join(' ');
    }
    default:
      return `\\# ${len} ${rd.toString('hex')}`;
  }
}

function formatIpv6(rd: Buffer): string {
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(rd.readUInt16BE(i).toString(16));
  // Compress the longest run of zero groups (RFC 5952).
  let best = [-1, 0];
  for (let i = 0; i < 8;) {
    if (groups[i] !== '0') { i += 1; continue; }
    let j = i;
    while (j < 8 && groups[j] === '0') j += 1;
    if (j - i > (best[1] ?? 0) && j - i > 1) best = [i, j - i];
    i = j;
  }
  const [at = -1, run = 0] = best;
  if (at < 0) return groups.join(':');
  return `${groups.slice(0, at).join(':')}::${groups.slice(at + run).join(':')}`;
}

/** Sends one query to 127.0.0.1:`port` and parses the answer section. */
export function queryDns(port: number, name: string, type: string, opts: { host?: string; timeoutMs?: number } = {}): Promise<DnsResult> {
  const qtype = TYPES[type.toUpperCase()];
  if (qtype === undefined) return Promise.reject(new Error(`queryDns: unsupported type ${type}`));
  const id = randomInt(0, 0x10000);
  const header = Buffer.alloc(12);
  header.writeUInt16BE(id, 0);
  header.writeUInt16BE(1, 4); // QDCOUNT
  const question = Buffer.concat([encodeName(name), Buffer.from([0, qtype, 0, 1])]);
  const socket = createSocket('udp4');
  return new Promise<DnsResult>((resolve, reject) => {
    const timer = setTimeout(() => finish(new Error(`queryDns: no answer for ${name} ${type} within ${opts.timeoutMs ?? 2000} ms`)), opts.timeoutMs ?? 2000);
    function finish(err: Error | null, result?: DnsResult): void {
      clearTimeout(timer);
      socket.close();
      if (err) reject(err);
      else if (result) resolve(result);
    }
    socket.on('error', (err) => finish(err));
    socket.on('message', (msg) => {
      if (msg.length < 12 || msg.readUInt16BE(0) !== id) return;
      try {
        finish(null, parse(msg));
      } catch (err) {
        finish(err instanceof Error ? err : new Error(String(err)));
      }
    });
    socket.send(Buffer.concat([header, question]), port, opts.host ?? '127.0.0.1');
  });
}

function parse(msg: Buffer): DnsResult {
  const flags = msg.readUInt16BE(2);
  const qd = msg.readUInt16BE(4);
  const an = msg.readUInt16BE(6);
  let pos = 12;
  for (let i = 0; i < qd; i += 1) pos = readName(msg, pos)[1] + 4;
  const records: DnsAnswer[] = [];
  for (let i = 0; i < an; i += 1) {
    const [owner, after] = readName(msg, pos);
    const type = msg.readUInt16BE(after);
    const ttl = msg.readUInt32BE(after + 4);
    const len = msg.readUInt16BE(after + 8);
    records.push({ name: owner, type: TYPE_NAMES.get(type) ?? `TYPE${type}`, ttl, data: readRdata(msg, type, after + 10, len) });
    pos = after + 10 + len;
  }
  return {
    rcode: RCODES[flags & 0x0f] ?? `RCODE${flags & 0x0f}`,
    aa: (flags & 0x0400) !== 0,
    answers: records.map((r) => r.data),
    records,
  };
}

/**
 * The SOA serial 127.0.0.1:`port` serves for `zone`, or undefined while it answers without one
 * (a secondary before its first transfer says SERVFAIL or REFUSED).
 */
export async function soaSerial(port: number, zone: string): Promise<number | undefined> {
  const result = await queryDns(port, zone, 'SOA');
  const soa = result.records.find((r) => r.type === 'SOA');
  const serial = soa?.data.split(' ')[2];
  return result.rcode === 'NOERROR' && serial !== undefined ? Number(serial) : undefined;
}
