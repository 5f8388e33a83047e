/**
 * Runs the external checkers (promtool, systemd-analyze) for the observability and deploy tests,
 * and pulls metric names out of PromQL. The checkers are required, not optional: a missing tool
 * fails the test with a hint instead of skipping it, so CI cannot pass without checking anything.
 */
import { execFile } from 'node:child_process';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `cmd` with `args`, feeding `input` on stdin; resolves with the exit code whatever it is. */
export function run(cmd: string, args: string[], options: { input?: string; cwd?: string } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(cmd, args, { cwd: options.cwd, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error !== null && (error as NodeJS.ErrnoException).code === 'ENOENT') {
        reject(new Error(`${cmd} is not installed or not on PATH: run \`make install\` (it installs prometheus/promtool and systemd)`));
        return;
      }
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
      resolve({ code, stdout, stderr });
    });
    child.stdin?.end(options.input ?? '');
  });
}

/** Keeps only our families (HELP, TYPE and samples), as operations.md §2.1 does before linting. */
export function ownFamilies(exposition: string, prefix: string): string {
  const pattern = new RegExp(`^(# (HELP|TYPE) )?${prefix}`);
  return `${exposition
    .split('\n')
    .filter((line) => pattern.test(line))
    .join('\n')}\n`;
}

/** Metric family names in an exposition text (from its TYPE lines). */
export function familyNames(exposition: string): Set<string> {
  const names = new Set<string>();
  for (const match of exposition.matchAll(/^# TYPE (\S+) \S+$/gm)) names.add(match[1] ?? '');
  return names;
}

/**
 * Metric names in `text` that start with one of `prefixes`, with histogram `_bucket`/`_sum`/`_count`
 * stripped so they compare with family names. A name glued to `:` (a recording rule name such as
 * `job:netbox_pdns_x:p95_5m`) is not a metric reference and is skipped.
 */
export function referencedMetrics(text: string, prefixes: readonly string[]): Set<string> {
  const names = new Set<string>();
  const alternatives = prefixes.join('|');
  for (const match of text.matchAll(new RegExp(`(?<![\\w:])(?:${alternatives})\\w*(?![\\w:])`, 'g'))) {
    names.add(match[0].replace(/_(bucket|sum|count)$/, ''));
  }
  return names;
}
