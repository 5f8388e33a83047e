/**
 * A minimal AXFR-over-TCP client, unsigned or TSIG-signed (RFC 8945), for checking who a primary
 * lets transfer a zone. Chosen over `dig -y` so the tests need no dnsutils. It signs the request
 * only; the answer is judged by its rcode and records (the server refuses a bad or missing MAC with
 * NOTAUTH/REFUSED before sending any data, so the response MAC is not needed to tell the cases apart).
 */
import { createHmac, randomInt } from 'node:crypto';
import { connect } from 'node:net';

export interface TsigKey {
  name: string;
  /** e.g. `hmac-sha256`. */
  algorithm: string;
  /** Base64. */
  secret: string;
}

export interface AxfrResult {
  /** Rcode of the first message (NOERROR, REFUSED, NOTAUTH, …). */
  rcode: string;
  /** Answer records over all messages (both SOAs included). */
  records: number;
  /** The record types seen, in order (as numbers). */
  types: number[];
}

const RCODES = ['NOERROR', 'FORMERR', 'SERVFAIL', 'NXDOMAIN', 'NOTIMP', 'REFUSED', 'YXDOMAIN', 'YXRRSET', 'NXRRSET', 'NOTAUTH', 'NOTZONE'];

function wireName(name: string): Buffer {
  const labels = name.toLowerCase().replace(/\.$/, '').split('.').filter((l) => l !== '');
  return Buffer.concat([...labels.map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l, 'ascii')])), Buffer.from([0])]);
}

const u16 = (n: number): Buffer => { const b = Buffer.alloc(2); b.writeUInt16BE(n); return b; };
const u32 = (n: number): Buffer => { const b = Buffer.alloc(4); b.writeUInt32BE(n); return b; };
const u48 = (n: number): Buffer => { const b = Buffer.alloc(6); b.writeUIntBE(n, 0, 6); return b; };

/** The AXFR query, with a TSIG record appended when a key is given. */
export function axfrQuery(zone: string, key?: TsigKey, now = Math.floor(Date.now() / 1000)): Buffer {
  const id = randomInt(0, 0x10000);
  const header = (arcount: number): Buffer => Buffer.concat([u16(id), u16(0), u16(1), u16(0), u16(0), u16(arcount)]);
  const question = Buffer.concat([wireName(zone), u16(252), u16(1)]);
  if (!key) return Buffer.concat([header(0), question]);
  const keyName = wireName(key.name);
  const alg = wireName(key.algorithm);
  const fudge = 300;
  const variables = Buffer.concat([keyName, u16(255), u32(0), alg, u48(now), u16(fudge), u16(0), u16(0)]);
  const hash = key.algorithm.replace(/^hmac-/, '');
  const mac = createHmac(hash, Buffer.from(key.secret, 'base64')).update(Buffer.concat([header(0), question, variables])).digest();
  const rdata = Buffer.concat([alg, u48(now), u16(fudge), u16(mac.length), mac, u16(id), u16(0), u16(0)]);
  const tsig = Buffer.concat([keyName, u16(250), u16(255), u32(0), u16(rdata.length), rdata]);
  return Buffer.concat([header(1), question, tsig]);
}

function skipName(msg: Buffer, pos: number): number {
  for (;;) {
    const len = msg.readUInt8(pos);
    if (len === 0) return pos + 1;
    if ((len & 0xc0) === 0xc0) return pos + 2;
    pos += 1 + len;
  }
}

/** Transfers `zone` from 127.0.0.1:`port` (or `host`), signed with `key` when given. */
export function axfr(port: number, zone: string, opts: { key?: TsigKey; host?: string; timeoutMs?: number } = {}): Promise<AxfrResult> {
  const query = axfrQuery(zone, opts.key);
  return new Promise<AxfrResult>((resolve, reject) => {
    const socket = connect({ port, host: opts.host ?? '127.0.0.1' });
    let buf = Buffer.alloc(0);
    const result: AxfrResult = { rcode: '', records: 0, types: [] };
    let soas = 0;
    const timer = setTimeout(() => { socket.destroy(); reject(new Error(`axfr ${zone}: no complete answer within ${opts.timeoutMs ?? 5000} ms`)); }, opts.timeoutMs ?? 5000);
    const done = (): void => { clearTimeout(timer); socket.destroy(); resolve(result); };
    socket.on('connect', () => socket.write(Buffer.concat([u16(query.length), query])));
    socket.on('error', (err) => { clearTimeout(timer); reject(err); });
    socket.on('close', () => { clearTimeout(timer); if (result.rcode !== '') resolve(result); else reject(new Error(`axfr ${zone}: closed without an answer`)); });
    socket.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        const msg = buf.subarray(2, 2 + buf.readUInt16BE(0));
        buf = buf.subarray(2 + msg.length);
        const rcode = RCODES[msg.readUInt16BE(2) & 0x0f] ?? `RCODE${msg.readUInt16BE(2) & 0x0f}`;
        if (result.rcode === '') result.rcode = rcode;
        if (rcode !== 'NOERROR') return done();
        let pos = 12;
        for (let i = 0; i < msg.readUInt16BE(4); i++) pos = skipName(msg, pos) + 4;
        for (let i = 0; i < msg.readUInt16BE(6); i++) {
          pos = skipName(msg, pos);
          const type = msg.readUInt16BE(pos);
          pos += 10 + msg.readUInt16BE(pos + 8);
          result.records += 1;
          result.types.push(type);
          if (type === 6) soas += 1;
        }
        if (soas >= 2 || (soas === 1 && result.records === 1 && msg.readUInt16BE(6) === 0)) return done();
      }
    });
  });
}
