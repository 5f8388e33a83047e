/**
 * Starts the sample NetBox (the project's fake, seeded from config/sample-netbox.json) and the
 * daemon, wired together the way a real site is: NetBox → webhook → daemon → embedded MQTT broker →
 * daemon. Both are detached, PID-tracked children of the demo (see processes.ts).
 *
 * The two need each other's address: NetBox gets the daemon's webhook URL on its command line, the
 * daemon gets NetBox's URL in its environment. So the daemon's ports are picked free first, NetBox
 * listens on a kernel-chosen port and prints its URL, then the daemon starts; if a picked port was
 * grabbed in between, both are stopped and the pair is tried again on new ports.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { freePort } from '../test/support/ports.js';
import type { ProcessRegistry, TrackedProcess } from './processes.js';
import { poll } from './wait.js';

export interface DemoSecrets {
  netboxToken: string;
  pdnsKey: string;
  webhookSecret: string;
  apiKey: string;
}

export interface DemoNetbox {
  proc: TrackedProcess;
  url: string;
  seed: { zones: number; records: number } | null;
}

export interface DemoDaemon {
  proc: TrackedProcess;
  base: string;
  httpPort: number;
  brokerPort: number;
  /** How to run the CLI the same way the daemon was run (`node dist/main.js` or via tsx). */
  cli: string[];
  /** The daemon's NETBOX_PDNS_* settings (also written to demo.env). */
  settings: Record<string, string>;
}

/** Newest modification time (ms) of any file under `dir`. */
function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * `node dist/main.js` when the build is current (what `make demo` produces and what is deployed),
 * else straight from the sources through tsx, so the demo also works before or without a build.
 * DEMO_DAEMON=dist|src overrides.
 */
export function daemonCommand(root: string, env: NodeJS.ProcessEnv): string[] {
  const dist = join(root, 'dist', 'main.js');
  const wanted = env.DEMO_DAEMON;
  const distCurrent = existsSync(dist) && statSync(dist).mtimeMs >= newestMtime(join(root, 'src'));
  if (wanted === 'dist' || (wanted !== 'src' && distCurrent)) return ['dist/main.js'];
  return ['--import', 'tsx', 'src/main.ts'];
}

/** The parent environment without NETBOX_PDNS_* (unknown ones are config errors) or journald hints. */
export function baseEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(env)) {
    if (!key.startsWith('NETBOX_PDNS_') && key !== 'JOURNAL_STREAM') out[key] = value;
  }
  return out;
}

async function startNetbox(opts: {
  registry: ProcessRegistry; root: string; workDir: string; env: NodeJS.ProcessEnv; secrets: DemoSecrets;
  webhookUrl: string; signal: AbortSignal;
}): Promise<DemoNetbox> {
  const logFile = join(opts.workDir, 'netbox.log');
  await writeFile(logFile, '');
  const proc = opts.registry.start({
    name: 'sample NetBox',
    command: process.execPath,
    args: [
      '--import', 'tsx', 'test/fakes/netbox/main.ts', '--seed', 'config/sample-netbox.json', '--port', '0',
      '--token', opts.secrets.netboxToken, '--webhook', opts.webhookUrl, '--webhook-secret', opts.secrets.webhookSecret,
    ],
    comm: 'node', env: opts.env, cwd: opts.root, logFile,
  });
  const info = await poll(async () => {
    const log = await readFile(logFile, 'utf8');
    const first = log.split('\n').find((l) => l.startsWith('{"url"'));
    if (first) return JSON.parse(first) as { url: string; seed: { zones: number; records: number } | null };
    if (proc.hasExited()) throw new Error(`the sample NetBox exited during start-up; see ${logFile}:\n${log.slice(-2000)}`);
    return undefined;
  }, { what: `the sample NetBox (log: ${logFile})`, timeoutMs: 20_000, signal: opts.signal });
  return { proc, url: info.url, seed: info.seed };
}

type DaemonStart = { ok: DemoDaemon } | { portTaken: true };

