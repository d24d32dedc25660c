import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const DIST = join(__dirname, '..', '..', 'dist');

/**
 * In a process of its own, built from the compiled product (`npm test` builds it first): a client
 * that cannot be built, here the Okta client without a token, after Redis has connected.
 */
const script = `
const { buildApp } = require(${JSON.stringify(join(DIST, 'worker', 'main.js'))});
const { loadConfig } = require(${JSON.stringify(join(DIST, 'config', 'load-config.js'))});
const { createLogger } = require(${JSON.stringify(join(DIST, 'worker', 'logger.js'))});
const config = loadConfig({
  OKTA_ORG_URL: 'https://example.okta.com', OKTA_API_TOKEN: 'x', OKTA_APP_ID: '0oa1',
  WFM_SCIM_URL: 'https://wfm.example.com/scim/v2', WFM_SCIM_TOKEN: 'y', WFM_API_URL: 'https://wfm.example.com',
  WFM_ACCESS_KEY_ID: 'a', WFM_ACCESS_KEY_SECRET: 'b', REDIS_URL: process.env.REDIS_URL,
});
try {
  buildApp({ ...config, okta: { ...config.okta, apiToken: undefined } }, createLogger({ level: 'error' }));
  console.log('built');
} catch (e) {
  console.log('threw: ' + e.message);
}
`;

describe('building the app', () => {
  it('lets go of its Redis connection when a client cannot be built, so the process can exit', () => {
    const run = spawnSync(process.execPath, ['-e', script], {
      env: { PATH: process.env.PATH ?? '', REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.stdout.trim()).toBe('threw: OKTA_API_TOKEN: is required, or the service app settings OKTA_CLIENT_ID and OKTA_PRIVATE_KEY');
    // Ended by itself with nothing left open, not killed by the timeout.
    expect(run.signal).toBeNull();
    expect(run.status).toBe(0);
  });
});
