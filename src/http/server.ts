/**
 * The daemon's HTTP endpoint on plain node:http or node:https (seven routes do not justify a framework):
 *   GET  /         the status page (HTML; read access as /status, or HTTP Basic with the token or API key)
 *   GET  /health   liveness only: 200 while the event loop runs, whatever NetBox/PowerDNS/MQTT do; always open
 *   GET  /status   the status document, or one zone with `?zone=` (auth: checkReadAccess in auth.ts)
 *   GET  /metrics  Prometheus exposition (the status token when one is set)
 *   POST /sync     queue a full reconcile (API key, rate limited)
 *   POST /webhook  NetBox webhook intake (size limited, rate limited; auth in webhook.ts)
 *   POST /approve  apply one refused plan by its id, if still current (API key, rate limited)
 *
 * With TLS files it serves HTTPS only, and `reloadTls` swaps in a renewed certificate for new
 * connections. Building the server never listens (tests and the daemon call `start`, port 0 is
 * fine). Handler errors become a generic 500 and a log line; nothing a client sends can crash the
 * process. Request headers and query strings are never logged or echoed: they may carry keys. A
 * refused credential is logged with the client address, never with what was presented.
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/log.js';
import { errorMessage, serializeError } from '../util/errors.js';
import { isLoopbackHost } from '../util/net.js';
import { checkApiKey, checkReadAccess, type ApiKeyCheck, type ReadKeys } from '../util/credentials.js';
import type { PageView } from './page/render.js';
import { servePage } from './page/serve.js';
import { MAX_APPROVE_BODY, parseApproveBody, type ApproveRequest } from './approve-body.js';

export type { ApproveRequest } from './approve-body.js';
import { createRateLimiter } from './rate-limit.js';
import { answerClientError, COMMON_HEADERS, readBody, sendJson } from './respond.js';
import { loadTlsMaterial, type TlsFiles } from './tls.js';

export interface HttpHandlers {
  /** Whole document without a zone; one zone's last result (or null when unknown) with one. */
  status(zone?: string): object | null;
  metrics(): Promise<{ contentType: string; body: string }>;
  sync(): Promise<{ queued: boolean }>;
  /** `client` is the peer address, for the log line of a refused request. */
  webhook(rawBody: Buffer, headers: IncomingHttpHeaders, client: string): Promise<{ status: number; body: object }>;
  /** What the status page shows. */
  page(): PageView;
  /** `by`: the name of the API key that authenticated the request. */
  approve(request: ApproveRequest, by: string): Promise<{ status: number; body: object }>;
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
  /** Required by POST /sync and POST /approve; unset disables them (503). Also opens the read endpoints. */
  apiKey?: string;
  /** The API key's name, what approvals are logged with (default `api-key`). */
  apiKeyName?: string;
  /** Required (as a Bearer token) by GET /status and GET /metrics when set. */
  statusToken?: string;
  /** Certificate and key files: HTTPS instead of HTTP. */
  tls?: TlsFiles;
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
  /** Re-reads the TLS files for new connections; false (and the old certificate kept) when they are unusable or TLS is off. */
  reloadTls(): boolean;
}

type Route = 'page' | 'health' | 'status' | 'metrics' | 'sync' | 'webhook' | 'approve';
const ROUTES: Record<string, { route: Route; method: 'GET' | 'POST' }> = {
  '/': { route: 'page', method: 'GET' },
  '/health': { route: 'health', method: 'GET' },
  '/status': { route: 'status', method: 'GET' },
  '/metrics': { route: 'metrics', method: 'GET' },
  '/sync': { route: 'sync', method: 'POST' },
  '/webhook': { route: 'webhook', method: 'POST' },
  '/approve': { route: 'approve', method: 'POST' },
};

