/**
 * A throw-away PostgreSQL cluster (Debian `postgresql`, binaries in /usr/lib/postgresql/<ver>/bin) for
 * integration tests and the benchmark: initdb into a temp dir, `postgres` on a free loopback port with
 * its unix socket in that dir, durability off for speed. One cluster can host several databases
 * (one per PowerDNS instance); tests start one cluster per test file.
 *
 * initdb and postgres refuse to run as root, so as root both run as the `postgres` system user. They are
 * spawned with Node's `uid`/`gid` rather than through `runuser`: a `runuser` in between would be the
 * PID we signal and track, it does not pass our SIGINT on as a fast shutdown, and killOnExit's
 * SIGKILL would hit it and orphan the postmaster.
 *
 * Authentication: unix socket `trust` (admin work through psql), TCP `scram-sha-256` (what PowerDNS
 * uses, with a password per database role).
 */
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chown, mkdtemp, readdir, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { killOnExit } from './children.js';
import { freePort } from './ports.js';
import { waitFor } from './wait.js';

const execFileAsync = promisify(execFile);

export interface PgDatabase {
  dbname: string;
  /** The database's owner role; it can log in over TCP with `password`. */
  user: string;
  password: string;
  host: string;
  port: number;
  /** The cluster's unix socket directory (libpq accepts it as `host`; trust auth there). */
  socketDir: string;
}

export interface PostgresCluster {
  host: string;
  port: number;
  socketDir: string;
  dataDir: string;
  /** PID of the postmaster. */
  pid: number;
  /** Major version, e.g. `15`. */
  version: string;
  /**
   * Creates a role and a database it owns (names default to `db1`, `db2`, …), and loads `schemaFile`
   * as that role when given.
   */
  createDatabase(opts?: { name?: string; schemaFile?: string }): Promise<PgDatabase>;
  /**
   * Runs SQL as the superuser (default) through the socket; returns unaligned tuples-only output.
   * Each string of an array is its own transaction (psql `-c` per string).
   */
  psql(sql: string | string[], opts?: { dbname?: string; user?: string }): Promise<string>;
  /** Fast shutdown (SIGINT), SIGKILL after 10 s; removes the directory unless kept. */
  stop(): Promise<void>;
  /** Everything postgres logged. */
  log(): string;
}

export interface StartPostgresOptions {
  /** PowerDNS opens a connection per API request thread; 100 (the default) is tight for several instances. */
  maxConnections?: number;
  /** Extra `-c name=value` settings. */
  settings?: Record<string, string>;
  startTimeoutMs?: number;
  /** Keep the directory on stop (also with env PG_KEEP_DIR=1). */
  keepDir?: boolean;
}

const SUPERUSER = 'postgres';
/** postgres exits on these when its TCP port is taken. */
const PG_BIND_FAILURE = /could not bind IPv4 address|could not create any TCP\/IP sockets/;

/** The Debian binary dir of the newest installed major version (or env PG_BINDIR). */
export async function postgresBinDir(): Promise<{ dir: string; version: string }> {
  if (process.env.PG_BINDIR) return { dir: process.env.PG_BINDIR, version: '?' };
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? (await readdir(root)).filter((v) => existsSync(join(root, v, 'bin', 'postgres'))) : [];
  const newest = versions.sort((a, b) => Number(b) - Number(a))[0];
  if (newest === undefined) throw new Error(`no PostgreSQL server under ${root}: run \`make install\` (installs postgresql)`);
  return { dir: join(root, newest, 'bin'), version: newest };
}

/** As root: the ids of the `postgres` system user; otherwise undefined (run as ourselves). */
function serverUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const line = execFileSync('getent', ['passwd', SUPERUSER], { encoding: 'utf8' }).trim();
  const [, , uid, gid] = line.split(':');
  if (uid === undefined || gid === undefined) throw new Error(`cannot read the ${SUPERUSER} user from getent: ${line}`);
  return { uid: Number(uid), gid: Number(gid) };
}

