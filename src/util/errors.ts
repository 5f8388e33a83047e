/**
 * Error classes and the single place where failures are classified. Retry and requeue decisions
 * are made from `errorClass(err)` only, never from ad-hoc status checks elsewhere.
 */

/** How a failure should be handled. */
export type ErrorClass =
  /** Network error, timeout, 429, 5xx: retry with backoff, requeue the zone. */
  | 'transient'
  /** Bad data or request (400, 422, unsafe plan): do not retry until something changes. */
  | 'terminal'
  /** The zone does not exist upstream (404): take the create path. */
  | 'zone-missing'
  /** Bad credentials or permissions (401, 403): global, surfaces in /status. */
  | 'auth';

export type Upstream = 'pdns' | 'netbox';

/** A failed HTTP exchange with PowerDNS or NetBox. The message never contains credentials. */
export class UpstreamError extends Error {
  override readonly name = 'UpstreamError';
  constructor(
    message: string,
    readonly upstream: Upstream,
    readonly errorClass: ErrorClass,
    readonly details: {
      /** Logical operation, e.g. `patchZone`. */
      operation: string;
      method?: string;
      /** HTTP status, when a response arrived. */
      status?: number;
      /** Network error code such as ECONNRESET, or `timeout`. */
      code?: string;
      /** First part of the response body (plain text or the JSON `error`/`detail`). */
      body?: string;
    },
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A plan that would delete or change more than the safety thresholds allow. Never retried. */
export class UnsafePlanError extends Error {
  override readonly name = 'UnsafePlanError';
  readonly errorClass: ErrorClass = 'terminal';
  constructor(message: string) {
    super(message);
  }
}

/** Any other failure that must not be retried by the call that met it (ambiguous zone, invalid NetBox data, lock timeout: the queue retries that one later). */
export class TerminalError extends Error {
  override readonly name = 'TerminalError';
  readonly errorClass: ErrorClass = 'terminal';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Invalid configuration: every problem, one line each. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

const TRANSIENT_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND', 'EHOSTUNREACH',
  'ENETUNREACH', 'ECONNABORTED', 'ERR_GOT_REQUEST_ERROR', 'ETIMEOUT', 'timeout',
]);

/** Classifies an HTTP status code. */
export function classifyStatus(status: number): ErrorClass {
  if (status === 401 || status === 403) return 'auth';
  if (status === 404) return 'zone-missing';
  if (status === 408 || status === 429 || status >= 500) return 'transient';
  return 'terminal';
}

/** Classifies any thrown value. Unknown errors are terminal: we never retry what we don't understand. */
export function errorClass(err: unknown): ErrorClass {
  if (err instanceof UpstreamError || err instanceof UnsafePlanError || err instanceof TerminalError) {
    return err.errorClass;
  }
  if (typeof err === 'object' && err !== null) {
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'string' && TRANSIENT_CODES.has(code)) return 'transient';
  }
  return 'terminal';
}

/** A plain, loggable view of an error: name, message, cause chain and stack (Error fields are not enumerable). */
export function serializeError(err: unknown, depth = 0): Record<string, unknown> {
  if (!(err instanceof Error)) return { message: String(err) };
  const out: Record<string, unknown> = { name: err.name, message: err.message };
  if (err instanceof UpstreamError) {
    out.upstream = err.upstream;
    out.error_class = err.errorClass;
    Object.assign(out, err.details);
  }
  if (err.stack) out.stack = err.stack;
  if (err.cause !== undefined && depth < 3) out.cause = serializeError(err.cause, depth + 1);
  return out;
}

/** A short one-line reason for an error, for logs and /status. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
