/**
 * Builds the process logger from configuration. `auto` picks journald when systemd connected our
 * stdout to the journal (JOURNAL_STREAM is set), pretty text on a terminal, JSON lines otherwise.
 */
import type { Config } from '../config/index.js';
import { createLogger, type LogFormat, type Logger } from '../util/log.js';

export function resolveLogFormat(configured: Config['log_format'], stream: { isTTY?: boolean }, env: Record<string, string | undefined>): LogFormat {
  if (configured !== 'auto') return configured;
  if (env.JOURNAL_STREAM) return 'journald';
  return stream.isTTY ? 'pretty' : 'json';
}

export function loggerFromConfig(
  config: Pick<Config, 'log_level' | 'log_format'>,
  stream: NodeJS.WriteStream,
  env: Record<string, string | undefined> = {},
  onLog?: (level: string) => void,
): Logger {
  const format = resolveLogFormat(config.log_format, stream, env);
  return createLogger({ level: config.log_level, format, stream, ...(onLog ? { onLog } : {}) }).child({ service: 'netbox-pdns' });
}
