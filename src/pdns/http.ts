/**
 * One HTTP exchange with the PowerDNS API: got with its retry off (the retrier owns retrying), a
 * per-request timeout, no throwing on HTTP errors (we classify ourselves), and writes gated.
 *
 * Why writes are gated: on the sqlite backend a PATCH reads, then upgrades to a write lock, and
 * SQLite answers BUSY at once, so concurrent writes fail with 500 in 10–75 % of cases, also when
 * interleaved with zone creates (powerdns-api.md §6). Zone creation itself (POST /zones) never failed
 * at concurrency 8, and serialising it made a cold sync of 2,000 zones as slow as creating them one
 * by one (the bench, test/bench). So creates share the gate with each other (up to
 * MAX_CONCURRENT_CREATES) and every other write (PATCH, PUT, DELETE) holds it alone; reads are never
 * gated.
 */
import got, { RequestError, TimeoutError, type Got } from 'got';
import { classifyStatus, UpstreamError } from '../util/errors.js';
import { nullObserver, type UpstreamObserver } from '../util/observer.js';
import { withRetryAfter } from '../util/retry.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface PdnsRequest {
  /** Logical operation (`patchZone`), carried into errors. */
  operation: string;
  method: HttpMethod;
  /** Path below `/api/v1/servers/{server}`, '' for the server itself, e.g. `zones/rr.example.`. */
  path: string;
  /** Route template for metrics, never an id: `server`, `zones`, `zone`, `zone_notify`. */
  endpoint: string;
  searchParams?: Record<string, string>;
  /** Serialised JSON body. */
  body?: string;
  /** Statuses that are not errors for this call (e.g. [201, 409] for create). */
  accept: number[];
  /** The zone the call is about, for retry log lines (never used in URLs: `path` has the encoded id). */
  zone?: string;
}

export interface PdnsResponse {
  status: number;
  body: string;
}

export interface PdnsHttpOptions {
  baseUrl: string;
  apiKey: string;
  serverId: string;
  timeoutMs: number;
  /** Verify the API's TLS certificate (https only). Default true. */
  tlsVerify?: boolean;
  /** PEM CA bundle for a private CA. */
  ca?: string;
  observer?: UpstreamObserver;
}

export interface PdnsHttp {
  /** One attempt; throws UpstreamError for network failures and statuses outside `accept`. */
  send(req: PdnsRequest): Promise<PdnsResponse>;
  /** The API root for this server, e.g. `http://127.0.0.1:8081/api/v1/servers/localhost`. */
  readonly serverUrl: string;
}

/** Normalises a base URL given with or without `/api/v1` (and trailing slashes) to the server URL. */
export function serverUrl(baseUrl: string, serverId: string): string {
  const root = baseUrl.trim().replace(/\/+$/, '').replace(/\/api\/v1$/, '').replace(/\/api$/, '');
  return `${root}/api/v1/servers/${encodeURIComponent(serverId)}`;
}

/**
 * The human part of an error body. PowerDNS sends JSON `{"error": "..."}` for 422 and a text/plain
 * reason phrase (`Not Found`, `Conflict`, `Internal Server Error`) for most others, so read text and
 * then try JSON (powerdns-api.md §3).
 */
export function errorDetail(body: string): string {
  const text = body.trim();
  try {
    const parsed = JSON.parse(text) as unknown;
    if (typeof parsed === 'object' && parsed !== null) {
      const { error, errors } = parsed as { error?: unknown; errors?: unknown };
      if (typeof error === 'string') {
        return Array.isArray(errors) && errors.length > 0 ? `${error} (${errors.map(String).join('; ')})` : error;
      }
    }
  } catch {
    // not JSON: the text is the detail
  }
  return text.length > 500 ? `${text.slice(0, 500)}…` : text;
}

