import type { Writable } from 'node:stream';
import winston from 'winston';

/** `stream` replaces stderr (on a terminal: the stream that prints above the progress line). */
export type LogOptions = { level: string; pretty?: boolean; stream?: Writable };

/**
 * Structured logs to stderr (stdout stays free for reports): JSON, or a readable line on a TTY.
 * Callers log ids and counts, never tokens or payloads.
 */
export function createLogger(opts: LogOptions): winston.Logger {
  const pretty = opts.pretty ?? Boolean(process.stderr.isTTY);
  const format = pretty
    ? winston.format.combine(
        winston.format.timestamp({ format: 'HH:mm:ss' }),
        winston.format.colorize(),
        winston.format.printf(({ timestamp, level, message, ...rest }) => {
          const extra = Object.keys(rest).length > 0 ? ` ${JSON.stringify(rest)}` : '';
          return `${String(timestamp)} ${level} ${String(message)}${extra}`;
        }),
      )
    : winston.format.combine(winston.format.timestamp(), winston.format.json());
  return winston.createLogger({
    level: opts.level,
    format,
    transports: [new winston.transports.Stream({ stream: opts.stream ?? process.stderr })],
  });
}
