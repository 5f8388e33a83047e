/**
 * The `sync` command as an operator runs it (the real entry point, bundled like the daemon child),
 * timed and with its peak RSS (the kernel's high-water mark), beside a bare node process's: the
 * memory floor no JavaScript program goes under on this machine.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { bundle } from './daemon-proc.js';
import { RSS_MARK } from './high-water.js';

export interface CliRun {
  ms: number;
  code: number | null;
  maxRssMb: number;
}

export interface CliBundle {
  script: string;
  /** rss-on-exit.ts, loaded first (`--import`): prints the process's peak RSS as it exits. */
  reporter: string;
}

export async function bundleCli(dir: string): Promise<CliBundle> {
  return {
    script: await bundle(new URL('../../src/main.ts', import.meta.url), join(dir, 'netbox-pdns.mjs')),
    reporter: await bundle(new URL('./rss-on-exit.ts', import.meta.url), join(dir, 'rss-on-exit.mjs')),
  };
}

function runNode(args: string[], env: Record<string, string>): Promise<CliRun> {
  const started = performance.now();
  const child = spawn(process.execPath, args, { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let tail = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => { tail = (tail + chunk).slice(-4096); });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => {
      const kb = Number(new RegExp(`${RSS_MARK} (\\d+)`).exec(tail)?.[1] ?? NaN);
      resolve({ ms: performance.now() - started, code, maxRssMb: kb / 1024 });
    });
  });
}

/** `netbox-pdns sync` with this environment (NETBOX_PDNS_* settings). */
export function runCliSync(bundle: CliBundle, env: Record<string, string>): Promise<CliRun> {
  return runNode(['--import', pathToFileURL(bundle.reporter).href, bundle.script, 'sync'], env);
}

/** A node process that does nothing: the runtime's own peak RSS. */
export function bareNode(bundle: CliBundle): Promise<CliRun> {
  return runNode(['--import', pathToFileURL(bundle.reporter).href, '-e', ''], {});
}
