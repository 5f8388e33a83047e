/**
 * The daemon's HTTP endpoint on plain node:http (five routes do not justify a framework):
 *   GET  /health   liveness only: 200 while the event loop runs, whatever NetBox/PowerDNS/MQTT do
 *   GET  /status   the status document, or one zone with `?zone=`
 *   GET  /metrics  Prometheus exposition
 *   POST /sync     queue a full reconcile (API key, rate limited)
 *   POST /webhook  NetBox webhook intake (size limited, rate limited; auth in webhook.ts)
 *
 * Building the server never listens (tests and the daemon call `start`, port 0 is fine). Handler
 * errors become a generic 500 and a log line; nothing a client sends can crash the process. Request
 * headers and query strings are never logged or echoed: they may carry keys.
 */
import { STATUS_CODES, createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/log.js';
import { serializeError } from '../util/errors.js';
import { checkApiKey } from './auth.js';
import { createRateLimiter } from './rate-limit.js';

export interface HttpHandlers {
  /** Whole document without a zone; one zone's last result (or null when unknown) with one. */
  status(zone?: string): object | null;
  metrics(): Promise<{ contentType: string; body: string }>;
  sync(): Promise<{ queued: boolean }>;
  /** `client` is the peer address, for the log line of a refused request. */
  webhook(rawBody: Buffer, headers: IncomingHttpHeaders, client: string): Promise<{ status: number; body: object }>;
}

export interface HttpServerOptions {
  host: string;
  port: number;
  logger: Logger;
  clock: Clock;
  /** Largest POST /webhook body; larger ones get 413 without being read further. */
  maxBodyBytes: number;
  /** Per client address and route, on POST /sync and POST /webhook. */
  rateLimitPerMinute: number;
  /**
   * Per client address on POST /webhook. Separate from /sync: one NetBox bulk edit sends a webhook
   * per object from one address, and NetBox does not retry a 429 by default.
   */
  webhookRateLimitPerMinute?: number;
  /** Required by POST /sync; unset disables it (503). */
  apiKey?: string;
  handlers: HttpHandlers;
  /** Told about webhooks refused here, before the handler sees them (`too_large`). */
  webhookObserver?: { rejected(reason: string): void };
  /** How long `stop` lets in-flight requests finish before cutting connections (default 5 s). */
  stopGraceMs?: number;
}

export interface HttpServer {
  start(): Promise<{ host: string; port: number }>;
  /** Stops listening, closes idle keep-alive connections, and cuts busy ones after the grace time. */
  stop(): Promise<void>;
  address(): { host: string; port: number };
}

type Route = 'health' | 'status' | 'metrics' | 'sync' | 'webhook';
const ROUTES: Record<string, { route: Route; method: 'GET' | 'POST' }> = {
  '/health': { route: 'health', method: 'GET' },
  '/status': { route: 'status', method: 'GET' },
  '/metrics': { route: 'metrics', method: 'GET' },
  '/sync': { route: 'sync', method: 'POST' },
  '/webhook': { route: 'webhook', method: 'POST' },
};

const COMMON_HEADERS = { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' };

function sendJson(res: ServerResponse, status: number, body: object, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...COMMON_HEADERS,
    ...headers,
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(text)),
  });
  res.end(text);
}

type BodyRead = { ok: true; body: Buffer } | { ok: false; reason: 'too_large' | 'aborted' };

/**
 * Reads the request body, giving up the moment it passes `limit` bytes: nothing beyond the limit
 * is kept, and the caller answers 413 and closes the connection. Chunked bodies are covered too.
 */
function readBody(req: IncomingMessage, limit: number): Promise<BodyRead> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const finish = (result: BodyRead): void => {
      if (settled) return;
      settled = true;
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onAbort);
      req.off('close', onAbort);
      resolve(result);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        chunks.length = 0;
        req.pause();
        finish({ ok: false, reason: 'too_large' });
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => finish({ ok: true, body: Buffer.concat(chunks, size) });
    const onAbort = (): void => finish({ ok: false, reason: 'aborted' });
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onAbort);
    req.on('close', onAbort);
  });
}

