/**
 * The daemon as a real OS process (`node --import tsx src/main.ts run`), for what an in-process
 * daemon cannot show: SIGKILL (no cleanup code runs at all), SIGTERM through the real signal
 * handlers, and the exit code systemd sees. Output is captured whole so tests can grep it for
 * secrets. Stopped by PID only, and killed if the test process exits first, so no run leaks one.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { freePort } from './ports.js';
import { waitFor } from './wait.js';
import { killOnExit } from './children.js';
import { sumMetric } from './metrics-text.js';

export { sumMetric };

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface DaemonProcess {
  pid: number;
  base: string;
  stdout(): string;
  stderr(): string;
  /** stdout parsed as JSON log lines (non-JSON lines are skipped). */
  logs(): Array<Record<string, unknown>>;
  /** Resolves with the exit code (null when killed by a signal) and the signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  hasExited(): boolean;
  signal(sig: NodeJS.Signals): void;
  /** GET, with the status token as Bearer when one is configured. */
  get(path: string): Promise<Response>;
  metric(name: string, labels?: Record<string, string>): Promise<number>;
  /** SIGTERM, then SIGKILL after `graceMs` (default 10 s); resolves once the process is gone. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Spawns `netbox-pdns run` with exactly `env` as its NETBOX_PDNS_* settings (inherited ones are
 * dropped: an unknown NETBOX_PDNS_* variable is a config error) on a free HTTP port, and waits
 * until it logs that it started.
 */
export async function spawnDaemon(env: Record<string, string>, opts: { startTimeoutMs?: number } = {}): Promise<DaemonProcess> {
  const port = await freePort();
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('NETBOX_PDNS_')));
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', 'run'], {
    cwd: ROOT,
    env: {
      ...inherited,
      NETBOX_PDNS_HTTP_HOST: '127.0.0.1',
      NETBOX_PDNS_HTTP_PORT: String(port),
      NETBOX_PDNS_LOG_FORMAT: 'json',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  killOnExit(child);
  let out = '';
  let err = '';
  child.stdout?.on('data', (c: Buffer) => { out += c.toString('utf8'); });
  child.stderr?.on('data', (c: Buffer) => { err += c.toString('utf8'); });
  let done = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      done = true;
      resolve({ code, signal });
    });
  });
  const base = `http://127.0.0.1:${port}`;
  // With a status token configured, read /status and /metrics the way Prometheus would.
  const token = env.NETBOX_PDNS_STATUS_TOKEN;
  const read: RequestInit = token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } };
  const logs = (): Array<Record<string, unknown>> => out.split('\n').flatMap((line) => {
    if (!line.startsWith('{')) return [];
    try {
      return [JSON.parse(line) as Record<string, unknown>];
    } catch {
      return [];
    }
  });

  const proc: DaemonProcess = {
    pid: child.pid ?? -1,
    base,
    stdout: () => out,
    stderr: () => err,
    logs,
    exited,
    hasExited: () => done,
    signal: (sig) => { if (!done) child.kill(sig); },
    get: (path) => fetch(`${base}${path}`, read),
    async metric(name, labels = {}) {
      return sumMetric(await (await fetch(`${base}/metrics`, read)).text(), name, labels);
    },
    async stop(graceMs = 10_000) {
      if (done) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
  try {
    await waitFor(() => {
      if (done) throw new Error(`daemon exited during startup:\n${out}\n${err}`);
      return logs().some((l) => l.message === 'netbox-pdns started');
    }, { timeoutMs: opts.startTimeoutMs ?? 20_000, message: 'daemon process to start' });
  } catch (e) {
    await proc.stop(1000);
    throw e;
  }
  return proc;
}
