/**
 * The fake NetBox's HTTP face: node:http, port 0, NetBox's auth rules (403, never 401), DRF error
 * bodies, `API-Version`/`X-Request-ID` headers, Django's APPEND_SLASH redirect, a request log,
 * injectable faults and a between-pages hook. All data behaviour lives in the store; this file is
 * plumbing.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { API_ROOT, VERSIONS, handlePluginApi, type ApiResult } from './api.js';
import type { BodyShape, WebhookEnvelope } from './events.js';
import { FaultQueue, faultBody, type Fault, type FaultControl } from './faults.js';
import { FakeNetboxError } from './model.js';
import { FakeNetboxStore } from './store.js';

/** A v1 token accepted when none are configured. */
export const FAKE_NETBOX_TOKEN = '0123456789abcdef0123456789abcdef01234567';
/** A v2 token (`Bearer nbt_<key>.<secret>`) accepted when none are configured. */
export const FAKE_NETBOX_V2_TOKEN = 'nbt_fakekey00001.0123456789abcdef0123456789abcdef01234567';

export interface FakeNetboxOptions {
  /** Accepted tokens: v1 plaintexts, and v2 as `nbt_<key>.<secret>`. Default both constants above. */
  tokens?: string[];
  /** MAX_PAGE_SIZE (default 1000). Below 50 it also lowers the default page size, so small pages are testable. */
  maxPageSize?: number;
  host?: string;
  /** Default 0 (a free port). */
  port?: number;
  bodyShape?: BodyShape;
  /** Clock for serials and timestamps (ms). */
  now?: () => number;
  /** Serve an existing store instead of a fresh one. */
  store?: FakeNetboxStore;
}

export interface RequestLogEntry {
  method: string;
  path: string;
  query: string;
  /** 0 while pending, or for a hung request. */
  status: number;
}

/** A list request that continues a listing (`offset` > 0, `id__gt` or `start` given), about to be answered. */
export interface PageRequest {
  /** `zones`, `records`, `nameservers` or `views`. */
  resource: string;
  query: URLSearchParams;
}

export interface FakeNetbox {
  url: string;
  store: FakeNetboxStore;
  requests: RequestLogEntry[];
  resetRequests(): void;
  onEvent(listener: (envelope: WebhookEnvelope) => void): () => void;
  faults: FaultControl;
  /**
   * Runs `hook` before each page after the first of any listing is built, so a test can change the
   * data while a listing is in flight (or hold the page: the answer waits for a returned promise).
   * Hooks run in the order added; returns the function that removes this one.
   */
  betweenPages(hook: (page: PageRequest) => void | Promise<void>): () => void;
  close(): Promise<void>;
}

const NOT_PROVIDED = { detail: 'Authentication credentials were not provided.' };

