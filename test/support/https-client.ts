/**
 * A one-request HTTPS client trusting a given CA file (fetch cannot be given a CA without undici's
 * Agent), on a fresh connection each time so a reloaded certificate is seen at once. Resolves with
 * the answer and the certificate the server presented; rejects on any TLS or socket error.
 */
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import type { TLSSocket } from 'node:tls';

export interface HttpsAnswer {
  status: number;
  body: string;
  /** The server's certificate as the client saw it. */
  peer: { subject: string; serialNumber: string };
}

export function httpsGet(url: string, opts: { caFile?: string; headers?: Record<string, string> } = {}): Promise<HttpsAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method: 'GET', agent: false, timeout: 5_000, headers: opts.headers ?? {},
      ...(opts.caFile !== undefined ? { ca: readFileSync(opts.caFile) } : {}),
    }, (res) => {
      const cert = (res.socket as TLSSocket).getPeerCertificate();
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({
        status: res.statusCode ?? 0,
        body: Buffer.concat(chunks).toString('utf8'),
        peer: { subject: Object.entries(cert.subject ?? {}).map(([k, v]) => `${k}=${String(v)}`).join(', '), serialNumber: cert.serialNumber },
      }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer from ${url} within 5 s`)));
    req.on('error', reject);
    req.end();
  });
}
