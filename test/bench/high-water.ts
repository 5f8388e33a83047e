/**
 * A process's peak RSS as the kernel keeps it (VmHWM). Not getrusage: on Linux a forked child's
 * getrusage peak starts at its parent's RSS at the fork, which here is the bench holding the fake
 * NetBox.
 */
import { readFileSync } from 'node:fs';

/** What rss-on-exit.ts prints before the figure, for the bench to find in a command's stderr. */
export const RSS_MARK = 'BENCH_MAXRSS_KB';

export function highWaterRssKb(): number {
  return Number(/VmHWM:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? NaN);
}