export function createHttpServer(opts: HttpServerOptions): HttpServer {
  const { logger, clock, handlers } = opts;
  const limiters: Record<'sync' | 'webhook', { perMinute: number; limiter: ReturnType<typeof createRateLimiter> }> = {
    sync: { perMinute: opts.rateLimitPerMinute, limiter: createRateLimiter({ perMinute: opts.rateLimitPerMinute, clock }) },
    webhook: {
      perMinute: opts.webhookRateLimitPerMinute ?? opts.rateLimitPerMinute,
      limiter: createRateLimiter({ perMinute: opts.webhookRateLimitPerMinute ?? opts.rateLimitPerMinute, clock }),
    },
  };
  const stopGraceMs = opts.stopGraceMs ?? 5000;
  let bound: { host: string; port: number } | null = null;

  const server: Server = createServer((req, res) => {
    const started = clock.monotonic();
    const method = req.method ?? 'GET';
    // Path only: the query string can carry a zone name today and who knows what tomorrow.
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const logPath = path.length > 200 ? `${path.slice(0, 200)}…` : path;
    res.once('finish', () => {
      logger.debug('http request', { method, path: logPath, status: res.statusCode, duration_ms: Math.round(clock.monotonic() - started) });
    });
    dispatch(req, res, method, path).catch((err: unknown) => {
      logger.error(`${method} ${logPath} failed`, { error: serializeError(err) });
      if (!res.headersSent) sendJson(res, 500, { error: 'internal_error', detail: 'internal error; see the daemon log' });
      else res.destroy();
    });
  });
  // Slow-client guards: a request must arrive whole within these.
  server.headersTimeout = 15_000;
  server.requestTimeout = 30_000;
  // Requests node:http cannot parse (or that time out) get a JSON answer too, then the socket closes.
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    const pending = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (err.code === 'ECONNRESET' || !socket.writable || pending?.headersSent === true) {
      socket.destroy();
      return;
    }
    const status = err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : err.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
    const body = JSON.stringify({ error: status === 408 ? 'request_timeout' : 'bad_request' });
    logger.debug('unparseable request', { status, code: err.code });
    socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\ncontent-type: application/json\r\n`
      + `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
  });

  function rateLimited(req: IncomingMessage, res: ServerResponse, route: 'sync' | 'webhook'): boolean {
    const key = req.socket.remoteAddress ?? 'unknown';
    const { limiter, perMinute } = limiters[route];
    if (limiter.take(key)) return false;
    logger.debug('rate limited', { route });
    sendJson(res, 429, { error: 'rate_limited', detail: `at most ${perMinute} requests per minute` },
      { 'retry-after': String(limiter.retryAfterSeconds(key)) });
    return true;
  }

  function tooLarge(res: ServerResponse): void {
    opts.webhookObserver?.rejected('too_large');
    logger.warn('webhook rejected: body too large', { reason: 'too_large', limit: opts.maxBodyBytes });
    // Close the connection: the rest of the body is never read.
    sendJson(res, 413, { error: 'too_large', detail: `body larger than ${opts.maxBodyBytes} bytes` }, { connection: 'close' });
  }

  async function dispatch(req: IncomingMessage, res: ServerResponse, method: string, path: string): Promise<void> {
    const entry = ROUTES[path];
    if (entry === undefined) return sendJson(res, 404, { error: 'not_found' });
    const allowed = entry.method === 'GET' ? ['GET', 'HEAD'] : ['POST'];
    if (!allowed.includes(method)) return sendJson(res, 405, { error: 'method_not_allowed' }, { allow: allowed.join(', ') });

    switch (entry.route) {
      case 'health':
        return sendJson(res, 200, { status: 'Healthy' });
      case 'status': {
        const query = new URLSearchParams((req.url ?? '').split('?')[1] ?? '');
        const zone = query.get('zone');
        const doc = zone === null ? handlers.status() : zone === '' ? null : handlers.status(zone);
        if (doc === null) return sendJson(res, 404, { error: 'unknown zone' });
        return sendJson(res, 200, doc);
      }
      case 'metrics': {
        const { contentType, body } = await handlers.metrics();
        res.writeHead(200, { ...COMMON_HEADERS, 'content-type': contentType, 'content-length': String(Buffer.byteLength(body)) });
        res.end(body);
        return;
      }
      case 'sync': {
        req.resume(); // any body is ignored; drain it without keeping it
        const auth = checkApiKey(req.headers, opts.apiKey);
        if (auth === 'disabled') {
          return sendJson(res, 503, { error: 'sync_disabled', detail: 'POST /sync is disabled until an API key is configured' });
        }
        if (rateLimited(req, res, 'sync')) return;
        if (auth !== 'ok') {
          logger.warn('POST /sync rejected: missing or wrong API key', { presented: auth === 'wrong' });
          return sendJson(res, 401, { error: 'unauthorized' });
        }
        const { queued } = await handlers.sync();
        if (!queued) return sendJson(res, 503, { error: 'not_queued', detail: 'a full reconcile could not be queued (shutting down?)' });
        logger.info('full reconcile requested over HTTP');
        return sendJson(res, 202, { status: 'queued' });
      }
      case 'webhook': {
        if (rateLimited(req, res, 'webhook')) return;
        const declared = Number(req.headers['content-length'] ?? '0');
        if (Number.isFinite(declared) && declared > opts.maxBodyBytes) return tooLarge(res);
        const read = await readBody(req, opts.maxBodyBytes);
        if (!read.ok) {
          if (read.reason === 'too_large') tooLarge(res);
          return; // aborted: the client is gone, nobody to answer
        }
        const result = await handlers.webhook(read.body, req.headers, req.socket.remoteAddress ?? 'unknown');
        return sendJson(res, result.status, result.body);
      }
    }
  }

  return {
    start() {
      return new Promise((resolve, reject) => {
        const onError = (err: Error): void => reject(err);
        server.once('error', onError);
        server.listen({ host: opts.host, port: opts.port }, () => {
          server.off('error', onError);
          server.on('error', (err) => logger.error('http server error', { error: serializeError(err) }));
          const addr = server.address() as AddressInfo;
          bound = { host: addr.address, port: addr.port };
          logger.info(`HTTP listening on ${addr.address}:${addr.port}`);
          resolve({ ...bound });
        });
      });
    },

    stop() {
      if (!server.listening) return Promise.resolve();
      return new Promise((resolve) => {
        const cancel = clock.setTimer(() => server.closeAllConnections(), stopGraceMs);
        server.close(() => {
          cancel();
          resolve();
        });
        // Keep-alive connections with no request in flight would otherwise hold close() open.
        server.closeIdleConnections();
      });
    },

    address() {
      if (bound === null) throw new Error('HTTP server not started');
      return { ...bound };
    },
  };
}
