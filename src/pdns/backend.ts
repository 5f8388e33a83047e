/**
 * Which storage a PowerDNS server writes to, and how many writes it takes at once. Pure: the client
 * reads `GET /servers/{id}/config` and hands the list here.
 *
 * `launch` names the backends (`gsqlite3`, `gpgsql`, `gmysql,bind`, `gpgsql:second` for a named
 * instance). Only the SQL servers take concurrent writes; sqlite fails them with 500
 * (powerdns-api.md §6), and anything we have not measured (lmdb, bind, odbc, remote, …) is treated
 * like sqlite: serialising is always correct, only slower.
 */

/** Backends measured or known to take concurrent writes to different zones. */
export const CONCURRENT_BACKENDS: ReadonlySet<string> = new Set(['gpgsql', 'gmysql']);

/** Changes in flight at once on a concurrent backend under `auto`. */
export const AUTO_CONCURRENT_WRITES = 8;

/** `auto` (detect) or a fixed number of changes in flight. */
export type ConcurrentWritesSetting = 'auto' | number;

/** The backend names from a `GET /config` answer, or null when it has no `launch` entry. */
export function launchedBackends(config: unknown): string[] | null {
  if (!Array.isArray(config)) return null;
  const entry = config.find((c: unknown): c is { name: string; value: unknown } =>
    typeof c === 'object' && c !== null && (c as { name?: unknown }).name === 'launch');
  if (entry === undefined || typeof entry.value !== 'string') return null;
  return entry.value.split(',').map((b) => b.trim().split(':')[0]?.trim().toLowerCase() ?? '').filter((b) => b !== '');
}

export type ConcurrencySource = 'configured' | 'detected' | 'default';

export interface WriteConcurrency {
  /** Changes allowed in flight. */
  concurrency: number;
  source: ConcurrencySource;
  /** Set when a configured value disagrees with the detected backend. */
  warning?: string;
}

/**
 * The concurrency for `setting` given what was detected (`backends` null: not detected, or it
 * failed). A configured number is obeyed (the operator may know better, e.g. when the config
 * endpoint is blocked) but flagged when the backend is known not to take it.
 */
export function writeConcurrency(setting: ConcurrentWritesSetting, backends: readonly string[] | null): WriteConcurrency {
  const concurrent = backends !== null && backends.length > 0 && backends.every((b) => CONCURRENT_BACKENDS.has(b));
  if (setting !== 'auto') {
    const warning = setting > 1 && backends !== null && !concurrent
      ? `${setting} concurrent writes configured, but the backend is ${backends.join(',') || 'unknown'}: ${backends.includes('gsqlite3') ? 'sqlite fails concurrent writes with 500' : 'only gpgsql and gmysql are known to take them'}`
      : undefined;
    return { concurrency: setting, source: 'configured', ...(warning ? { warning } : {}) };
  }
  if (backends === null) return { concurrency: 1, source: 'default' };
  return { concurrency: concurrent ? AUTO_CONCURRENT_WRITES : 1, source: 'detected' };
}
