/**
 * The SOA serial a DNS server serves for a zone, over UDP: how the daemon sees what a secondary
 * holds without ever touching its API (it may not have one: BIND, Knot, NSD). One question, no
 * EDNS; a SOA answer always fits in 512 bytes.
 */
import { createSocket } from 'node:dgram';
import { randomInt } from 'node:crypto';
import { isIP } from 'node:net';

/** What the server said: its serial, or why there is none (REFUSED: it does not hold the zone). */
export type SoaAnswer = { serial: number } | { rcode: string };

const RCODES = ['NOERROR', 'FORMERR', 'SERVFAIL', 'NXDOMAIN', 'NOTIMP', 'REFUSED'];

function encodeName(name: string): Buffer {
  const labels = name.replace(/\.$/, '').split('.').filter((l) => l !== '');
  return Buffer.concat([...labels.map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l, 'ascii')])), Buffer.from([0])]);
}

function skipName(msg: Buffer, pos: number): number {
  for (let guard = 0; guard < 128; guard++) {
    const len = msg.readUInt8(pos);
    if (len === 0) return pos + 1;
    if ((len & 0xc0) === 0xc0) return pos + 2;
    pos += 1 + len;
  }
  throw new Error('bad name in DNS answer');
}

/** Parses a SOA answer: the serial of the first SOA in the answer section. */
export function parseSoaAnswer(msg: Buffer, id: number): SoaAnswer | null {
  if (msg.length < 12 || msg.readUInt16BE(0) !== id) return null;
  const rcode = RCODES[msg.readUInt16BE(2) & 0x0f] ?? `RCODE${msg.readUInt16BE(2) & 0x0f}`;
  if (rcode !== 'NOERROR') return { rcode };
  let pos = 12;
  for (let i = 0; i < msg.readUInt16BE(4); i++) pos = skipName(msg, pos) + 4;
  for (let i = 0; i < msg.readUInt16BE(6); i++) {
    pos = skipName(msg, pos);
    const type = msg.readUInt16BE(pos);
    const len = msg.readUInt16BE(pos + 8);
    const rdata = pos + 10;
    if (type === 6) return { serial: msg.readUInt32BE(skipName(msg, skipName(msg, rdata))) };
    pos = rdata + len;
  }
  return { rcode: 'NODATA' };
}

/** Asks `host:port` for the SOA of `zone`; rejects on timeout or a socket error. */
export function querySoa(host: string, port: number, zone: string, timeoutMs: number): Promise<SoaAnswer> {
  const id = randomInt(0, 0x10000);
  const header = Buffer.alloc(12);
  header.writeUInt16BE(id, 0);
  header.writeUInt16BE(1, 4);
  const query = Buffer.concat([header, encodeName(zone), Buffer.from([0, 6, 0, 1])]);
  const socket = createSocket(isIP(host) === 6 ? 'udp6' : 'udp4');
  return new Promise<SoaAnswer>((resolve, reject) => {
    const timer = setTimeout(() => finish(new Error(`no answer from ${host}:${port} within ${timeoutMs} ms`)), timeoutMs);
    function finish(err: Error | null, answer?: SoaAnswer): void {
      clearTimeout(timer);
      socket.close();
      if (err) reject(err);
      else if (answer) resolve(answer);
    }
    socket.on('error', (err) => finish(err));
    socket.on('message', (msg) => {
      try {
        const answer = parseSoaAnswer(msg, id);
        if (answer) finish(null, answer);
      } catch (err) {
        finish(err instanceof Error ? err : new Error(String(err)));
      }
    });
    socket.send(query, port, host);
  });
}
