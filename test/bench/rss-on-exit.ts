/**
 * Loaded first (`node --import`) into a command the bench runs: prints the process's peak RSS as it
 * exits, on stderr after a mark the bench looks for (cli-sync.ts).
 */
import { highWaterRssKb, RSS_MARK } from './high-water.js';

process.on('exit', () => {
  process.stderr.write(`\n${RSS_MARK} ${highWaterRssKb()}\n`);
});
