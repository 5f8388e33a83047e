/**
 * The storage behind a test PowerDNS: the `launch=` lines of pdns.conf and the database they point at.
 * sqlite3 (the default) is a file in the server's work dir; pgsql is a database in a PostgreSQL
 * cluster, either one the caller shares between servers or a private one stopped with the server.
 * pgsql exists because sqlite fails concurrent writes with 500 (powerdns-api.md §6).
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startPostgres, type PgDatabase, type PostgresCluster } from './postgres.js';

const execFileAsync = promisify(execFile);

export type PdnsBackendKind = 'sqlite3' | 'pgsql';

export const PDNS_SQLITE_SCHEMA = process.env.PDNS_SQLITE_SCHEMA ?? '/usr/share/pdns-backend-sqlite3/schema/schema.sqlite3.sql';
export const PDNS_PGSQL_SCHEMA = process.env.PDNS_PGSQL_SCHEMA ?? '/usr/share/pdns-backend-pgsql/schema/schema.pgsql.sql';

export interface PdnsBackendOptions {
  backend?: PdnsBackendKind;
  /** pgsql: the cluster to create this server's database in; without it a private cluster is started. */
  postgres?: PostgresCluster;
  /** pgsql: connect through the cluster's unix socket instead of TCP 127.0.0.1 with a password. */
  pgsqlSocket?: boolean;
  /** Adds `gsqlite3-dnssec=yes` / `gpgsql-dnssec=yes` (needed for any DNSSEC, replication-dnssec.md §2.1). */
  dnssec?: boolean;
}

export interface PdnsBackend {
  kind: PdnsBackendKind;
  /** pdns.conf lines for this backend. */
  lines: string[];
  /** pgsql only. */
  database?: PgDatabase;
  /** Stops the private PostgreSQL cluster, if one was started for this server. */
  close(): Promise<void>;
}

/** The gsqlite3 lines; the database file is `<workDir>/pdns.sqlite3`. */
export function sqliteBackendLines(workDir: string, dnssec = false): string[] {
  return [
    'launch=gsqlite3',
    `gsqlite3-database=${join(workDir, 'pdns.sqlite3')}`,
    'gsqlite3-pragma-synchronous=0',
    ...(dnssec ? ['gsqlite3-dnssec=yes'] : []),
  ];
}

/** The gpgsql lines for `db`, over TCP with its password or through the socket dir (trust). */
export function pgsqlBackendLines(db: PgDatabase, opts: { socket?: boolean; dnssec?: boolean } = {}): string[] {
  return [
    'launch=gpgsql',
    `gpgsql-host=${opts.socket ? db.socketDir : db.host}`,
    `gpgsql-port=${db.port}`,
    `gpgsql-dbname=${db.dbname}`,
    `gpgsql-user=${db.user}`,
    `gpgsql-password=${db.password}`,
    ...(opts.dnssec ? ['gpgsql-dnssec=yes'] : []),
  ];
}

/** Creates the (empty, schema-loaded) database for a new server in `workDir`. */
export async function prepareBackend(workDir: string, opts: PdnsBackendOptions = {}): Promise<PdnsBackend> {
  const kind = opts.backend ?? 'sqlite3';
  if (kind === 'sqlite3') {
    await execFileAsync('sqlite3', [join(workDir, 'pdns.sqlite3'), `.read ${PDNS_SQLITE_SCHEMA}`]);
    return { kind, lines: sqliteBackendLines(workDir, opts.dnssec), close: async () => undefined };
  }
  const owned = opts.postgres === undefined;
  const cluster = opts.postgres ?? (await startPostgres());
  try {
    const database = await cluster.createDatabase({ schemaFile: PDNS_PGSQL_SCHEMA });
    return {
      kind,
      database,
      lines: pgsqlBackendLines(database, { socket: opts.pgsqlSocket, dnssec: opts.dnssec }),
      close: async () => {
        if (owned) await cluster.stop();
      },
    };
  } catch (err) {
    if (owned) await cluster.stop();
    throw err;
  }
}
