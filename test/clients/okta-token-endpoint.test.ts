import { generateKeyPairSync } from 'node:crypto';
import { createOktaSource } from '../../clients/okta';
import { secretFromValue } from '../../config/secret';
import { serviceAppConfig, withServiceAppEnv } from '../helpers/okta-config';
import { startHarness, type Harness } from '../helpers/harness';
import { startOktaProxy, type OktaProxy } from '../helpers/okta-proxy';

const SCOPES = ['okta.users.read', 'okta.groups.read', 'okta.apps.read', 'okta.logs.read'];

/**
 * OKTA_ORG_URL at something that has no /oauth2/v1/token: here a proxy in front of Okta that
 * passes /api/v1 alone (as one set up for API tokens would). Okta always answers its token
 * endpoint, so a 404 there is the URL or the proxy, not the service app's credentials.
 */
describe('a token endpoint that is not there (HTTP 404)', () => {
  let h: Harness;
  let proxy: OktaProxy;
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = JSON.stringify({ ...rsa.privateKey.export({ format: 'jwk' }), kid: 'rsa-1' });
  const tokenCalls = () => proxy.requests.filter((u) => u.pathname === '/oauth2/v1/token');
  const expected = () =>
    `nothing answers at ${proxy.url}/oauth2/v1/token, where Okta issues the service app's token (HTTP 404): set OKTA_ORG_URL to the Okta org itself (https://acme.okta.com), and let any proxy in front of Okta pass /oauth2/v1/token`;

  beforeAll(async () => {
    h = await startHarness({ users: 12, seed: 5 });
    h.okta.state.registerServiceApp({ clientId: '0oarsaservice', jwk: { ...rsa.publicKey.export({ format: 'jwk' }), kid: 'rsa-1' }, scopes: SCOPES });
    proxy = await startOktaProxy(h.okta.url);
  });
  afterAll(async () => {
    await proxy.close();
    await h.close();
  });
  beforeEach(() => {
    proxy.requests.length = 0;
    proxy.rewrites.length = 0;
    proxy.rewrites.push((url, answer) => (url.pathname.startsWith('/oauth2/') ? { status: 404, headers: { 'content-type': 'text/html' }, body: '<html><body>Not Found</body></html>' } : answer));
  });

  // No group to resolve: the app's user listing is the first call (its 404 means no such app, which this is not).
  it('says that OKTA_ORG_URL (or a proxy) is wrong, not the credentials: a config error, asked once', async () => {
    const cfg = serviceAppConfig(h.okta, { clientId: '0oarsaservice', scopes: SCOPES, privateKey: secretFromValue(jwk) }, { orgUrl: proxy.url, supervisorGroups: [] });
    await expect(createOktaSource(cfg).pullInScope()).rejects.toMatchObject({ kind: 'config', service: 'okta', message: expected() });
    expect(tokenCalls()).toHaveLength(1);
    expect(proxy.requests.filter((u) => u.pathname.startsWith('/api/v1/'))).toHaveLength(0);

  });

  it('end to end: sync --once stops with exit code 2 on that one line, and check fails on it', async () => {
    await withServiceAppEnv({ clientId: '0oarsaservice', keyId: 'rsa-1', pem: rsa.privateKey.export({ format: 'pem', type: 'pkcs1' }).toString() }, async (env) => {
      const run = await h.cli(['sync', '--once', '--dry-run', '--json'], { ...env, OKTA_ORG_URL: proxy.url });
      expect(run.code).toBe(2);
      expect(run.report?.error).toBe(expected());
      const check = await h.cli(['check'], { ...env, OKTA_ORG_URL: proxy.url });
      expect(check.code).toBe(1);
      expect(check.out.find((l) => /^FAIL\s+okta\s/.test(l))).toContain(expected());
    });
  });
});
