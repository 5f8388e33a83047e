/**
 * The PowerDNS backend the bench runs on (`BENCH_BACKEND`): sqlite3 (the default, one file per
 * server) or gpgsql on a throw-away PostgreSQL cluster (Debian `postgresql`, free port, temp dir),
 * started once per run and holding one database per PowerDNS the bench starts, floors included, so
 * the daemon's figures and their floors always share a backend. `both` runs the whole bench once
 * per backend (both.ts).
 */
import type { StartPdnsOptions } from '../support/pdns-server.js';
import { startPostgres, type PostgresCluster } from '../support/postgres.js';

export type BenchBackend = 'sqlite3' | 'gpgsql';
export const BENCH_BACKENDS: readonly BenchBackend[] = ['sqlite3', 'gpgsql'];

/** `BENCH_BACKEND`'s backends: sqlite3 when unset; `pgsql` is taken for gpgsql; `both` is every one. */
export function benchBackends(value: string | undefined): BenchBackend[] {
  const v = (value ?? '').trim().toLowerCase();
  if (v === '' || v === 'sqlite3' || v === 'gsqlite3' || v === 'sqlite') return ['sqlite3'];
  if (v === 'gpgsql' || v === 'pgsql' || v === 'postgres' || v === 'postgresql') return ['gpgsql'];
  if (v === 'both') return [...BENCH_BACKENDS];
  throw new Error(`BENCH_BACKEND=${value ?? ''}: must be sqlite3, gpgsql or both`);
}

export interface BenchStorage {
  backend: BenchBackend;
  /** The options every PowerDNS of this run starts with (its database in the run's cluster). */
  pdnsOptions(): Promise<StartPdnsOptions>;
  /** For the JSON: the backend and, on gpgsql, the PostgreSQL version. */
  describe(): { backend: BenchBackend; postgres?: string };
  close(): Promise<void>;
}

export function createBenchStorage(backend: BenchBackend): BenchStorage {
  let cluster: Promise<PostgresCluster> | null = null;
  let version: string | undefined;
  return {
    backend,
    async pdnsOptions() {
      if (backend === 'sqlite3') return { backend: 'sqlite3' };
      // One cluster for the run; PowerDNS opens a connection per thread, so leave room for several.
      cluster ??= startPostgres({ maxConnections: 400 });
      const pg = await cluster;
      version = pg.version;
      return { backend: 'pgsql', postgres: pg };
    },
    describe: () => ({ backend, ...(version !== undefined ? { postgres: version } : {}) }),
    async close() {
      const pg = await cluster?.catch(() => null);
      await pg?.stop();
    },
  };
}
