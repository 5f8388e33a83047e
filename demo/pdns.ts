/**
 * The demo's PowerDNS: Debian's pdns_server with the sqlite3 backend in `.work/demo/pdns`, on free
 * loopback ports. The same configuration and readiness rules as test/support/pdns-server.ts, but
 * with a fixed work dir under the project (so a newcomer can look at it) and started as a detached,
 * PID-tracked process (test/support's server is a piped child that dies with the test process).
 *
 * Ready means: our own log says it listens on our API port and has launched its threads, and the
 * API answers. A taken port (free a moment ago, then grabbed) is a retry with new ports.
 */
import { execFile } from 'node:child_process';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../test/support/ports.js';
import { BIND_FAILURE, HTTP_BIND_FAILURE, pdnsConfig } from '../test/support/pdns-server.js';
import type { ProcessRegistry, TrackedProcess } from './processes.js';
import { poll } from './wait.js';

const execFileAsync = promisify(execFile);

export const PDNS_SERVER = process.env.PDNS_SERVER ?? '/usr/sbin/pdns_server';
export const PDNS_SCHEMA = process.env.PDNS_SQLITE_SCHEMA ?? '/usr/share/pdns-backend-sqlite3/schema/schema.sqlite3.sql';

export interface DemoPdns {
  proc: TrackedProcess;
  apiUrl: string;
  apiKey: string;
  dnsPort: number;
  apiPort: number;
  version: string;
}


export async function startDemoPdns(opts: {
  registry: ProcessRegistry;
  workDir: string;
  apiKey: string;
  env: NodeJS.ProcessEnv;
  signal: AbortSignal;
}): Promise<DemoPdns> {
  const { registry, workDir, apiKey, signal } = opts;
  await mkdir(workDir, { recursive: true });
  const db = join(workDir, 'pdns.sqlite3');
  await rm(db, { force: true });
  await execFileAsync('sqlite3', [db, `.read ${PDNS_SCHEMA}`]);

  for (let attempt = 1; ; attempt += 1) {
    const dnsPort = await freePort('127.0.0.1', { udp: true });
    const apiPort = await freePort('127.0.0.1', { exclude: [dnsPort] });
    await writeFile(join(workDir, 'pdns.conf'), pdnsConfig(workDir, dnsPort, apiPort, apiKey));
    const logFile = join(workDir, `pdns.log`);
    await writeFile(logFile, '');
    const proc = registry.start({
      name: 'PowerDNS', command: PDNS_SERVER, args: [`--config-dir=${workDir}`], comm: 'pdns_server',
      env: opts.env, cwd: workDir, logFile,
    });
    const apiUrl = `http://127.0.0.1:${apiPort}`;
    const state = await poll(async () => {
      const log = await readFile(logFile, 'utf8');
      if (BIND_FAILURE.test(log) || log.includes(HTTP_BIND_FAILURE)) return 'bind-failed' as const;
      if (proc.hasExited()) throw new Error(`pdns_server exited during start-up; see ${logFile}:\n${log.slice(-2000)}`);
      if (!log.includes(`Listening for HTTP requests on 127.0.0.1:${apiPort}`) || !log.includes('Done launching threads')) return undefined;
      const res = await fetch(`${apiUrl}/api/v1/servers/localhost`, { headers: { 'X-API-Key': apiKey }, signal: AbortSignal.timeout(1000) });
      if (res.status !== 200) return undefined;
      const info = (await res.json()) as { version?: string };
      return { version: info.version ?? '?' };
    }, { what: `PowerDNS on DNS port ${dnsPort} / API port ${apiPort} (log: ${logFile})`, timeoutMs: 20_000, signal }).catch(async (err: unknown) => {
      await registry.stop(proc, 5000);
      throw err;
    });
    if (state !== 'bind-failed') return { proc, apiUrl, apiKey, dnsPort, apiPort, version: state.version };
    await registry.stop(proc, 5000);
    if (attempt >= 5) throw new Error(`PowerDNS could not bind free ports after 5 tries; see ${logFile}`);
  }
}
