/**
 * `BENCH_BACKEND=both`: the whole bench once per backend, one after the other (each in its own
 * process with its own JSON and table, so neither run's memory or PowerDNS affects the other), then
 * the headline figures side by side.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { at } from './report.js';
import type { BenchBackend } from './backend.js';

function runOne(backend: BenchBackend, out: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/bench/run.ts'], {
      stdio: 'inherit', env: { ...process.env, BENCH_BACKEND: backend, BENCH_OUT: out },
    });
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`bench on ${backend} exited with ${code}`))));
  });
}

/** The fastest create floor, the one `cold.ratio` divides by. */
const fastestCreate = (r: unknown): number | undefined => {
  const floors = at(r, 'cold.floors');
  return Array.isArray(floors) ? Math.min(...floors.map((f) => Number((f as { ms?: unknown }).ms))) : undefined;
};

/** Label, and the JSON path of the figure (or how to compute it), and its unit. */
const ROWS: Array<[string, string | ((r: unknown) => number | undefined), string]> = [
  ['cold full sync', 'cold.ms', ' ms'],
  ['  fastest create floor', fastestCreate, ' ms'],
  ['  ratio', 'cold.ratio', '×'],
  ['no-op reconcile', 'noop.ms', ' ms'],
  ['  read floor (c4)', 'noop.floors.1.ms', ' ms'],
  ['  ratio', 'noop.ratio', '×'],
  ['drift (1 %)', 'drift.ms', ' ms'],
  ['event → DNS p50', 'latency.p50', ' ms'],
  ['  floor p50', 'latency.floor.served.p50', ' ms'],
  ['event → DNS p99', 'latency.p99', ' ms'],
  ['  floor p99', 'latency.floor.served.p99', ' ms'],
  ['burst converged after last event', 'burst.convergedAfterLastMs', ' ms'],
  ['daemon peak RSS', 'daemon.maxRssMb', ' MB'],
];

/** Runs the bench on each backend and prints the comparison; `outFor` names each run's JSON. */
export async function runEachBackend(backends: BenchBackend[], outFor: (b: BenchBackend) => string): Promise<void> {
  const results: Array<[BenchBackend, unknown]> = [];
  for (const backend of backends) {
    process.stderr.write(`[bench] === backend ${backend} ===\n`);
    await runOne(backend, outFor(backend));
    results.push([backend, JSON.parse(readFileSync(outFor(backend), 'utf8')) as unknown]);
  }
  process.stdout.write(`\nnetbox-pdns bench, both backends (JSON: ${backends.map(outFor).join(', ')})\n${comparisonTable(results)}\n`);
}

/** The headline figures of each run side by side, as a Markdown-style table. */
export function comparisonTable(results: ReadonlyArray<readonly [string, unknown]>): string {
  const cell = (r: unknown, path: string | ((r: unknown) => number | undefined), unit: string): string => {
    const v = typeof path === 'string' ? at(r, path) : path(r);
    return typeof v === 'number' && Number.isFinite(v) ? `${v >= 100 ? v.toFixed(0) : v.toFixed(Number.isInteger(v) ? 0 : 2)}${unit}` : '–';
  };
  const table = [['figure', ...results.map(([b]) => b)], ...ROWS.map(([label, path, unit]) => [label, ...results.map(([, r]) => cell(r, path, unit))])];
  const widths = (table[0] ?? []).map((_, i) => Math.max(...table.map((row) => row[i]?.length ?? 0)));
  const line = (row: string[]): string => `| ${row.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  return [line(table[0] ?? []), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...table.slice(1).map(line)].join('\n');
}