/** Creates the HTTP layer for one PowerDNS server. */
export function createPdnsHttp(opts: PdnsHttpOptions): PdnsHttp {
  const observer = opts.observer ?? nullObserver;
  const root = serverUrl(opts.baseUrl, opts.serverId);
  const client: Got = got.extend({
    retry: { limit: 0 },
    timeout: { request: opts.timeoutMs },
    throwHttpErrors: false,
    followRedirect: false,
    headers: { 'x-api-key': opts.apiKey, accept: 'application/json' },
    https: { rejectUnauthorized: opts.tlsVerify ?? true, ...(opts.ca ? { certificateAuthority: opts.ca } : {}) },
  });

  /** Never let the key reach a message, whatever a lower layer put there. */
  const scrub = (text: string): string => (opts.apiKey.length >= 4 ? text.split(opts.apiKey).join('***') : text);

  const gate = createWriteGate(MAX_CONCURRENT_CREATES);

  async function attempt(req: PdnsRequest): Promise<PdnsResponse> {
    const where = `${req.method} /${req.path}`;
    const started = performance.now();
    const report = (code: string): void => {
      try {
        observer.request({
          upstream: 'pdns', method: req.method, endpoint: req.endpoint, code,
          durationSeconds: (performance.now() - started) / 1000,
        });
      } catch {
        // observers must never break a request
      }
    };
    let response;
    try {
      response = await client(req.path === '' ? root : `${root}/${req.path}`, {
        method: req.method,
        ...(req.searchParams ? { searchParams: req.searchParams } : {}),
        ...(req.body !== undefined ? { body: req.body, headers: { 'content-type': 'application/json' } } : {}),
      });
    } catch (err) {
      const timeout = err instanceof TimeoutError;
      const code = timeout ? 'timeout' : (err instanceof RequestError && err.code ? err.code : 'network_error');
      report(timeout ? 'timeout' : 'network_error');
      const why = timeout ? `timed out after ${opts.timeoutMs} ms` : `${code}: ${err instanceof Error ? err.message : String(err)}`;
      // No `cause`: got's error carries the request options, API key header included.
      throw new UpstreamError(scrub(`PowerDNS ${where}: ${why}`), 'pdns', 'transient', {
        operation: req.operation, method: req.method, code,
      });
    }
    report(String(response.statusCode));
    const body = typeof response.body === 'string' ? response.body : '';
    if (req.accept.includes(response.statusCode)) return { status: response.statusCode, body };
    const detail = scrub(errorDetail(body) || (response.statusMessage ?? ''));
    const error = new UpstreamError(
      scrub(`PowerDNS ${where}: HTTP ${response.statusCode}${detail ? `: ${detail}` : ''}`),
      'pdns', classifyStatus(response.statusCode),
      { operation: req.operation, method: req.method, status: response.statusCode, body: detail },
    );
    throw withRetryAfter(error, response.headers['retry-after']);
  }

  return {
    serverUrl: root,
    send: (req) => (req.method === 'GET' ? attempt(req) : gate(req.method === 'POST' ? 'shared' : 'exclusive', () => attempt(req))),
  };
}

/** Creates in flight at once: the concurrency measured safe (powerdns-api.md §6: 0 errors at 8). */
export const MAX_CONCURRENT_CREATES = 8;

export type GateMode = 'shared' | 'exclusive';

/**
 * A FIFO reader/writer gate: `shared` runs alongside other shared runs (up to `maxShared`),
 * `exclusive` runs alone. Strict FIFO order means a waiting PATCH is never overtaken by creates
 * queued after it, so events are not starved behind a cold sync's thousands of creates.
 */
export function createWriteGate(maxShared: number): <T>(mode: GateMode, fn: () => Promise<T>) => Promise<T> {
  const waiting: Array<{ mode: GateMode; start: () => void }> = [];
  let shared = 0;
  let exclusive = false;
  function pump(): void {
    for (let head = waiting[0]; head !== undefined; head = waiting[0]) {
      if (exclusive) return;
      if (head.mode === 'exclusive' ? shared > 0 : shared >= maxShared) return;
      waiting.shift();
      if (head.mode === 'exclusive') exclusive = true;
      else shared++;
      head.start();
    }
  }
  return <T>(mode: GateMode, fn: () => Promise<T>): Promise<T> => new Promise<T>((resolve, reject) => {
    waiting.push({
      mode,
      start: () => {
        const release = (): void => {
          if (mode === 'exclusive') exclusive = false;
          else shared--;
          pump();
        };
        fn().then((value) => { release(); resolve(value); }, (err: unknown) => { release(); reject(err); });
      },
    });
    pump();
  });
}
