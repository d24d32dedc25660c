import type { Writable } from 'node:stream';
import winston from 'winston';
import { redact } from '../config/redact';

/** Takes secrets out of a log entry's message and of every text in its fields (config/redact.ts). */
const scrubbed = winston.format((info) => {
  const clean = (value: unknown, depth: number): unknown => {
    if (typeof value === 'string') return redact(value);
    if (depth > 3 || value === null || typeof value !== 'object') return value;
    if (Array.isArray(value)) return value.map((v) => clean(v, depth + 1));
    // Plain records only: an Error, a Date or a Secret keeps its own form (and a Secret prints redacted).
    if (Object.getPrototypeOf(value) !== Object.prototype) return value;
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, clean(v, depth + 1)]));
  };
  for (const key of Object.keys(info)) (info as Record<string, unknown>)[key] = clean((info as Record<string, unknown>)[key], 0);
  return info;
});

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
        scrubbed(),
        winston.format.timestamp({ format: 'HH:mm:ss' }),
        winston.format.colorize(),
        winston.format.printf(({ timestamp, level, message, ...rest }) => {
          const extra = Object.keys(rest).length > 0 ? ` ${JSON.stringify(rest)}` : '';
          return `${String(timestamp)} ${level} ${String(message)}${extra}`;
        }),
      )
    : winston.format.combine(scrubbed(), winston.format.timestamp(), winston.format.json());
  return winston.createLogger({
    level: opts.level,
    format,
    transports: [new winston.transports.Stream({ stream: opts.stream ?? process.stderr })],
  });
}
