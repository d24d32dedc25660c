import { Writable } from 'node:stream';

/**
 * The one status line at the bottom of a terminal. Whatever else is printed meanwhile (a log
 * line, an error) is printed above it, and the status line is drawn again below.
 */
export type StatusLine = {
  /** Replaces the status line. */
  show(text: string): void;
  /** Ends the status line with `text` as a line of its own. */
  done(text: string): void;
  clear(): void;
  /** Prints a line above the status line. */
  print(line: string): void;
};

const CLEAR = '\r\u001b[2K';

export function createStatusLine(write: (raw: string) => void): StatusLine {
  let current = '';
  return {
    show(text) {
      current = text;
      write(`${CLEAR}${text}`);
    },
    done(text) {
      current = '';
      write(`${CLEAR}${text}\n`);
    },
    clear() {
      if (current !== '') write(CLEAR);
      current = '';
    },
    print(line) {
      write(`${CLEAR}${line.replace(/\n$/, '')}\n${current}`);
    },
  };
}

/** A stream for the logger that prints each log line above the status line. */
export function statusLineStream(line: StatusLine): Writable {
  return new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      line.print(typeof chunk === 'string' ? chunk : chunk.toString('utf8'));
      callback();
    },
  });
}
