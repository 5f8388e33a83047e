/**
 * The `UpstreamObserver` implementation that turns HTTP client reports into metrics. The clients
 * promise route templates and bounded codes, but a label set is forever once scraped, so every
 * value is checked here again: anything unexpected is folded into `other`, and the number of
 * distinct endpoints is capped, so a client bug can never explode the series count.
 */
import type { Counter, Histogram } from 'prom-client';
import type { UpstreamObserver } from '../upstream/observer.js';
import { HTTP_METHODS, RETRY_REASONS, UPSTREAMS, isOneOf } from './labels.js';

/** Endpoint label values beyond this many distinct ones are counted as `other`. */
export const MAX_ENDPOINTS = 32;

/** Route templates look like `zones`, `zone_notify` or `plugins/netbox-dns/records`: no dots, so no zone names. */
const ENDPOINT_PATTERN = /^[a-z][a-z0-9_/-]{0,63}$/;
/** An HTTP status, or one of the two non-HTTP endings the clients report. */
const CODE_PATTERN = /^(?:[1-5][0-9][0-9]|timeout|network_error)$/;

export interface UpstreamMetricFamilies {
  requests: Counter<'upstream' | 'method' | 'endpoint' | 'code' | 'server'>;
  duration: Histogram<'upstream' | 'method'>;
  retries: Counter<'upstream' | 'reason'>;
}

/** Builds an observer writing into the given families. Its methods never throw. */
export function createUpstreamObserver(families: UpstreamMetricFamilies, servers: readonly string[] = []): UpstreamObserver {
  const known = new Set(servers);
  const seenEndpoints = new Set<string>();

  const upstreamLabel = (value: string): string => (isOneOf(UPSTREAMS, value) ? value : 'other');
  const methodLabel = (value: string): string => {
    const upper = value.toUpperCase();
    return isOneOf(HTTP_METHODS, upper) ? upper : 'OTHER';
  };
  const endpointLabel = (value: string): string => {
    if (!ENDPOINT_PATTERN.test(value)) return 'other';
    if (seenEndpoints.has(value)) return value;
    if (seenEndpoints.size >= MAX_ENDPOINTS) return 'other';
    seenEndpoints.add(value);
    return value;
  };

  return {
    request(info) {
      try {
        const upstream = upstreamLabel(info.upstream);
        const method = methodLabel(info.method);
        const code = CODE_PATTERN.test(info.code) ? info.code : 'other';
        // `server`: the PowerDNS target's configured name (bounded: anything else counts as other).
        const server = info.target === undefined ? {} : { server: known.has(info.target) ? info.target : 'other' };
        families.requests.inc({ upstream, method, endpoint: endpointLabel(info.endpoint), code, ...server });
        if (Number.isFinite(info.durationSeconds) && info.durationSeconds >= 0) {
          families.duration.observe({ upstream, method }, info.durationSeconds);
        }
      } catch {
        // Metrics must never break a request; a bad report is simply not counted.
      }
    },
    retry(info) {
      try {
        const reason = isOneOf(RETRY_REASONS, info.reason) ? info.reason : 'other';
        families.retries.inc({ upstream: upstreamLabel(info.upstream), reason });
      } catch {
        // See request().
      }
    },
  };
}
