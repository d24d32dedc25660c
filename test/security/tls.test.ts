import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ConfigError, loadConfig } from '../../config/load-config';
import { validEnv } from '../helpers/env';

const ROOT = join(__dirname, '..', '..');
const SKIP_DIRS = new Set(['node_modules', 'dist', '.git', 'coverage']);
const TEXT = /\.(ts|js|mjs|cjs|json|ya?ml|sh|md)$|^(Dockerfile|run|\.env.*)$/;

// Built from pieces so this file does not match itself.
const NAME = ['NODE', 'TLS', 'REJECT', 'UNAUTHORIZED'].join('_');
const REJECT = ['reject', 'Unauthorized'].join('');
const TURNS_TLS_OFF: readonly RegExp[] = [
  new RegExp(`${REJECT}['"]?\\s*(?::|=(?!=))\\s*(false|0|['"]0['"])`),
  new RegExp(`${NAME}['"]?\\s*(?::|=(?!=))\\s*['"]?0`),
  new RegExp(`ENV\\s+${NAME}\\s+['"]?0`),
  new RegExp(`checkServerIdentity['"]?\\s*(?::|=(?!=))`),
];

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return SKIP_DIRS.has(name) ? [] : files(path);
    return TEXT.test(name) ? [path] : [];
  });
}

describe('TLS verification is never turned off', () => {
  it.each([
    [`https.request({ ${REJECT}: false })`],
    [`agent.options.${REJECT} = false`],
    [`process.env.${NAME} = '0'`],
    [`${NAME}=0 node dist/worker/cli.js`],
    [`environment:\n  ${NAME}: "0"`],
    [`ENV ${NAME} 0`],
    [`new Agent({ checkServerIdentity: () => undefined })`],
  ])('the check recognises: %s', (snippet) => {
    expect(TURNS_TLS_OFF.some((re) => re.test(snippet))).toBe(true);
  });

  it('no file of the project (code, config, Docker, CI, docs) turns it off', () => {
    const all = files(ROOT).filter((f) => f !== __filename);
    expect(all.length).toBeGreaterThan(100);
    const hits = all.flatMap((file) => {
      const text = readFileSync(file, 'utf8');
      return TURNS_TLS_OFF.filter((re) => re.test(text)).map((re) => `${relative(ROOT, file)}: ${re.source}`);
    });
    expect(hits).toEqual([]);
  });

  it(`refuses to start with ${NAME}=0 in the environment, naming it`, () => {
    const err: unknown = (() => {
      try {
        return loadConfig(validEnv({ [NAME]: '0' }));
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).problems).toEqual([expect.stringMatching(new RegExp(`^${NAME}: is 0, which turns off TLS certificate checks`))]);
    expect(() => loadConfig(validEnv({ [NAME]: '1' }))).not.toThrow();
  });
});
