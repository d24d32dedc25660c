import { readFileSync } from 'node:fs';
import { rememberSecret } from './redact';

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
  rememberSecret(value);
  return {
    source: 'env',
    reveal: () => value,
    toJSON: () => REDACTED,
    toString: () => REDACTED,
  };
}

/** A secret file that could not be read when its secret was needed: names the setting and the file, never the secret. */
export class SecretFileError extends Error {
  readonly setting: string;
  constructor(setting: string, path: string, err: unknown) {
    super(err instanceof EmptySecretFile ? `${setting}_FILE: ${path} is empty` : `${setting}_FILE: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? 'unreadable'})`);
    this.name = 'SecretFileError';
    this.setting = setting;
  }
}

/** A secret file that stayed empty: an empty credential is never sent. */
class EmptySecretFile extends Error {}

/** `setting` names the secret (e.g. WFM_SCIM_TOKEN) in the error a file that went missing gives. */
export function secretFromFile(path: string, setting: string): Secret {
  return {
    source: 'file',
    reveal: () => {
      try {
        const value = readSecretFile(path);
        rememberSecret(value);
        return value;
      } catch (err) {
        throw new SecretFileError(setting, path, err);
      }
    },
    toJSON: () => REDACTED,
    toString: () => REDACTED,
  };
}

const readTrimmed = (path: string): string => readFileSync(path, 'utf8').replace(/\r?\n$/, '').trim();

/** Blocks this thread for a few milliseconds (only while a secret file is being rewritten). */
const pause = (ms: number): void => {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
};

/**
 * Reads a secret file, trimming the trailing newline editors and `echo` leave. A file rewritten in
 * place (`echo new > file`) is empty for a moment between truncation and write: an empty read is
 * tried again a few times over about 50 ms, so a rotation never sends an empty credential; a file
 * still empty then is an error (SecretFileError names the setting and the file).
 */
export function readSecretFile(path: string, wait: (ms: number) => void = pause): string {
  let value = readTrimmed(path);
  for (let attempt = 0; value === '' && attempt < 5; attempt += 1) {
    wait(10);
    value = readTrimmed(path);
  }
  if (value === '') throw new EmptySecretFile(path);
  return value;
}
