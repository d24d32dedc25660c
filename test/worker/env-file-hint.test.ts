import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ENV_FILE_HINT } from '../../worker/cli-context';
import { runCli } from '../../worker/cli';

/** `cp .env.example .env`, then the CLI run outside docker compose: the settings are in the file, not the environment. */
describe('missing settings beside a .env file', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'okta-wfm-env-'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  const check = async (env: Record<string, string>) => {
    const err: string[] = [];
    const code = await runCli(['check'], { env, cwd: dir, stdout: () => undefined, stderr: (l) => err.push(l) });
    return { code, err };
  };

  it('without a .env file: exit 2, one line per missing setting, no word of .env', async () => {
    const { code, err } = await check({});
    expect(code).toBe(2);
    expect(err).toContain('  OKTA_ORG_URL: is required');
    expect(err.join('\n')).not.toContain('.env');
  });

  it('with one: exit 2, and a last line that says the file is not read and how to load it', async () => {
    writeFileSync(join(dir, '.env'), 'OKTA_ORG_URL=https://acme.okta.com\n');
    const { code, err } = await check({});
    expect(code).toBe(2);
    expect(err).toContain('  OKTA_ORG_URL: is required');
    expect(err.at(-1)).toBe(ENV_FILE_HINT);
    expect(ENV_FILE_HINT).toContain('node --env-file=.env dist/worker/cli.js check');
  });

  it('with one, but a setting that is bad rather than missing: no hint (the environment is in use)', async () => {
    const { code, err } = await check({
      OKTA_ORG_URL: 'https://acme.okta.com', OKTA_API_TOKEN: 't', OKTA_APP_ID: '0oa1', WFM_SCIM_URL: 'https://wfm.example.com/scim/v2', WFM_SCIM_TOKEN: 't', WFM_PAGE_SIZE: '0',
    });
    expect(code).toBe(2);
    expect(err).toContain('  WFM_PAGE_SIZE: must be between 1 and 1000');
    expect(err).not.toContain(ENV_FILE_HINT);
  });
});
