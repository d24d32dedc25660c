import { Writable } from 'node:stream';
import winston from 'winston';

export type LogEntry = Record<string, unknown>;

/** A logger that keeps every entry, with the run's fields, for the test to read. */
export function capturingLogger(entries: LogEntry[], level = 'info'): winston.Logger {
  const stream = new Writable({
    objectMode: true,
    write(info: LogEntry, _encoding, done) {
      entries.push(info);
      done();
    },
  });
  return winston.createLogger({ level, transports: [new winston.transports.Stream({ stream })] });
}
