/**
 * The orchestrator's handle on the daemon child (daemon-child.ts): bundle it, fork it, call it, stop
 * it. The child is bundled to plain JavaScript by esbuild (tsx's own transformer) and run by plain
 * `node`, so its RSS is what a built daemon's would be: under tsx the idle daemon measured 121 MB,
 * built 99 MB.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type {
  ChildCommand, ChildRequest, ChildResponse, CountersReply, FullReply, MemoryReply, ReconcileRecord, StartReply, StateReply,
} from './protocol.js';

export interface DaemonProc {
  pid: number;
  start(env: Record<string, string>, logFile: string): Promise<StartReply>;
  full(quick?: boolean): Promise<FullReply>;
  counters(): Promise<CountersReply>;
  resetPeak(): Promise<void>;
  idle(): Promise<void>;
  /** Memory now, after a GC when the child runs with --expose-gc. */
  memory(): Promise<MemoryReply>;
  /** The full reconciles run since the last call. */
  reconciles(): Promise<ReconcileRecord[]>;
  state(): Promise<StateReply>;
  stop(): Promise<void>;
}

/** Bundles daemon-child.ts (and the daemon it imports) into `dir`; npm packages stay external. */
export function bundleDaemon(dir: string): Promise<string> {
  return bundle(new URL('./daemon-child.ts', import.meta.url), join(dir, 'daemon-child.mjs'));
}

/** One ESM bundle of `entry` (npm packages external, so they load from node_modules as installed). */
export async function bundle(entry: URL, outfile: string): Promise<string> {
  await build({
    entryPoints: [fileURLToPath(entry)],
    bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', outfile, logLevel: 'warning',
  });
  return outfile;
}

/**
 * `cpuProfDir` runs the child with --cpu-prof (BENCH_CPU_PROF=1) to find where its time goes;
 * `nodeArgs` (BENCH_DAEMON_NODE_ARGS) tries node flags such as --max-old-space-size.
 */
export function forkDaemon(script: string, opts: { cpuProfDir?: string; nodeArgs?: string[] } = {}): DaemonProc {
  const execArgv = [...(opts.nodeArgs ?? []), ...(opts.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${opts.cpuProfDir}`] : [])];
  const child: ChildProcess = fork(script, [], { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let nextId = 1;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once('exit', () => {
    exited = true;
    for (const p of pending.values()) p.reject(new Error('daemon child exited'));
    pending.clear();
    resolve();
  }));
  child.on('message', (message: ChildResponse) => {
    const p = pending.get(message.id);
    if (!p) return;
    pending.delete(message.id);
    if (message.ok) p.resolve(message.result);
    else p.reject(new Error(`daemon child: ${message.error ?? 'failed'}`));
  });
  function call<T>(command: ChildCommand): Promise<T> {
    if (exited) return Promise.reject(new Error('daemon child has exited'));
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      pending.set(id, { resolve: (v) => resolve(v as T), reject });
      child.send({ id, command } satisfies ChildRequest);
    });
  }
  return {
    pid: child.pid ?? 0,
    start: (env, logFile) => call<StartReply>({ cmd: 'start', env, logFile }),
    full: (quick) => call<FullReply>({ cmd: 'full', ...(quick ? { quick: true } : {}) }),
    counters: () => call<CountersReply>({ cmd: 'counters' }),
    resetPeak: () => call<void>({ cmd: 'resetPeak' }),
    idle: () => call<void>({ cmd: 'idle' }),
    memory: () => call<MemoryReply>({ cmd: 'memory' }),
    reconciles: () => call<ReconcileRecord[]>({ cmd: 'reconciles' }),
    state: () => call<StateReply>({ cmd: 'state' }),
    async stop() {
      if (exited) return;
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await call<void>({ cmd: 'stop' }).catch(() => undefined);
      await exit;
      clearTimeout(timer);
    },
  };
}

/** Request-count difference between two snapshots, keys `upstream METHOD`. */
export function diffCounts(after: Record<string, number>, before: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(after)) {
    const d = v - (before[k] ?? 0);
    if (d !== 0) out[k] = d;
  }
  return out;
}

/** Sum of the counts whose key starts with `prefix` (e.g. `pdns `), optionally excluding GETs. */
export function sumCounts(counts: Record<string, number>, prefix: string, writesOnly = false): number {
  return Object.entries(counts)
    .filter(([k]) => k.startsWith(prefix) && (!writesOnly || !k.endsWith(' GET')))
    .reduce((n, [, v]) => n + v, 0);
}

/** Mean ms per call of each timed entry between two snapshots (only entries that ran). */
export function meanDurations(
  after: Record<string, { sum: number; count: number }>, before: Record<string, { sum: number; count: number }>,
): Record<string, { n: number; meanMs: number }> {
  const out: Record<string, { n: number; meanMs: number }> = {};
  for (const [k, v] of Object.entries(after)) {
    const n = v.count - (before[k]?.count ?? 0);
    if (n > 0) out[k] = { n, meanMs: Math.round(((v.sum - (before[k]?.sum ?? 0)) / n) * 10000) / 10 };
  }
  return out;
}
