/**
 * The PowerDNS side of the upstream exchange (upstream/exchange.ts): the server URL and PowerDNS's
 * error bodies. Writes are gated one level up (write-concurrency.ts), around the retries.
 */
import { createExchange, type ExchangeRequest, type ExchangeResponse } from '../upstream/exchange.js';
import type { UpstreamObserver } from '../upstream/observer.js';
import { createScrubber, type Scrubber } from '../upstream/scrub.js';

export type PdnsRequest = ExchangeRequest & {
  /** The zone the call is about, for retry log lines (never used in URLs: `path` has the encoded id). */
  zone?: string;
};

export type PdnsResponse = ExchangeResponse;

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
  /** Scrubs every configured secret from error texts; defaults to one knowing the API key. */
  scrub?: Scrubber;
  /** The target's configured name, for metrics. */
  target?: string;
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
  return text;
}

/** Advice for statuses whose usual cause is the configuration (a zone's own 404 is not one). */
function hint(status: number, req: ExchangeRequest): string {
  if (status === 401 || status === 403) return ' (check PDNS_TOKEN: it must be the api-key of this PowerDNS)';
  if (status === 404 && (req.endpoint === 'server' || req.endpoint === 'zones')) {
    return ' (check PDNS_SERVER_ID, usually "localhost", and that PDNS_URL is the PowerDNS API webserver)';
  }
  if (status >= 300 && status < 400) return ' (PDNS_URL answers with a redirect: does it point at the PowerDNS API webserver, with the right scheme?)';
  return '';
}

/** Creates the HTTP layer for one PowerDNS server. */
export function createPdnsHttp(opts: PdnsHttpOptions): PdnsHttp {
  const root = serverUrl(opts.baseUrl, opts.serverId);
  const exchange = createExchange({
    upstream: 'pdns', label: 'PowerDNS', baseUrl: root, ...(opts.target !== undefined ? { target: opts.target } : {}),
    headers: { 'x-api-key': opts.apiKey },
    timeoutMs: opts.timeoutMs, tlsVerify: opts.tlsVerify ?? true, ...(opts.ca ? { ca: opts.ca } : {}),
    scrub: opts.scrub ?? createScrubber([opts.apiKey]),
    ...(opts.observer ? { observer: opts.observer } : {}),
    errorDetail, hint,
  });
  return { serverUrl: root, send: (req) => exchange.send(req) };
}
