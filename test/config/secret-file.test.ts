import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../config/load-config';
import { readSecretFile, secretFromFile } from '../../config/secret';
import { validEnv } from '../helpers/env';

describe('reading a secret file that is being rewritten', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'okta-wfm-secret-'));
    file = join(dir, 'token');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads again while the file is empty (truncated, not yet written), and gets the new value', () => {
    writeFileSync(file, ''); // `echo new > file` has truncated it
    const waits: number[] = [];
    const value = readSecretFile(file, (ms) => {
      waits.push(ms);
      if (waits.length === 2) writeFileSync(file, 'new-token\n'); // ...and now written
    });
    expect(value).toBe('new-token');
    expect(waits).toEqual([10, 10]);
  });

  it('gives up after about 50 ms: a file still empty is an error naming the setting and the file, never an empty credential', () => {
    writeFileSync(file, '\n');
    const waits: number[] = [];
    expect(() => readSecretFile(file, (ms) => waits.push(ms))).toThrow();
    expect(waits.reduce((a, b) => a + b, 0)).toBe(50);
    const secret = secretFromFile(file, 'WFM_SCIM_TOKEN');
    expect(() => secret.reveal()).toThrow(`WFM_SCIM_TOKEN_FILE: ${file} is empty`);
    expect(() => loadConfig(validEnv({ WFM_SCIM_TOKEN: undefined, WFM_SCIM_TOKEN_FILE: file }))).toThrow(`WFM_SCIM_TOKEN_FILE: ${file} is empty`);
  });

  it('reads a written file at once, trimming the trailing newline', () => {
    writeFileSync(file, 'tok\n');
    expect(readSecretFile(file, () => {
      throw new Error('no wait for a file that has content');
    })).toBe('tok');
  });
});