/** NetBox's TokenAuthentication: `Token`/`Bearer` keywords (any case); `nbt_` marks a v2 token. */
export function authenticate(header: string | undefined, tokens: ReadonlySet<string>): { detail: string } | null {
  if (!header) return NOT_PROVIDED;
  const [keyword = '', ...rest] = header.trim().split(/\s+/);
  if (!['token', 'bearer'].includes(keyword.toLowerCase())) return NOT_PROVIDED;
  if (rest.length === 0) return { detail: 'Invalid token header. No credentials provided.' };
  if (rest.length > 1) return { detail: 'Invalid token header. Token string should not contain spaces.' };
  const value = rest[0] ?? '';
  if (tokens.has(value)) return null;
  return { detail: value.startsWith('nbt_') ? 'Invalid v2 token' : 'Invalid v1 token' };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export async function startFakeNetbox(opts: FakeNetboxOptions = {}): Promise<FakeNetbox> {
  const shape = opts.bodyShape ?? '4.5';
  const store = opts.store ?? new FakeNetboxStore({ now: opts.now, bodyShape: shape });
  if (opts.store && opts.bodyShape) store.bodyShape = opts.bodyShape;
  if (opts.store && opts.now) store.setClock(opts.now);
  const tokens = new Set(opts.tokens ?? [FAKE_NETBOX_TOKEN, FAKE_NETBOX_V2_TOKEN]);
  const maxPageSize = opts.maxPageSize ?? 1000;
  const page = { maxPageSize, defaultLimit: Math.min(50, maxPageSize) };
  const version = VERSIONS[shape];
  const faults = new FaultQueue();
  const requests: RequestLogEntry[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const pageHooks: Array<(page: PageRequest) => void | Promise<void>> = [];

  /** The resource of a list request that continues a listing, else null. */
  function continuation(method: string, url: URL): string | null {
    if (method !== 'GET' || !url.pathname.startsWith(API_ROOT)) return null;
    const rest = url.pathname.slice(API_ROOT.length).split('/').filter((p) => p !== '');
    if (rest.length !== 1) return null;
    const q = url.searchParams;
    const offset = Number(q.get('offset') ?? '0');
    return (Number.isFinite(offset) && offset > 0) || q.has('id__gt') || q.has('start') ? rest[0] as string : null;
  }

  const sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const t = setTimeout(() => {
        timers.delete(t);
        resolve();
      }, ms);
      timers.add(t);
    });

  function respond(res: ServerResponse, entry: RequestLogEntry, requestId: string, result: ApiResult, fault?: Fault): void {
    const text = result.body === undefined ? '' : JSON.stringify(result.body);
    const headers: Record<string, string | number> = {
      'API-Version': version.api,
      'X-Request-ID': requestId,
      'Content-Length': Buffer.byteLength(text),
    };
    if (result.body !== undefined) headers['Content-Type'] = 'application/json';
    entry.status = result.status;
    res.writeHead(result.status, headers);
    if (fault?.truncate) {
      res.write(Buffer.from(text).subarray(0, Math.floor(Buffer.byteLength(text) / 2)));
      res.socket?.destroy();
      return;
    }
    res.end(text);
  }

  function route(method: string, url: URL, authHeader: string | undefined, body: unknown, requestId: string, empty: { zones: boolean; records: boolean }): ApiResult {
    const path = url.pathname;
    const isPlugin = path.startsWith(API_ROOT) || path === API_ROOT.slice(0, -1);
    const isCore = path === '/api/status/' || path === '/api/authentication-check/' || path === '/api/';
    if (!isPlugin && !isCore) return { status: 404, body: { detail: 'Not found.' } };
    const denied = authenticate(authHeader, tokens);
    if (denied) return { status: 403, body: denied };
    if (path === '/api/status/') {
      return {
        status: 200,
        body: {
          'django-version': '5.2.8',
          'installed-apps': {},
          'netbox-version': version.netbox,
          'netbox-full-version': version.netbox,
          plugins: { netbox_dns: version.plugin },
          'python-version': '3.12.3',
          'rq-workers-running': 1,
        },
      };
    }
    if (path === '/api/authentication-check/') {
      return { status: 200, body: { id: 1, url: `${url.origin}/api/users/users/1/`, display: store.username, username: store.username } };
    }
    if (path === '/api/') return { status: 200, body: { plugins: `${url.origin}/api/plugins/` } };
    return handlePluginApi(store, page, { method, pathname: path, params: url.searchParams, body, origin: url.origin, requestId, emptyZones: empty.zones, emptyRecords: empty.records });
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', `http://${req.headers.host ?? 'localhost'}`);
    const entry: RequestLogEntry = { method, path: url.pathname, query: url.search.replace(/^\?/, ''), status: 0 };
    requests.push(entry);
    const requestId = randomUUID();
    const isZoneList = method === 'GET' && url.pathname === `${API_ROOT}zones/`;
    const isRecordList = method === 'GET' && url.pathname === `${API_ROOT}records/`;
    const fault = faults.take(isZoneList, isRecordList);
    if (fault?.hang) return;
    if (fault?.delayMs) await sleep(fault.delayMs);
    if (res.destroyed) return;
    if (fault?.status !== undefined) {
      const text = fault.body ?? faultBody(fault.status);
      entry.status = fault.status;
      res.writeHead(fault.status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), 'X-Request-ID': requestId });
      if (fault.truncate) {
        res.write(text.slice(0, Math.floor(text.length / 2)));
        res.socket?.destroy();
      } else res.end(text);
      return;
    }
    if (url.pathname.startsWith('/api') && !url.pathname.endsWith('/')) {
      entry.status = 301;
      res.writeHead(301, { Location: `${url.pathname}/${url.search}`, 'Content-Length': 0 });
      res.end();
      return;
    }
    const resource = continuation(method, url);
    if (resource !== null) for (const hook of [...pageHooks]) await hook({ resource, query: new URLSearchParams(url.searchParams) });
    if (res.destroyed) return;
    let result: ApiResult;
    try {
      const raw = method === 'GET' || method === 'DELETE' ? '' : await readBody(req);
      let body: unknown;
      try {
        body = raw === '' ? {} : JSON.parse(raw);
      } catch (err) {
        throw new FakeNetboxError(400, { detail: `JSON parse error - ${(err as Error).message}` });
      }
      result = route(method, url, req.headers.authorization, body, requestId, {
        zones: fault?.emptyZones === true && isZoneList, records: fault?.emptyRecords === true && isRecordList,
      });
    } catch (err) {
      if (err instanceof FakeNetboxError) result = { status: err.status, body: err.body };
      else {
        const e = err instanceof Error ? err : new Error(String(err));
        result = { status: 500, body: { error: e.message, exception: e.name, netbox_version: version.netbox, python_version: '3.12.3' } };
      }
    }
    respond(res, entry, requestId, result, fault);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ error: String(err) }));
    });
  });
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const hostForUrl = host.includes(':') ? `[${host}]` : host;

  return {
    url: `http://${hostForUrl}:${port}`,
    store,
    requests,
    resetRequests: () => {
      requests.length = 0;
    },
    onEvent: (listener) => store.onEvent(listener),
    faults,
    betweenPages: (hook) => {
      pageHooks.push(hook);
      return () => {
        const i = pageHooks.indexOf(hook);
        if (i >= 0) pageHooks.splice(i, 1);
      };
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        timers.clear();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
