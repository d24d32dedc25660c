import { readFileSync } from 'node:fs';

/**
 * A secret read from `NAME` or from the file named by `NAME_FILE`. A file is read again on every
 * use, so a rotated secret takes effect from the next request without a restart. It prints as
 * `[redacted]` in logs, JSON and string concatenation.
 */
export type Secret = {
  readonly source: 'env' | 'file';
  reveal(): string;
  toJSON(): string;
  toString(): string;
};

const REDACTED = '[redacted]';

export function secretFromValue(value: string): Secret {
  return {
    source: 'env',
    reveal: () => value,
    toJSON: () => REDACTED,
    toString: () => REDACTED,
  };
}

export function secretFromFile(path: string): Secret {
  return {
    source: 'file',
    reveal: () => readSecretFile(path),
    toJSON: () => REDACTED,
    toString: () => REDACTED,
  };
}

/** Reads a secret file, trimming the trailing newline editors and `echo` leave. */
export function readSecretFile(path: string): string {
  return readFileSync(path, 'utf8').replace(/\r?\n$/, '').trim();
}
