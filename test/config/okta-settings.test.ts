import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../config/load-config';
import { sdkPrivateKey } from '../../config/private-key';
import { runCli } from '../../worker/cli';
import { problemsOf, validEnv } from '../helpers/env';

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const pkcs8 = rsa.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
const jwk = JSON.stringify({ ...rsa.privateKey.export({ format: 'jwk' }), kid: 'key-1' });
const serviceApp = { OKTA_API_TOKEN: undefined, OKTA_CLIENT_ID: '0oaservice', OKTA_PRIVATE_KEY: jwk };

describe('Okta authentication: exactly one of OKTA_API_TOKEN and the service app', () => {
  it('takes the service app, with the default scopes, and no token', () => {
    const cfg = loadConfig(validEnv(serviceApp));
    expect(cfg.okta.apiToken).toBeUndefined();
    expect(cfg.okta.oauth).toMatchObject({ clientId: '0oaservice', scopes: ['okta.users.read', 'okta.groups.read', 'okta.apps.read', 'okta.logs.read'] });
    expect(cfg.okta.oauth?.privateKey.reveal()).toBe(jwk);
    expect(JSON.stringify(cfg)).not.toContain(String(rsa.privateKey.export({ format: 'jwk' }).d));
  });

  it('reads a PEM key from OKTA_PRIVATE_KEY_FILE, with OKTA_KEY_ID and OKTA_SCOPES', () => {
    const dir = mkdtempSync(join(tmpdir(), 'okta-key-'));
    writeFileSync(join(dir, 'key.pem'), pkcs8);
    const cfg = loadConfig(
      validEnv({ ...serviceApp, OKTA_PRIVATE_KEY: undefined, OKTA_PRIVATE_KEY_FILE: join(dir, 'key.pem'), OKTA_KEY_ID: 'pem-1', OKTA_SCOPES: 'okta.users.read, okta.logs.read' }),
    );
    expect(cfg.okta.oauth).toMatchObject({ keyId: 'pem-1', scopes: ['okta.users.read', 'okta.logs.read'] });
    expect(cfg.okta.oauth?.privateKey.source).toBe('file');
  });

  it.each<[string, Record<string, string | undefined>, string]>([
    ['neither', { OKTA_API_TOKEN: undefined }, 'OKTA_API_TOKEN: is required (or OKTA_API_TOKEN_FILE), unless the service app OKTA_CLIENT_ID and OKTA_PRIVATE_KEY are set'],
    ['both', { ...serviceApp, OKTA_API_TOKEN: 'tok' }, 'OKTA_API_TOKEN: set either OKTA_API_TOKEN or the service app (OKTA_CLIENT_ID, OKTA_PRIVATE_KEY), not both'],
    ['a client id without a key', { ...serviceApp, OKTA_PRIVATE_KEY: undefined }, 'OKTA_PRIVATE_KEY: is required (or OKTA_PRIVATE_KEY_FILE) with OKTA_CLIENT_ID'],
    ['a key without a client id', { ...serviceApp, OKTA_CLIENT_ID: undefined }, 'OKTA_CLIENT_ID: is required with OKTA_PRIVATE_KEY'],
    ['a key that is no key', { ...serviceApp, OKTA_PRIVATE_KEY: 'not-a-key-secret-123' }, 'OKTA_PRIVATE_KEY: is neither a PEM private key nor a private JWK'],
    ['a public key', { ...serviceApp, OKTA_PRIVATE_KEY: rsa.publicKey.export({ format: 'pem', type: 'spki' }).toString() }, 'OKTA_PRIVATE_KEY: is neither'],
    ['a key id with an API token', { OKTA_KEY_ID: 'k1' }, 'OKTA_KEY_ID: belongs to the service app'],
    ['a scope that is not one', { ...serviceApp, OKTA_SCOPES: 'users.read' }, 'OKTA_SCOPES: must be Okta scopes such as okta.users.read'],
  ])('refuses %s, naming the settings', (_name, overrides, problem) => {
    const problems = problemsOf(validEnv(overrides)).join('\n');
    expect(problems).toContain(problem);
    expect(problems).not.toContain('not-a-key-secret-123');
  });
});

describe('scope and pacing settings', () => {
  it('has defaults: app scope, 4 calls in flight, 20% reserve', () => {
    const cfg = loadConfig(validEnv());
    expect(cfg.okta).toMatchObject({ scopeGroups: [], ruleGroups: [], concurrency: 4, rateReservePercent: 20 });
  });

  it('reads OKTA_GROUPS, OKTA_CONCURRENCY and OKTA_RATE_RESERVE', () => {
    const cfg = loadConfig(validEnv({ OKTA_APP_ID: undefined, OKTA_GROUPS: 'WFM Agents, WFM Supervisors', OKTA_CONCURRENCY: '2', OKTA_RATE_RESERVE: '35' }));
    expect(cfg.okta).toMatchObject({ scopeGroups: ['WFM Agents', 'WFM Supervisors'], concurrency: 2, rateReservePercent: 35 });
  });

  it('OKTA_APP_ID: not needed with OKTA_GROUPS (their members are in scope), required without it', () => {
    const cfg = loadConfig(validEnv({ OKTA_APP_ID: undefined, OKTA_GROUPS: 'WFM Agents' }));
    expect(cfg.okta.appId).toBeUndefined();
    expect(cfg.okta.scopeGroups).toEqual(['WFM Agents']);
    expect(problemsOf(validEnv({ OKTA_APP_ID: undefined }))).toEqual(['OKTA_APP_ID: is required, unless OKTA_GROUPS is set']);
    expect(problemsOf(validEnv({ OKTA_APP_ID: ' ' }))).toEqual(['OKTA_APP_ID: is required, unless OKTA_GROUPS is set']);
  });

  it('refuses OKTA_APP_ID together with OKTA_GROUPS, naming both: the app would be ignored', () => {
    expect(problemsOf(validEnv({ OKTA_GROUPS: 'WFM Agents' }))).toEqual([
      'OKTA_APP_ID, OKTA_GROUPS: set one, not both: OKTA_GROUPS puts the members of its groups in scope instead of the users of app OKTA_APP_ID, which would be ignored; unset OKTA_APP_ID to sync the groups, or OKTA_GROUPS to sync the app',
    ]);
    expect(problemsOf(validEnv({ OKTA_GROUPS: 'WFM Agents', OKTA_APP_ID: ' ' }))).toEqual([]);
  });

  it.each([
    ['OKTA_CONCURRENCY', '0', 'must be between 1 and 32'],
    ['OKTA_RATE_RESERVE', '95', 'must be between 0 and 90'],
    ['OKTA_GROUPS', ' , ', 'must name at least one group'],
  ])('refuses %s=%s', (name, value, message) => {
    expect(problemsOf(validEnv({ [name]: value, ...(name === 'OKTA_GROUPS' ? { OKTA_APP_ID: undefined } : {}) }))).toEqual([`${name}: ${message}`]);
  });
});

