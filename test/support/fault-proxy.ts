/**
 * A tiny HTTP proxy in front of a real server (PowerDNS here) that injects faults on demand: the
 * project rule is real PowerDNS for integration tests, with a fault-injecting proxy only for the
 * failure cases pdns cannot be made to produce on cue (500, reset, slowness, 429 + Retry-After).
 * It also logs every request and tracks how many were in flight at once (to prove write serialising).
 */
import { STATUS_CODES, createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export interface Fault {
  /** Only requests with this method consume the fault (others pass through untouched). */
  method?: string;
  /** Answer with this status instead of forwarding (body: the reason phrase, as pdns does). */
  status?: number;
  body?: string;
  headers?: Record<string, string>;
  /** Destroy the client connection without any response (like pdns on an oversized body). */
  reset?: boolean;
  /** Wait this long, then forward (or apply status/reset). Makes clients time out. */
  delayMs?: number;
}

export interface ProxiedRequest {
  method: string;
  url: string;
  /** What happened: `forwarded`, `status 500`, `reset`, `aborted`. */
  outcome: string;
  status?: number;
  bodyBytes: number;
}

export interface FaultProxy {
  /** e.g. `http://127.0.0.1:40123`. */
  url: string;
  /** Queues faults; each one is used by the next matching request. */
  enqueue(...faults: Fault[]): void;
  /** Faults not consumed yet. */
  pending(): number;
  readonly requests: ProxiedRequest[];
  /** Highest number of concurrent requests seen, per method. */
  readonly maxInFlight: Map<string, number>;
  close(): Promise<void>;
}

/** Starts the proxy on a free port in front of `target` (e.g. `http://127.0.0.1:8081`). */
export async function startFaultProxy(target: string): Promise<FaultProxy> {
  const targetUrl = new URL(target);
  const faults: Fault[] = [];
  const requests: ProxiedRequest[] = [];
  const inFlight = new Map<string, number>();
  const maxInFlight = new Map<string, number>();
  const sockets = new Set<Socket>();

  function takeFault(method: string): Fault | undefined {
    const index = faults.findIndex((f) => f.method === undefined || f.method.toUpperCase() === method);
    return index < 0 ? undefined : faults.splice(index, 1)[0];
  }

  function forward(req: IncomingMessage, res: ServerResponse, body: Buffer, entry: ProxiedRequest): Promise<void> {
    return new Promise((resolve) => {
      const upstream = httpRequest({
        host: targetUrl.hostname, port: targetUrl.port, method: req.method, path: req.url,
        headers: { ...req.headers, host: targetUrl.host, 'content-length': String(body.length) },
      }, (up) => {
        entry.status = up.statusCode;
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
        up.on('end', resolve);
        up.on('error', () => resolve());
      });
      upstream.on('error', () => {
        entry.outcome = 'upstream_error';
        res.destroy();
        resolve();
      });
      // The client gave up (timeout): stop the upstream exchange too.
      res.on('close', () => {
        if (!res.writableFinished) {
          entry.outcome = 'aborted';
          upstream.destroy();
          resolve();
        }
      });
      upstream.end(body);
    });
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const entry: ProxiedRequest = { method, url: req.url ?? '', outcome: 'forwarded', bodyBytes: body.length };
    requests.push(entry);
    const now = (inFlight.get(method) ?? 0) + 1;
    inFlight.set(method, now);
    maxInFlight.set(method, Math.max(maxInFlight.get(method) ?? 0, now));
    try {
      const fault = takeFault(method);
      if (fault?.delayMs) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
      if (fault?.reset) {
        entry.outcome = 'reset';
        req.socket.destroy();
      } else if (fault?.status !== undefined) {
        entry.outcome = `status ${fault.status}`;
        entry.status = fault.status;
        res.writeHead(fault.status, { 'content-type': 'text/plain; charset=utf-8', connection: 'close', ...fault.headers });
        // Like pdns: a text/plain body that is only the reason phrase.
        res.end(fault.body ?? STATUS_CODES[fault.status] ?? '');
      } else if (!res.destroyed) {
        await forward(req, res, body, entry);
      }
    } finally {
      inFlight.set(method, (inFlight.get(method) ?? 1) - 1);
    }
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;

  return {
    url: `http://127.0.0.1:${port}`,
    enqueue: (...more) => void faults.push(...more),
    pending: () => faults.length,
    requests,
    maxInFlight,
    close: () => new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    }),
  };
}
