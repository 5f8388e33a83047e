/**
 * Builds the process logger from configuration. `auto` picks journald when systemd connected our
 * stdout to the journal (JOURNAL_STREAM is set), pretty text on a terminal, JSON lines otherwise.
 */
import { secretValues, type Config } from '../config/index.js';
import { createScrubber } from '../upstream/scrub.js';
import { createLogger, type LogFormat, type Logger } from '../util/log.js';

export function resolveLogFormat(configured: Config['log_format'], stream: { isTTY?: boolean }, env: Record<string, string | undefined>): LogFormat {
  if (configured !== 'auto') return configured;
  if (env.JOURNAL_STREAM) return 'journald';
  return stream.isTTY ? 'pretty' : 'json';
}

export function loggerFromConfig(
  config: Config,
  stream: NodeJS.WriteStream,
  env: Record<string, string | undefined> = {},
  onLog?: (level: string) => void,
): Logger {
  const format = resolveLogFormat(config.log_format, stream, env);
  const scrub = createScrubber(secretValues(config));
  return createLogger({ level: config.log_level, format, stream, scrub, ...(onLog ? { onLog } : {}) }).child({ service: 'netbox-pdns' });
}
