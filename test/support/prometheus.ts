/**
 * A throw-away real Prometheus (Debian package) on loopback for integration tests: own temp dir and
 * TSDB, a free port, 1 s scrape and evaluation intervals, spawned as our child and stopped by its own
 * PID. The first scrape comes about 5 s after start (the discovery manager's fixed 5 s update tick,
 * operations.md §2.3), so callers poll with generous timeouts.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './ports.js';
import { waitFor } from './wait.js';
import { killOnExit } from './children.js';

export const PROMETHEUS_BIN = process.env.PROMETHEUS ?? 'prometheus';

export interface PrometheusSample {
  metric: Record<string, string>;
  value: [number, string];
}

export interface RunningPrometheus {
  /** e.g. `http://127.0.0.1:40123`. */
  url: string;
  /** Instant query; the `result` of a vector answer. */
  query(expr: string): Promise<PrometheusSample[]>;
  /** Everything prometheus printed. */
  log(): string;
  /** SIGTERM to this PID only, SIGKILL after 10 s; removes the temp dir. */
  stop(): Promise<void>;
}

export interface StartPrometheusOptions {
  /** Scrape targets, `host:port`, all under job_name `netbox-pdns`. */
  targets: string[];
  /** Rule files to load (absolute paths). */
  rulesFiles?: string[];
  scrapeIntervalSeconds?: number;
  startTimeoutMs?: number;
  /** Scrape over HTTPS, trusting this CA file. */
  httpsCaFile?: string;
  /** File holding the Bearer token sent with every scrape (`authorization.credentials_file`). */
  credentialsFile?: string;
}

function assertInstalled(): void {
  const probe = spawnSync(PROMETHEUS_BIN, ['--version'], { stdio: 'ignore' });
  if (probe.error !== undefined || probe.status !== 0) {
    throw new Error(`'${PROMETHEUS_BIN}' is not on PATH (or does not run): run \`make install\` to install the Debian prometheus package`);
  }
}

/** prometheus.yml for the given targets; JSON is valid YAML, so no YAML writer is needed. */
function configText(opts: StartPrometheusOptions): string {
  const interval = `${opts.scrapeIntervalSeconds ?? 1}s`;
  return JSON.stringify({
    global: { scrape_interval: interval, evaluation_interval: interval },
    rule_files: opts.rulesFiles ?? [],
    scrape_configs: [{
      job_name: 'netbox-pdns', metrics_path: '/metrics', static_configs: [{ targets: opts.targets }],
      ...(opts.httpsCaFile !== undefined ? { scheme: 'https', tls_config: { ca_file: opts.httpsCaFile } } : {}),
      ...(opts.credentialsFile !== undefined ? { authorization: { type: 'Bearer', credentials_file: opts.credentialsFile } } : {}),
    }],
  }, null, 2);
}

interface QueryAnswer {
  status: string;
  error?: string;
  data?: { resultType: string; result: PrometheusSample[] };
}

interface Launch {
  child: ChildProcess;
  exit: Promise<void>;
  hasExited: () => boolean;
  output: () => string;
}

function launch(configFile: string, dataDir: string, port: number): Launch {
  let output = '';
  let exited = false;
  const child = spawn(PROMETHEUS_BIN, [
    `--config.file=${configFile}`,
    `--web.listen-address=127.0.0.1:${port}`,
    `--storage.tsdb.path=${dataDir}`,
    '--log.level=warn',
  ], { stdio: ['ignore', 'pipe', 'pipe'] });
  killOnExit(child);
  const append = (chunk: Buffer): void => {
    output += chunk.toString('utf8');
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  const exit = new Promise<void>((resolve) => {
    const done = (): void => {
      exited = true;
      resolve();
    };
    child.once('exit', done);
    child.once('error', (err) => {
      output += `spawn error: ${err.message}\n`;
      done();
    });
  });
  return { child, exit, hasExited: () => exited, output: () => output };
}

/** SIGTERM to this child only, SIGKILL after 10 s. */
async function terminate(run: Launch): Promise<void> {
  if (run.hasExited()) return;
  run.child.kill('SIGTERM');
  const timer = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 10_000).unref());
  if ((await Promise.race([run.exit.then(() => 'exited' as const), timer])) === 'timeout') {
    run.child.kill('SIGKILL');
    await run.exit;
  }
}

export async function startPrometheus(opts: StartPrometheusOptions): Promise<RunningPrometheus> {
  assertInstalled();
  const dir = await mkdtemp(join(tmpdir(), 'netbox-pdns-prometheus-'));
  const configFile = join(dir, 'prometheus.yml');
  await writeFile(configFile, configText(opts));

  let run: Launch | undefined;
  let url = '';
  try {
    // The port is free when picked but may be taken before prometheus binds it: retry on a bind error.
    for (let tries = 1; ; tries += 1) {
      const port = await freePort();
      url = `http://127.0.0.1:${port}`;
      const current = launch(configFile, join(dir, 'data'), port);
      run = current;
      const state = await waitFor(async () => {
        if (current.hasExited()) return 'exited';
        const res = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(1000) });
        await res.arrayBuffer();
        return res.status === 200 ? 'ready' : undefined;
      }, { timeoutMs: opts.startTimeoutMs ?? 20_000, intervalMs: 50, message: `prometheus on ${url} to be ready` })
        .catch(async (err: unknown) => {
          await terminate(current);
          throw new Error(`${err instanceof Error ? err.message : String(err)}; log:\n${current.output()}`);
        });
      if (state === 'ready') break;
      if (!/address already in use/i.test(current.output()) || tries >= 5) {
        throw new Error(`prometheus exited during startup; log:\n${current.output()}`);
      }
    }
  } catch (err) {
    if (run) await terminate(run);
    await rm(dir, { recursive: true, force: true });
    throw err;
  }

  const running = run;
  let stopped = false;
  return {
    url,
    async query(expr) {
      const res = await fetch(`${url}/api/v1/query?${new URLSearchParams({ query: expr }).toString()}`);
      const body = (await res.json()) as QueryAnswer;
      if (body.status !== 'success' || body.data === undefined) throw new Error(`query ${expr} failed: ${body.error ?? res.status}`);
      if (body.data.resultType !== 'vector') throw new Error(`query ${expr} gave a ${body.data.resultType}, not a vector`);
      return body.data.result;
    },
    log: () => running.output(),
    async stop() {
      if (stopped) return;
      stopped = true;
      await terminate(running);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
