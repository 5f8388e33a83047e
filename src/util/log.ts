/**
 * winston logger factory. JSON lines in production, readable text on a terminal, and a journald mode
 * (no timestamp, `<N>` syslog priority prefix so `journalctl -p warning` works).
 */
import { Writable } from 'node:stream';
import winston from 'winston';

export type Logger = winston.Logger;
export type LogFormat = 'json' | 'pretty' | 'journald';
export type LogLevel = 'error' | 'warn' | 'info' | 'debug';

export interface LoggerOptions {
  level: LogLevel;
  format: LogFormat;
  /** Where lines go; stdout by default. */
  stream?: NodeJS.WritableStream;
  /** Called once per emitted line with its level (feeds netbox_pdns_log_messages_total). */
  onLog?: (level: string) => void;
  /** Applied to every finished line: the last guard that keeps configured secrets out of the log. */
  scrub?: (line: string) => string;
}

/** sd-daemon(3) priorities for the journald prefix. */
const SYSLOG_PRIORITY: Record<string, number> = { error: 3, warn: 4, info: 6, debug: 7 };

function lineFormat(format: LogFormat): winston.Logform.Format {
  const { combine, timestamp, json, printf, colorize } = winston.format;
  switch (format) {
    case 'json':
      return combine(timestamp(), json());
    case 'journald':
      return combine(
        json(),
        printf((info) => `<${SYSLOG_PRIORITY[info.level] ?? 6}>${String(info[Symbol.for('message')])}`),
      );
    case 'pretty':
      return combine(
        timestamp({ format: 'HH:mm:ss.SSS' }),
        colorize(),
        printf(({ timestamp: ts, level, message, ...meta }) => {
          const rest = Object.keys(meta).length > 0 ? ` ${JSON.stringify(meta)}` : '';
          return `${String(ts)} ${level} ${String(message)}${rest}`;
        }),
      );
  }
}

const MESSAGE = Symbol.for('message');

/** Creates a logger writing one line per entry. */
export function createLogger(options: LoggerOptions): Logger {
  const threshold = winston.config.npm.levels[options.level] ?? 2;
  // winston filters by level in the transport, after formats run: count only what will be written.
  const counter = winston.format((info) => {
    if ((winston.config.npm.levels[info.level] ?? 0) <= threshold) options.onLog?.(info.level);
    return info;
  });
  const scrub = winston.format((info) => {
    const line = (info as Record<symbol, unknown>)[MESSAGE];
    if (options.scrub && typeof line === 'string') (info as Record<symbol, unknown>)[MESSAGE] = options.scrub(line);
    return info;
  });
  return winston.createLogger({
    level: options.level,
    format: winston.format.combine(counter(), lineFormat(options.format), scrub()),
    transports: [new winston.transports.Stream({ stream: options.stream ?? process.stdout })],
  });
}

/** A logger that keeps parsed JSON entries in memory, for tests that assert on what was logged. */
export function createMemoryLogger(level: LogLevel = 'debug'): { logger: Logger; entries: Array<Record<string, unknown>> } {
  const entries: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line.trim() !== '') entries.push(JSON.parse(line) as Record<string, unknown>);
      }
      done();
    },
  });
  return { logger: createLogger({ level, format: 'json', stream }), entries };
}
