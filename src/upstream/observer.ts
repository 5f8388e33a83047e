/**
 * Hooks through which the HTTP clients report what they do, so metrics can be attached without the
 * clients knowing about prom-client. Every method is optional to call and must never throw.
 */
import type { Upstream } from '../util/errors.js';

export interface UpstreamRequestInfo {
  upstream: Upstream;
  method: string;
  /** Route template, never an id or zone name: e.g. `zones`, `zone`, `zone_notify`, `records`. */
  endpoint: string;
  /** HTTP status as a string, or `timeout` / `network_error`. */
  code: string;
  durationSeconds: number;
  /** The PowerDNS target's configured name (absent for NetBox). */
  target?: string;
}

export interface UpstreamRetryInfo {
  upstream: Upstream;
  operation: string;
  /** `http_5xx`, `http_429`, `timeout` or `network_error`. */
  reason: string;
  attempt: number;
  delayMs: number;
}

export interface UpstreamObserver {
  request(info: UpstreamRequestInfo): void;
  retry(info: UpstreamRetryInfo): void;
}

/** An observer that records nothing. */
export const nullObserver: UpstreamObserver = { request: () => undefined, retry: () => undefined };
