/**
 * The demo's process bookkeeping. Every server the demo starts is a detached child (its own process
 * group, so a Ctrl-C in the terminal reaches only the demo, which then stops them in a fixed order),
 * writes its output to a log file under the work dir (no pipe back to us, so a dying demo cannot
 * wedge it), and is recorded in `pids.json`. A later run reads that file and kills what a crashed
 * run left behind, but only PIDs whose /proc entry still proves they are ours: the same `comm` and
 * our run id in their environment (a PID may have been reused by something unrelated since).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { sleep } from './wait.js';

/** Env var carrying the run id into every child (not NETBOX_PDNS_*: unknown ones are config errors). */
export const RUN_ID_VAR = 'DEMO_RUN_ID';

export interface TrackedProcess {
  name: string;
  pid: number;
  /** Expected /proc/<pid>/comm (what the kernel calls the process). */
  comm: string;
  logFile: string;
  child: ChildProcess;
  /** Resolves with the exit code (or signal name) once the process is gone. */
  exited: Promise<string>;
  hasExited(): boolean;
}

interface PidFile {
  runner: number;
  runId: string;
  children: Array<{ name: string; pid: number; comm: string }>;
}

export function readProc(pid: number, file: 'comm' | 'cmdline' | 'environ' | 'stat'): string | null {
  try {
    return readFileSync(`/proc/${pid}/${file}`, 'utf8');
  } catch {
    return null;
  }
}

/** True while the PID exists and is not a zombie. */
export function pidAlive(pid: number): boolean {
  const stat = readProc(pid, 'stat');
  if (stat === null) return false;
  // Field 3 (after the parenthesised comm) is the state; Z = zombie, X = dead.
  const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  return state !== 'Z' && state !== 'X';
}

/** The PID is alive, runs `comm`, and carries `runId` in its environment. */
function isOurs(pid: number, comm: string, runId: string): boolean {
  if (!pidAlive(pid)) return false;
  if (readProc(pid, 'comm')?.trim() !== comm) return false;
  return (readProc(pid, 'environ') ?? '').split('\0').includes(`${RUN_ID_VAR}=${runId}`);
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

/** SIGTERM, then SIGKILL after `graceMs`, to a PID we did not spawn ourselves (a stale one). */
async function killStale(pid: number, graceMs: number): Promise<void> {
  signal(pid, 'SIGTERM');
  for (const started = Date.now(); Date.now() - started < graceMs; await sleep(50)) if (!pidAlive(pid)) return;
  signal(pid, 'SIGKILL');
  for (const started = Date.now(); Date.now() - started < 5000; await sleep(50)) if (!pidAlive(pid)) return;
}

/**
 * Reads a previous run's pids.json: refuses when that demo is still running, otherwise kills its
 * leftover children. Returns what was killed, for one line of output.
 */
export async function cleanUpPreviousRun(pidFile: string): Promise<string[]> {
  if (!existsSync(pidFile)) return [];
  let previous: PidFile;
  try {
    previous = JSON.parse(readFileSync(pidFile, 'utf8')) as PidFile;
  } catch {
    return [];
  }
  const runnerCmd = readProc(previous.runner, 'cmdline') ?? '';
  if (previous.runner !== process.pid && pidAlive(previous.runner) && runnerCmd.includes('demo/run.ts')) {
    throw new Error(`another demo is still running (pid ${previous.runner}); stop it with Ctrl-C or \`kill ${previous.runner}\` first`);
  }
  const killed: string[] = [];
  for (const c of [...previous.children].reverse()) {
    if (!isOurs(c.pid, c.comm, previous.runId)) continue;
    await killStale(c.pid, 5000);
    killed.push(`${c.name} (pid ${c.pid})`);
  }
  return killed;
}

export interface SpawnSpec {
  name: string;
  command: string;
  args: string[];
  comm: string;
  env: NodeJS.ProcessEnv;
  cwd: string;
  logFile: string;
}

/** Starts and records the demo's children; stops them newest first, by PID. */
export class ProcessRegistry {
  private readonly procs: TrackedProcess[] = [];
  /** Every process started this run, stopped or not: the final "nothing left" check covers them all. */
  readonly everStarted: TrackedProcess[] = [];

  constructor(
    private readonly pidFile: string,
    readonly runId: string,
  ) {}

  start(spec: SpawnSpec): TrackedProcess {
    const fd = openSync(spec.logFile, 'a');
    let child: ChildProcess;
    try {
      child = spawn(spec.command, spec.args, {
        cwd: spec.cwd,
        env: { ...spec.env, [RUN_ID_VAR]: this.runId },
        stdio: ['ignore', fd, fd],
        detached: true,
      });
    } finally {
      closeSync(fd);
    }
    let done = false;
    const exited = new Promise<string>((resolve) => {
      child.once('exit', (code, sig) => {
        done = true;
        resolve(sig ?? String(code));
      });
      child.once('error', (err) => {
        done = true;
        resolve(`spawn error: ${err.message}`);
      });
    });
    if (child.pid === undefined) throw new Error(`could not start ${spec.name} (${spec.command})`);
    const proc: TrackedProcess = {
      name: spec.name, pid: child.pid, comm: spec.comm, logFile: spec.logFile, child, exited, hasExited: () => done,
    };
    this.procs.push(proc);
    this.everStarted.push(proc);
    this.save();
    return proc;
  }

  /** SIGTERM to the PID, wait up to `graceMs`, then SIGKILL; finally sweeps the process group. */
  async stop(proc: TrackedProcess, graceMs: number): Promise<{ forced: boolean }> {
    let forced = false;
    if (!proc.hasExited()) {
      signal(proc.pid, 'SIGTERM');
      const timer = sleep(graceMs).then(() => 'timeout' as const);
      if ((await Promise.race([proc.exited, timer])) === 'timeout') {
        forced = true;
        signal(proc.pid, 'SIGKILL');
        await proc.exited;
      }
    }
    // Helpers a child started (tsx's esbuild service) share its process group: leave none behind.
    signal(-proc.pid, 'SIGKILL');
    const index = this.procs.indexOf(proc);
    if (index >= 0) this.procs.splice(index, 1);
    this.save();
    return { forced };
  }

  /** Everything still running, newest first (the daemon before NetBox before PowerDNS). */
  running(): TrackedProcess[] {
    return [...this.procs].reverse();
  }

  /** Last resort on an unexpected exit of the demo itself: no waiting possible, SIGKILL all. */
  killAllNow(): void {
    for (const p of this.procs) {
      signal(p.pid, 'SIGKILL');
      signal(-p.pid, 'SIGKILL');
    }
  }

  private save(): void {
    const data: PidFile = {
      runner: process.pid,
      runId: this.runId,
      children: this.procs.map((p) => ({ name: p.name, pid: p.pid, comm: p.comm })),
    };
    writeFileSync(this.pidFile, `${JSON.stringify(data, null, 2)}\n`);
  }
}