/** Our environment minus PG* variables, so a developer's PGHOST/PGDATABASE cannot redirect psql. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { LC_ALL: 'C' };
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('PG') && k !== 'LC_ALL') env[k] = v;
  return env;
}

export async function startPostgres(opts: StartPostgresOptions = {}): Promise<PostgresCluster> {
  const { dir: bin, version } = await postgresBinDir();
  const user = serverUser();
  const env = cleanEnv();
  const dir = await mkdtemp(join(tmpdir(), 'netbox-pdns-pg-'));
  const dataDir = join(dir, 'data');
  const keep = opts.keepDir ?? process.env.PG_KEEP_DIR === '1';
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  let logText = '';
  let port = 0;

  async function terminate(): Promise<void> {
    const proc = child;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    // SIGINT = "fast" shutdown. SIGTERM is "smart": it waits for every client (PowerDNS) to disconnect.
    proc.kill('SIGINT');
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), 10_000);
    });
    if ((await Promise.race([exited, late])) === 'late') proc.kill('SIGKILL');
    clearTimeout(timer);
    await exited;
  }

  /** Starts postmaster on `port`; 'bind-failed' when the port was taken meanwhile. */
  async function launch(): Promise<'ready' | 'bind-failed'> {
    const settings: Record<string, string> = {
      listen_addresses: '127.0.0.1',
      // Throw-away data: durability costs time and buys nothing here.
      fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off',
      max_connections: String(opts.maxConnections ?? 300),
      ...opts.settings,
    };
    const args = ['-D', dataDir, '-p', String(port), '-k', dir, ...Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`])];
    const proc = spawn(join(bin, 'postgres'), args, { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'], ...user });
    child = proc;
    let runLog = '';
    let gone = false;
    exited = new Promise((resolve) => proc.once('exit', () => {
      gone = true;
      resolve();
    }));
    const collect = (chunk: Buffer): void => {
      runLog += chunk.toString('utf8');
      logText += chunk.toString('utf8');
    };
    proc.stdout?.on('data', collect);
    proc.stderr?.on('data', collect);
    killOnExit(proc);
    const state = await waitFor(async () => {
      if (gone) return PG_BIND_FAILURE.test(runLog) ? 'bind-failed' : 'died';
      if (!runLog.includes('database system is ready to accept connections')) return undefined;
      // Our own log says we listen; pg_isready over TCP checks the path PowerDNS will use.
      await execFileAsync(join(bin, 'pg_isready'), ['-q', '-h', '127.0.0.1', '-p', String(port), '-U', SUPERUSER], { env });
      return 'ready';
    }, { timeoutMs: opts.startTimeoutMs ?? 20_000, message: `postgres on 127.0.0.1:${port} to accept connections` }).catch(async (err: unknown) => {
      await terminate();
      throw new Error(`${err instanceof Error ? err.message : String(err)}; log:\n${runLog}`);
    });
    if (state === 'died') throw new Error(`postgres exited during startup; log:\n${runLog}`);
    return state;
  }

  async function psql(sql: string | string[], o: { dbname?: string; user?: string } = {}): Promise<string> {
    const commands = (Array.isArray(sql) ? sql : [sql]).flatMap((c) => ['-c', c]);
    const args = ['-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-h', dir, '-p', String(port), '-U', o.user ?? SUPERUSER, '-d', o.dbname ?? 'postgres', ...commands];
    return (await execFileAsync(join(bin, 'psql'), args, { env })).stdout;
  }

  try {
    if (user) await chown(dir, user.uid, user.gid);
    await execFileAsync(join(bin, 'initdb'), [
      '-D', dataDir, '-U', SUPERUSER, '--auth-local=trust', '--auth-host=scram-sha-256',
      '-E', 'UTF8', '--locale=C', '--no-sync', '--no-instructions',
    ], { cwd: dir, env, ...user });
    for (let tries = 1; ; tries += 1) {
      port = await freePort();
      if ((await launch()) === 'ready') break;
      if (tries >= 5) throw new Error(`postgres could not bind a free port after 5 tries; log:\n${logText}`);
    }
  } catch (err) {
    await terminate();
    if (!keep) await rm(dir, { recursive: true, force: true });
    throw err;
  }

  let databases = 0;
  let stopped = false;
  return {
    host: '127.0.0.1',
    port,
    socketDir: dir,
    dataDir,
    pid: child?.pid ?? 0,
    version,
    psql,
    async createDatabase(o = {}) {
      databases += 1;
      const name = o.name ?? `db${databases}`;
      if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`createDatabase: "${name}" is not a plain lower-case identifier`);
      const password = randomBytes(12).toString('hex');
      // Two -c strings: CREATE DATABASE may not run inside a transaction with another statement.
      // FILE_COPY: copying the tiny template beats WAL-logging it (checkpoints are cheap with fsync off).
      await psql([`CREATE ROLE ${name} LOGIN PASSWORD '${password}'`, `CREATE DATABASE ${name} OWNER ${name} STRATEGY FILE_COPY`]);
      if (o.schemaFile) {
        // As the owner role, so PowerDNS (connecting as that role) owns its tables.
        await execFileAsync(join(bin, 'psql'), [
          '-X', '-q', '-1', '-v', 'ON_ERROR_STOP=1', '-h', dir, '-p', String(port), '-U', name, '-d', name, '-f', o.schemaFile,
        ], { env });
      }
      return { dbname: name, user: name, password, host: '127.0.0.1', port, socketDir: dir };
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await terminate();
      if (!keep) await rm(dir, { recursive: true, force: true });
    },
    log: () => logText,
  };
}
