/**
 * Asks a DNS server which DS records the parent publishes for a zone: one UDP question (RD set, so a
 * recursive resolver works as well as the parent's authoritative server), the answer's DS rdata in
 * presentation form (`tag alg digest-type HEX`, lower case). No dependency: a DS RRset fits in 512
 * bytes; a truncated or failed answer means "unknown", never "absent".
 */
import { randomInt } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { isIPv6 } from 'node:net';

const TYPE_DS = 43;

export interface DsResolver {
  host: string;
  port: number;
}

/** `127.0.0.1`, `127.0.0.1:5353`, `[::1]:53` → host and port. */
export function parseResolver(text: string): DsResolver {
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  if (v6) return { host: v6[1] ?? '', port: Number(v6[2] ?? 53) };
  const [host = '', port] = text.split(':');
  return { host, port: Number(port ?? 53) };
}

function encodeName(name: string): Buffer {
  const labels = name.replace(/\.$/, '').split('.').filter((l) => l !== '');
  return Buffer.concat([...labels.map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l, 'ascii')])), Buffer.from([0])]);
}

function skipName(msg: Buffer, offset: number): number {
  let pos = offset;
  for (;;) {
    const len = msg.readUInt8(pos);
    if (len === 0) return pos + 1;
    if ((len & 0xc0) === 0xc0) return pos + 2;
    pos += 1 + len;
  }
}

/** The DS rdata in an answer; null when the answer cannot say (truncated, SERVFAIL, REFUSED, …). */
export function parseDsAnswer(msg: Buffer, id: number): string[] | null {
  if (msg.length < 12 || msg.readUInt16BE(0) !== id) return null;
  const flags = msg.readUInt16BE(2);
  const rcode = flags & 0x0f;
  if ((flags & 0x0200) !== 0) return null;
  // NXDOMAIN: the parent does not even know the name, so it publishes no DS.
  if (rcode === 3) return [];
  if (rcode !== 0) return null;
  let pos = 12;
  for (let i = 0; i < msg.readUInt16BE(4); i += 1) pos = skipName(msg, pos) + 4;
  const out: string[] = [];
  for (let i = 0; i < msg.readUInt16BE(6); i += 1) {
    pos = skipName(msg, pos);
    const type = msg.readUInt16BE(pos);
    const len = msg.readUInt16BE(pos + 8);
    const rd = msg.subarray(pos + 10, pos + 10 + len);
    if (type === TYPE_DS && rd.length >= 5) out.push(`${rd.readUInt16BE(0)} ${rd[2] ?? 0} ${rd[3] ?? 0} ${rd.subarray(4).toString('hex')}`);
    pos += 10 + len;
  }
  return out;
}

/** The DS records `resolver` answers for `zone`, or null when it did not answer usefully in `timeoutMs`. */
export function queryDs(resolver: DsResolver, zone: string, timeoutMs = 2000): Promise<string[] | null> {
  const id = randomInt(0, 0x10000);
  const header = Buffer.alloc(12);
  header.writeUInt16BE(id, 0);
  header.writeUInt16BE(0x0100, 2); // RD
  header.writeUInt16BE(1, 4);
  const question = Buffer.concat([encodeName(zone), Buffer.from([0, TYPE_DS, 0, 1])]);
  const socket = createSocket(isIPv6(resolver.host) ? 'udp6' : 'udp4');
  return new Promise((resolve) => {
    const finish = (value: string[] | null): void => {
      clearTimeout(timer);
      socket.close();
      resolve(value);
    };
    const timer = setTimeout(() => finish(null), timeoutMs);
    socket.on('error', () => finish(null));
    socket.on('message', (msg) => {
      try {
        if (msg.length >= 2 && msg.readUInt16BE(0) === id) finish(parseDsAnswer(msg, id));
      } catch {
        finish(null);
      }
    });
    socket.send(Buffer.concat([header, question]), resolver.port, resolver.host);
  });
}
