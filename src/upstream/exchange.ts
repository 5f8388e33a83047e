/**
 * One HTTP exchange with an upstream (PowerDNS or NetBox), the only place either client talks HTTP:
 * got with its own retry off (the retrier owns retrying), a per-request timeout, no throwing on HTTP
 * statuses (we classify), no redirects followed, TLS settings, one observation per attempt, a parsed
 * Retry-After on the error, and every text that leaves here scrubbed of every configured secret.
 */
import got, { RequestError, TimeoutError, type Got } from 'got';
import { classifyStatus, UpstreamError, type ErrorClass, type Upstream } from '../util/errors.js';
import { nullObserver, type UpstreamObserver } from './observer.js';
import { withRetryAfter } from './retry.js';
import type { Scrubber } from './scrub.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface ExchangeOptions {
  upstream: Upstream;
  /** How messages name the service: `PowerDNS`, `NetBox`. */
  label: string;
  /** The PowerDNS target's configured name, reported with each request (metrics label). */
  target?: string;
  /** Absolute URL the request paths are relative to. */
  baseUrl: string;
  headers: Record<string, string>;
  timeoutMs: number;
  tlsVerify: boolean;
  /** PEM CA bundle for a private CA. */
  ca?: string;
  scrub: Scrubber;
  observer?: UpstreamObserver;
  /** The human part of an error body (PowerDNS's `error`, NetBox's `detail`). */
  errorDetail: (body: string) => string;
  /** Advice appended to the message of a status, e.g. which setting to check. */
  hint?: (status: number, req: ExchangeRequest) => string;
  /** The class of an unexpected status, when it differs from `classifyStatus`. */
  classify?: (status: number) => ErrorClass;
}

export interface ExchangeRequest {
  /** Logical operation (`patchZone`), carried into errors and retry log lines. */
  operation: string;
  method: HttpMethod;
  /** Below `baseUrl`, without a leading slash; '' for `baseUrl` itself. */
  path: string;
  /** Route template for metrics, never an id or a zone name: `zones`, `zone`, `records`. */
  endpoint: string;
  searchParams?: URLSearchParams;
  /** Serialised JSON body. */
  body?: string;
  /** Statuses that are answers, not errors, for this call (e.g. [201, 409] for a create). */
  accept: number[];
}

export interface ExchangeResponse {
  status: number;
  body: string;
}

export interface Exchange {
  /** One attempt; throws a classified, scrubbed UpstreamError for network failures and statuses outside `accept`. */
  send(req: ExchangeRequest): Promise<ExchangeResponse>;
}

/** Longest error detail kept: upstream error pages can be large. */
const MAX_DETAIL_CHARS = 500;

export function clipDetail(text: string): string {
  const trimmed = text.trim();
  return trimmed.length > MAX_DETAIL_CHARS ? `${trimmed.slice(0, MAX_DETAIL_CHARS)}…` : trimmed;
}

export function createExchange(opts: ExchangeOptions): Exchange {
  const observer = opts.observer ?? nullObserver;
  const base = opts.baseUrl.replace(/\/+$/, '');
  const client: Got = got.extend({
    retry: { limit: 0 },
    timeout: { request: opts.timeoutMs },
    throwHttpErrors: false,
    followRedirect: false,
    headers: { accept: 'application/json', ...opts.headers },
    https: { rejectUnauthorized: opts.tlsVerify, ...(opts.ca ? { certificateAuthority: opts.ca } : {}) },
  });
  const classify = opts.classify ?? classifyStatus;

  return {
    async send(req) {
      const where = `${opts.label} ${req.method} /${req.path}`;
      const started = performance.now();
      const report = (code: string): void => {
        try {
          observer.request({
            upstream: opts.upstream, method: req.method, endpoint: req.endpoint, code, durationSeconds: (performance.now() - started) / 1000,
            ...(opts.target !== undefined ? { target: opts.target } : {}),
          });
        } catch {
          // an observer must never break a request
        }
      };
      let response;
      try {
        response = await client(req.path === '' ? base : `${base}/${req.path}`, {
          method: req.method,
          ...(req.searchParams ? { searchParams: req.searchParams } : {}),
          ...(req.body !== undefined ? { body: req.body, headers: { 'content-type': 'application/json' } } : {}),
        });
      } catch (err) {
        const timeout = err instanceof TimeoutError;
        const code = timeout ? 'timeout' : (err instanceof RequestError && err.code ? err.code : 'network_error');
        report(timeout ? 'timeout' : 'network_error');
        const why = timeout ? `timed out after ${opts.timeoutMs} ms` : `${code}: ${err instanceof Error ? err.message : String(err)}`;
        // No `cause`: got's error carries the request options, credentials included.
        throw new UpstreamError(opts.scrub(`${where}: ${why}`), opts.upstream, 'transient', { operation: req.operation, method: req.method, code });
      }
      report(String(response.statusCode));
      const body = typeof response.body === 'string' ? response.body : '';
      if (req.accept.includes(response.statusCode)) return { status: response.statusCode, body };
      const detail = opts.scrub(clipDetail(opts.errorDetail(body) || (response.statusMessage ?? '')));
      const hint = opts.hint?.(response.statusCode, req) ?? '';
      const error = new UpstreamError(
        opts.scrub(`${where}: HTTP ${response.statusCode}${detail ? `: ${detail}` : ''}${hint}`),
        opts.upstream, classify(response.statusCode),
        { operation: req.operation, method: req.method, status: response.statusCode, body: detail },
      );
      throw withRetryAfter(error, response.headers['retry-after']);
    },
  };
}
