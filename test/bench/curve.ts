/**
 * `make bench-curve`: the sync sections of `make bench` (cold, no-op deep, quick, drift) at several
 * sizes, each a separate run with its own PowerDNS and daemon, then one table of time and memory
 * per zone, so it shows how cost grows with size rather than one point. Sizes: BENCH_CURVE_ZONES
 * (default 200,2000,10000). Figures only: nothing here fails on a timing.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { at } from './report.js';
import { round } from './stats.js';

const sizes = (process.env.BENCH_CURVE_ZONES ?? '200,2000,10000').split(',').map(Number).filter((n) => Number.isInteger(n) && n > 0);
const outDir = resolve('bench-results');
mkdirSync(outDir, { recursive: true });

function runAt(zones: number, out: string): Promise<void> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/bench/run.ts'], {
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...process.env, BENCH_ZONES: String(zones), BENCH_SECTIONS: 'sync', BENCH_OUT: out },
    });
    child.on('exit', (code) => (code === 0 ? done() : fail(new Error(`bench at ${zones} zones exited ${code}`))));
  });
}

const rows: string[][] = [['zones', 'cold ms/zone', 'no-op deep ms/zone', 'quick ms/zone', 'peak RSS MB (cold / no-op)', 'RSS above idle, KB/zone', 'sync command cold: s / peak RSS MB']];
const perZone: Array<{ zones: number; cold: number; noop: number; quick: number }> = [];
for (const zones of sizes) {
  const out = join(outDir, `curve-${zones}.json`);
  process.stderr.write(`[curve] ${zones} zones\n`);
  await runAt(zones, out);
  const r = JSON.parse(readFileSync(out, 'utf8')) as Record<string, unknown>;
  const n = Number(at(r, 'data.zones'));
  const num = (p: string): number => Number(at(r, p));
  const cold = num('cold.ms') / n;
  const noop = num('noop.ms') / n;
  const quick = num('quick.ms') / n;
  perZone.push({ zones: n, cold, noop, quick });
  const peak = Math.max(num('cold.peakRssMb'), num('noop.peakRssMb'));
  rows.push([String(n), String(round(cold, 3)), String(round(noop, 3)), String(round(quick, 4)),
    `${round(num('cold.peakRssMb'))} / ${round(num('noop.peakRssMb'))}`, String(round(((peak - num('daemon.idleRssMb')) * 1024) / n, 1)),
    `${round(num('cli.configured.ms') / 1000, 1)} / ${round(num('cli.configured.maxRssMb'))}`]);
}
const widths = rows[0]?.map((_, i) => Math.max(...rows.map((row) => row[i]?.length ?? 0))) ?? [];
const line = (row: string[]): string => `| ${row.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
process.stdout.write(`${[line(rows[0] ?? []), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.slice(1).map(line)].join('\n')}\n`);
const first = perZone[0];
const last = perZone[perZone.length - 1];
if (first && last && last !== first) {
  const growth = (k: 'cold' | 'noop' | 'quick'): string => `${k} ${round(last[k] / first[k], 2)}×`;
  process.stdout.write(`per-zone cost at ${last.zones} zones relative to ${first.zones} (≤ 1× is linear or better): ${growth('cold')}, ${growth('noop')}, ${growth('quick')}\n`);
}