export function createHttpServer(opts: HttpServerOptions): HttpServer {
  const { logger, clock, handlers } = opts;
  const limiters: Record<'sync' | 'webhook' | 'approve', { perMinute: number; limiter: ReturnType<typeof createRateLimiter> }> = {
    sync: { perMinute: opts.rateLimitPerMinute, limiter: createRateLimiter({ perMinute: opts.rateLimitPerMinute, clock }) },
    approve: { perMinute: opts.rateLimitPerMinute, limiter: createRateLimiter({ perMinute: opts.rateLimitPerMinute, clock }) },
    webhook: {
      perMinute: opts.webhookRateLimitPerMinute ?? opts.rateLimitPerMinute,
      limiter: createRateLimiter({ perMinute: opts.webhookRateLimitPerMinute ?? opts.rateLimitPerMinute, clock }),
    },
  };
  const stopGraceMs = opts.stopGraceMs ?? 5000;
  let bound: { host: string; port: number } | null = null;

  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
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
  };
  // The certificate is loaded in start(), so a bad file fails the start rather than construction.
  const secure: HttpsServer | null = opts.tls ? createHttpsServer({}, onRequest) : null;
  const server: Server = secure ?? createServer(onRequest);
  // Slow-client guards: a request must arrive whole within these.
  server.headersTimeout = 15_000;
  server.requestTimeout = 30_000;
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => answerClientError(err, socket, logger));
  // A plain-HTTP client or a port scanner on the HTTPS port: nothing to answer, nothing to worry about.
  secure?.on('tlsClientError', (err) => logger.debug(`TLS handshake failed: ${err.message}`));

  /** Loads the TLS files into the server; throws when they are unusable. */
  function applyTls(files: TlsFiles, what: 'loaded' | 'reloaded'): void {
    const material = loadTlsMaterial(files, clock.now());
    secure?.setSecureContext({ cert: material.cert, key: material.key });
    logger.info(`HTTPS certificate ${what}`, { subject: material.subject, valid_to: material.validTo });
    if (material.expired) logger.warn(`HTTPS certificate ${files.certFile} expired on ${material.validTo}`);
  }

  const readKeys: ReadKeys = { ...(opts.statusToken ? { statusToken: opts.statusToken } : {}), ...(opts.apiKey ? { apiKey: opts.apiKey } : {}) };
  const clientOf = (req: IncomingMessage): string => req.socket.remoteAddress ?? 'unknown';

  /** 401 for a missing or wrong credential, logged with who asked (never what they presented). */
  function denied(req: IncomingMessage, res: ServerResponse, what: string, check: ApiKeyCheck): void {
    logger.warn(`${req.method ?? 'GET'} ${what} rejected: missing or wrong credentials`, { client: clientOf(req), presented: check === 'wrong' });
    sendJson(res, 401, { error: 'unauthorized' }, { 'www-authenticate': 'Bearer realm="netbox-pdns"' });
  }

  /** True when the request may read; otherwise the refusal has been sent. */
  function mayRead(req: IncomingMessage, res: ServerResponse, what: string, zoneLookup: boolean): boolean {
    const check = checkReadAccess(req.headers, readKeys, zoneLookup);
    if (check === 'open' || check === 'ok') return true;
    if (check === 'disabled') {
      sendJson(res, 403, { error: 'zone_lookup_disabled', detail: 'GET /status?zone= needs a status token or an API key to be configured' });
    } else {
      denied(req, res, what, check);
    }
    return false;
  }

  function rateLimited(req: IncomingMessage, res: ServerResponse, route: 'sync' | 'webhook' | 'approve'): boolean {
    const key = clientOf(req);
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
      case 'page':
        return servePage(req, res, { readKeys, logger, page: handlers.page, client: clientOf(req) });
      case 'health':
        return sendJson(res, 200, { status: 'Healthy' });
      case 'status': {
        const query = new URLSearchParams((req.url ?? '').split('?')[1] ?? '');
        const zone = query.get('zone');
        if (!mayRead(req, res, '/status', zone !== null)) return;
        const doc = zone === null ? handlers.status() : zone === '' ? null : handlers.status(zone);
        if (doc === null) return sendJson(res, 404, { error: 'unknown zone' });
        return sendJson(res, 200, doc);
      }
      case 'metrics': {
        if (!mayRead(req, res, '/metrics', false)) return;
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
        if (auth !== 'ok') return denied(req, res, '/sync', auth);
        const { queued } = await handlers.sync();
        if (!queued) return sendJson(res, 503, { error: 'not_queued', detail: 'a full reconcile could not be queued (shutting down?)' });
        logger.info('full reconcile requested over HTTP');
        return sendJson(res, 202, { status: 'queued' });
      }
      case 'approve': {
        const auth = checkApiKey(req.headers, opts.apiKey);
        if (auth === 'disabled') {
          req.resume();
          return sendJson(res, 503, { error: 'approve_disabled', detail: 'POST /approve is disabled until an API key is configured' });
        }
        if (rateLimited(req, res, 'approve')) return void req.resume();
        if (auth !== 'ok') {
          req.resume();
          return denied(req, res, '/approve', auth);
        }
        const read = await readBody(req, MAX_APPROVE_BODY);
        if (!read.ok) {
          if (read.reason === 'too_large') sendJson(res, 413, { error: 'too_large' }, { connection: 'close' });
          return;
        }
        const request = parseApproveBody(read.body);
        if (typeof request === 'string') return sendJson(res, 400, { error: 'bad_request', detail: request });
        const answer = await handlers.approve(request, opts.apiKeyName ?? 'api-key');
        return sendJson(res, answer.status, answer.body);
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
        const result = await handlers.webhook(read.body, req.headers, clientOf(req));
        return sendJson(res, result.status, result.body);
      }
    }
  }

  return {
    async start() {
      if (opts.tls) applyTls(opts.tls, 'loaded');
      return new Promise((resolve, reject) => {
        const onError = (err: Error): void => reject(err);
        server.once('error', onError);
        server.listen({ host: opts.host, port: opts.port }, () => {
          server.off('error', onError);
          server.on('error', (err) => logger.error('http server error', { error: serializeError(err) }));
          const addr = server.address() as AddressInfo;
          bound = { host: addr.address, port: addr.port };
          logger.info(`${secure ? 'HTTPS' : 'HTTP'} listening on ${addr.address}:${addr.port}`);
          if (!secure && !isLoopbackHost(opts.host)) {
            logger.warn(`HTTP listens on ${opts.host} without TLS: API keys, status tokens and webhook bodies cross the network `
              + 'in clear; set http_tls_cert_file and http_tls_key_file, or bind 127.0.0.1 behind a TLS reverse proxy');
          }
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

    reloadTls() {
      if (!opts.tls) return false;
      try {
        applyTls(opts.tls, 'reloaded');
        return true;
      } catch (err) {
        logger.error(`HTTPS certificate not reloaded, the current one stays in use: ${errorMessage(err)}`);
        return false;
      }
    },
  };
}