describe('sdkPrivateKey: the key as the SDK signs with it', () => {
  it.each([
    ['RSA PKCS#8 PEM', pkcs8, 'pem-1', { kty: 'RSA', alg: 'RS256', kid: 'pem-1' }],
    ['RSA PKCS#1 PEM', rsa.privateKey.export({ format: 'pem', type: 'pkcs1' }).toString(), undefined, { kty: 'RSA', alg: 'RS256' }],
    ['RSA JWK keeps its kid', jwk, undefined, { kty: 'RSA', kid: 'key-1' }],
    ['RSA PKCS#8 PEM on one line, its line breaks written as \\n (an env file)', pkcs8.trim().replace(/\n/g, '\\n'), 'pem-2', { kty: 'RSA', kid: 'pem-2' }],
    ['RSA PKCS#1 PEM on one line, its line breaks written as \\r\\n', rsa.privateKey.export({ format: 'pem', type: 'pkcs1' }).toString().trim().replace(/\n/g, '\\r\\n'), undefined, { kty: 'RSA' }],
  ])('%s', (_name, text, kid, expected) => {
    const r = sdkPrivateKey(text, kid);
    if (!r.ok) throw new Error(r.problem);
    expect(JSON.parse(r.jwk)).toMatchObject({ ...expected, d: expect.any(String) });
  });

  it.each([
    ['ec', generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'pem', type: 'sec1' }).toString(), 'is an EC key; the Okta SDK signs with RSA keys only'],
    ['ed25519', generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(), 'is a ed25519 key; the Okta SDK signs with RSA keys only'],
  ])('refuses an %s key: the SDK 8.1 signs its DPoP proof as RS256 whatever the key', (_type, pem, problem) => {
    expect(sdkPrivateKey(pem)).toEqual({ ok: false, problem });
  });
});

describe('OKTA_ORG_URL pasted from a browser', () => {
  const refusal = (meant: string) => [`OKTA_ORG_URL: is an address of Okta's admin console or end-user dashboard, as a browser shows it, not the org URL the API answers at; set OKTA_ORG_URL=${meant}`];

  it.each([
    ['https://acme-admin.okta.com', 'https://acme.okta.com'],
    ['https://acme-admin.okta.com/admin/dashboard', 'https://acme.okta.com'],
    ['https://acme-admin.oktapreview.com/admin/users?tab=all#x', 'https://acme.oktapreview.com'],
    ['https://acme-admin.okta-emea.com/', 'https://acme.okta-emea.com'],
    ['https://my-org-admin.OKTA.com/admin/apps', 'https://my-org.okta.com'],
    ['https://acme.okta.com/app/UserHome', 'https://acme.okta.com'],
    ['https://acme.okta.com/enduser/catalog', 'https://acme.okta.com'],
    ['https://acme.okta.com/admin', 'https://acme.okta.com'],
    ['https://login.acme.com/enduser/settings', 'https://login.acme.com'],
    ['https://login.acme.com:8443/admin/dashboard', 'https://login.acme.com:8443'],
  ])('refuses %s, naming %s', (url, meant) => {
    expect(problemsOf(validEnv({ OKTA_ORG_URL: url }))).toEqual(refusal(meant));
  });

  it.each([
    ['an org URL', 'https://acme.okta.com', 'https://acme.okta.com'],
    ['a proxy prefix', 'https://gw.example.com/okta/', 'https://gw.example.com/okta'],
    ['a prefix that only starts like a console path', 'https://gw.example.com/administrator', 'https://gw.example.com/administrator'],
    ['a custom domain whose name holds -admin', 'https://login-admin.acme.com', 'https://login-admin.acme.com'],
    ['a preview org', 'https://acme.oktapreview.com', 'https://acme.oktapreview.com'],
  ])('takes %s', (_what, url, orgUrl) => {
    expect(loadConfig(validEnv({ OKTA_ORG_URL: url })).okta.orgUrl).toBe(orgUrl);
  });

  it('stops start-up and check with exit 2', async () => {
    for (const args of [['sync', '--once'], ['check']]) {
      const err: string[] = [];
      const code = await runCli(args, { env: validEnv({ OKTA_ORG_URL: 'https://acme-admin.okta.com/admin/dashboard' }), stdout: () => undefined, stderr: (l) => err.push(l) });
      expect([args, code]).toEqual([args, 2]);
      expect(err.join('\n')).toContain('set OKTA_ORG_URL=https://acme.okta.com');
    }
  });
});
