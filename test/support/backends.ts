/**
 * Runs a suite once per PowerDNS backend: sqlite3 (what most tests use) and gpgsql on a real
 * PostgreSQL (what production mostly runs, and where writes run concurrently). The suite gets the
 * backend to hand to startSyncEnv/startPdns; each run starts its own servers.
 *
 * `TEST_PDNS_BACKENDS=sqlite3` (or `pgsql`; PowerDNS's names gsqlite3 and gpgsql work too) narrows it,
 * e.g. while iterating on one of them.
 */
import type { PdnsBackendKind } from './pdns-backend.js';

const ALL: readonly PdnsBackendKind[] = ['sqlite3', 'pgsql'];

/** The backends to run on: every one, or those `TEST_PDNS_BACKENDS` lists (comma-separated). */
export function testBackends(env: Record<string, string | undefined> = process.env): PdnsBackendKind[] {
  const alias: Record<string, PdnsBackendKind> = { gsqlite3: 'sqlite3', gpgsql: 'pgsql' };
  const wanted = env.TEST_PDNS_BACKENDS?.split(',').map((b) => b.trim().toLowerCase()).filter((b) => b !== '').map((b) => alias[b] ?? b);
  if (wanted === undefined || wanted.length === 0) return [...ALL];
  const unknown = wanted.filter((b) => !(ALL as readonly string[]).includes(b));
  if (unknown.length > 0) throw new Error(`TEST_PDNS_BACKENDS: unknown backend(s) ${unknown.join(', ')} (known: ${ALL.join(', ')})`);
  return wanted as PdnsBackendKind[];
}

/** PowerDNS's own name of the backend, as its `launch` setting and /status say it. */
export const LAUNCH_NAME: Record<PdnsBackendKind, string> = { sqlite3: 'gsqlite3', pgsql: 'gpgsql' };

/** `describe('on gsqlite3' | 'on gpgsql', …)` around `suite` for each backend. */
export function forEachBackend(suite: (backend: PdnsBackendKind) => void): void {
  for (const backend of testBackends()) describe(`on ${LAUNCH_NAME[backend]}`, () => suite(backend));
}