async function startDaemon(opts: {
  registry: ProcessRegistry; root: string; workDir: string; env: NodeJS.ProcessEnv; secrets: DemoSecrets;
  netboxUrl: string; pdnsUrl: string; httpPort: number; brokerPort: number; signal: AbortSignal;
}): Promise<DaemonStart> {
  const settings: Record<string, string> = {
    NETBOX_PDNS_NB_URL: opts.netboxUrl,
    NETBOX_PDNS_NB_TOKEN: opts.secrets.netboxToken,
    NETBOX_PDNS_NB_NS_ID: '1',
    NETBOX_PDNS_PDNS_URL: opts.pdnsUrl,
    NETBOX_PDNS_PDNS_TOKEN: opts.secrets.pdnsKey,
    NETBOX_PDNS_HTTP_HOST: '127.0.0.1',
    NETBOX_PDNS_HTTP_PORT: String(opts.httpPort),
    NETBOX_PDNS_API_KEY: opts.secrets.apiKey,
    NETBOX_PDNS_WEBHOOK_SECRET: opts.secrets.webhookSecret,
    NETBOX_PDNS_MQTT_BROKER_URL: 'embedded',
    NETBOX_PDNS_EMBEDDED_BROKER_HOST: '127.0.0.1',
    NETBOX_PDNS_EMBEDDED_BROKER_PORT: String(opts.brokerPort),
    NETBOX_PDNS_MQTT_CLIENT_ID: 'netbox-pdns-demo',
    NETBOX_PDNS_SHUTDOWN_TIMEOUT: '5',
    NETBOX_PDNS_LOG_FORMAT: 'json',
    NETBOX_PDNS_LOG_LEVEL: 'info',
  };
  await writeFile(join(opts.workDir, 'demo.env'), `${Object.entries(settings).map(([k, v]) => `${k}=${v}`).join('\n')}\n`, { mode: 0o600 });
  const cli = daemonCommand(opts.root, opts.env);
  const logFile = join(opts.workDir, 'daemon.log');
  await writeFile(logFile, '');
  const proc = opts.registry.start({
    name: 'netbox-pdns daemon', command: process.execPath, args: [...cli, 'run'], comm: 'node',
    env: { ...opts.env, ...settings }, cwd: opts.root, logFile,
  });
  const state = await poll(async () => {
    const log = await readFile(logFile, 'utf8');
    if (log.includes('"message":"netbox-pdns started"')) return 'started' as const;
    if (!proc.hasExited()) return undefined;
    if (log.includes('EADDRINUSE')) return 'port-taken' as const;
    throw new Error(`the daemon exited during start-up (exit ${await proc.exited}); see ${logFile}:\n${log.slice(-2000)}`);
  }, { what: `the daemon (log: ${logFile})`, timeoutMs: 30_000, signal: opts.signal });
  if (state === 'port-taken') {
    await opts.registry.stop(proc, 5000);
    return { portTaken: true };
  }
  return {
    ok: { proc, base: `http://127.0.0.1:${opts.httpPort}`, httpPort: opts.httpPort, brokerPort: opts.brokerPort, cli, settings },
  };
}

/** NetBox then the daemon, retried as a pair on new ports when a picked port was taken meanwhile. */
export async function startNetboxAndDaemon(opts: {
  registry: ProcessRegistry; root: string; workDir: string; env: NodeJS.ProcessEnv; secrets: DemoSecrets;
  pdnsUrl: string; signal: AbortSignal;
}): Promise<{ netbox: DemoNetbox; daemon: DemoDaemon }> {
  for (let attempt = 1; ; attempt += 1) {
    const httpPort = await freePort();
    const brokerPort = await freePort('127.0.0.1', { exclude: [httpPort] });
    const netbox = await startNetbox({ ...opts, webhookUrl: `http://127.0.0.1:${httpPort}/webhook` });
    const started = await startDaemon({ ...opts, netboxUrl: netbox.url, httpPort, brokerPort });
    if ('ok' in started) return { netbox, daemon: started.ok };
    await opts.registry.stop(netbox.proc, 5000);
    if (attempt >= 3) throw new Error(`the daemon could not bind free ports after 3 tries; see ${join(opts.workDir, 'daemon.log')}`);
  }
}
