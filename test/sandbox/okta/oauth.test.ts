import { Client, DefaultRequestExecutor } from '@okta/okta-sdk-nodejs';
import { generateKeyPairSync, randomUUID, sign, type KeyObject } from 'node:crypto';
import { startOktaSandbox, type OktaSandbox } from '../../../sandbox/okta/server';
import { asObject, call } from './helpers';

const SCOPES = ['okta.users.read', 'okta.groups.read', 'okta.apps.read', 'okta.logs.read'];

function keyPair(): { privateKey: KeyObject; publicKey: KeyObject } {
  return generateKeyPairSync('rsa', { modulusLength: 2048 });
}

/** A client assertion built by hand, to probe the token endpoint's checks. */
function assertion(key: KeyObject, claims: Record<string, unknown>, kid?: string): string {
  const enc = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');
  const input = `${enc({ alg: 'RS256', typ: 'JWT', ...(kid ? { kid } : {}) })}.${enc(claims)}`;
  return `${input}.${sign('sha256', Buffer.from(input), key).toString('base64url')}`;
}

async function tokenRequest(sandbox: OktaSandbox, form: Record<string, string>): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${sandbox.url}/oauth2/v1/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
    body: new URLSearchParams(form).toString(),
  });
  return { status: res.status, body: asObject(await res.json()) };
}

describe('OAuth 2.0 service app (PrivateKey mode) against the sandbox', () => {
  let sandbox: OktaSandbox;
  const jwkPair = keyPair();
  const pemPair = keyPair();

  const sdk = (opts: { clientId: string; privateKey: string | Record<string, unknown>; keyId?: string; scopes?: string[] }): Client =>
    new Client({
      orgUrl: sandbox.url,
      authorizationMode: 'PrivateKey',
      clientId: opts.clientId,
      scopes: opts.scopes ?? SCOPES,
      privateKey: opts.privateKey,
      ...(opts.keyId ? { keyId: opts.keyId } : {}),
      cacheMiddleware: null,
      requestExecutor: new DefaultRequestExecutor({ maxRetries: 2, requestTimeout: 10000 }),
    });

  beforeAll(async () => {
    sandbox = await startOktaSandbox({ users: 20, seed: 3 });
    sandbox.state.registerServiceApp({ clientId: '0oajwkclient', jwk: { ...jwkPair.publicKey.export({ format: 'jwk' }), kid: 'jwk-1' }, scopes: SCOPES });
    sandbox.state.registerServiceApp({
      clientId: '0oapemclient',
      pem: pemPair.publicKey.export({ format: 'pem', type: 'spki' }).toString(),
      kid: 'pem-1',
      scopes: ['okta.users.read'],
    });
  });

  afterAll(async () => {
    await sandbox.close();
  });

  beforeEach(() => {
    sandbox.requests.length = 0;
  });

  test('a JWK private key gets a token once and reuses it as a Bearer token', async () => {
    const client = sdk({ clientId: '0oajwkclient', privateKey: { ...jwkPair.privateKey.export({ format: 'jwk' }), kid: 'jwk-1' } });
    const users = [];
    for await (const user of await client.userApi.listUsers({ limit: 5 })) if (user) users.push(user);
    const agents = sandbox.state.groupByName('WFM Agents');
    const group = await client.groupApi.getGroup({ groupId: agents?.id ?? '' });
    expect(users.length).toBe(sandbox.state.users().filter((u) => u.status !== 'DEPROVISIONED').length);
    expect(group.profile?.name).toBe('WFM Agents');
    expect(sandbox.requests.filter((r) => r.path === '/oauth2/v1/token').map((r) => r.status)).toEqual([200]);
  });

  test('a PEM private key with keyId works; a scope it lacks is refused (and how the SDK reports it)', async () => {
    const pem = pemPair.privateKey.export({ format: 'pem', type: 'pkcs1' }).toString();
    const client = sdk({ clientId: '0oapemclient', privateKey: pem, keyId: 'pem-1', scopes: ['okta.users.read'] });
    const user = sandbox.state.users()[0];
    expect((await client.userApi.getUser({ userId: user?.id ?? '' })).id).toBe(user?.id);
    await expect(client.groupApi.listGroupUsers({ groupId: 'x' }).then((c) => c.next())).rejects.toMatchObject({ status: 403, errorCode: 'E0000006' });
    const greedy = sdk({ clientId: '0oapemclient', privateKey: pem, keyId: 'pem-1', scopes: ['okta.users.read', 'okta.logs.read'] });
    // SDK 8.1 pitfall: oauth.js never checks the token endpoint's status (it calls an undefined
    // errorFilter), so invalid_scope comes back as the API's 401 E0000011 after a second token try.
    sandbox.requests.length = 0;
    await expect(greedy.userApi.getUser({ userId: user?.id ?? '' })).rejects.toMatchObject({ status: 401, errorCode: 'E0000011' });
    expect(sandbox.requests.map((r) => `${r.path === '/oauth2/v1/token' ? 'token' : 'api'} ${r.status}`))
      .toEqual(['token 400', 'api 401', 'token 400', 'api 401']);
  });

  test('token endpoint faults: a 429 of its own rate limit, a 5xx, each answered once', async () => {
    const now = Math.floor(Date.now() / 1000);
    const form = () => ({
      grant_type: 'client_credentials',
      scope: 'okta.users.read',
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: assertion(jwkPair.privateKey, { iss: '0oajwkclient', sub: '0oajwkclient', aud: `${sandbox.url}/oauth2/v1/token`, iat: now, exp: now + 300, jti: randomUUID() }, 'jwk-1'),
    });
    sandbox.setFaults({ tokenRateLimitNext: 1, tokenServerErrorNext: 1, serverErrorStatus: 503 });
    try {
      const limited = await fetch(`${sandbox.url}/oauth2/v1/token`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form()).toString() });
      expect(limited.status).toBe(429);
      expect(limited.headers.get('x-rate-limit-remaining')).toBe('0');
      expect(Number(limited.headers.get('x-rate-limit-reset'))).toBeGreaterThan(now);
      expect(asObject(await limited.json()).errorCode).toBe('E0000047');
      expect(await tokenRequest(sandbox, form())).toMatchObject({ status: 503, body: { errorCode: 'E0000010' } });
      expect(await tokenRequest(sandbox, form())).toMatchObject({ status: 200, body: { token_type: 'Bearer' } });
      expect(sandbox.requests.filter((r) => r.path === '/oauth2/v1/token').map((r) => r.status)).toEqual([429, 503, 200]);
    } finally {
      sandbox.resetFaults();
    }
  });

  test('after a 401 the SDK drops its token, fetches a new one and retries once', async () => {
    const client = sdk({ clientId: '0oajwkclient', privateKey: { ...jwkPair.privateKey.export({ format: 'jwk' }), kid: 'jwk-1' } });
    const user = sandbox.state.users()[1];
    await client.userApi.getUser({ userId: user?.id ?? '' });
    sandbox.state.serviceApps.revokeAll();
    expect((await client.userApi.getUser({ userId: user?.id ?? '' })).id).toBe(user?.id);
    expect(sandbox.requests.map((r) => `${r.path === '/oauth2/v1/token' ? 'token' : 'api'} ${r.status}`))
      .toEqual(['token 200', 'api 200', 'api 401', 'token 200', 'api 200']);
  });

  test('key rotation as in Okta: two active keys need the kid; the only active key stays; a key is deactivated, then deleted', async () => {
    const [first, second] = [keyPair(), keyPair()];
    sandbox.state.registerServiceApp({ clientId: '0oarotation', jwk: { ...first.publicKey.export({ format: 'jwk' }), kid: 'r-1' }, scopes: SCOPES });
    const now = Math.floor(Date.now() / 1000);
    const claims = () => ({ iss: '0oarotation', sub: '0oarotation', aud: `${sandbox.url}/oauth2/v1/token`, iat: now, exp: now + 300, jti: randomUUID() });
    const token = async (key: KeyObject, kid?: string) => {
      const res = await tokenRequest(sandbox, {
        grant_type: 'client_credentials',
        scope: 'okta.users.read',
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        client_assertion: assertion(key, claims(), kid),
      });
      return res.status === 200 ? 200 : `${res.status} ${String(res.body.error_description)}`;
    };
    const admin = async (method: string, path: string) => {
      const res = await call(sandbox, `/_sandbox/service-apps/0oarotation/keys/${path}`, { method, ...(method === 'POST' ? { body: {} } : {}) });
      return res.status === 400 ? asObject(res.body).errorCauses : res.status;
    };
    expect(await token(first.privateKey)).toBe(200);
    expect(await admin('POST', 'r-1/deactivate')).toEqual([
      { errorSummary: "Can't deactivate the only active JSON Web Key when the value for `token_endpoint_auth_method` is `private_key_jwt`." },
    ]);
    sandbox.state.registerServiceApp({ clientId: '0oarotation', jwk: { ...second.publicKey.export({ format: 'jwk' }), kid: 'r-2' }, scopes: SCOPES });
    expect(await token(second.privateKey)).toBe('401 The client_assertion JWT kid is invalid.');
    expect(await token(second.privateKey, 'r-2')).toBe(200);
    expect(await token(first.privateKey, 'r-1')).toBe(200);
    expect(await admin('DELETE', 'r-1')).toEqual([{ errorSummary: "You can't delete an active JSON Web key. Deactivate the key before deleting it." }]);
    expect(await admin('POST', 'r-1/deactivate')).toBe(200);
    expect(await token(first.privateKey, 'r-1')).toBe('401 The client_assertion key id r-1 is not registered for the client.');
    expect(await token(second.privateKey)).toBe(200);
    expect(await admin('DELETE', 'r-1')).toBe(204);
    expect(await admin('DELETE', 'r-1')).toBe(404);
    expect(sandbox.state.serviceApps.get('0oarotation')?.keys.map((k) => k.kid)).toEqual(['r-2']);
  });

  test('the token endpoint checks signature, audience, expiry, replay and grant', async () => {
    const aud = `${sandbox.url}/oauth2/v1/token`;
    const now = Math.floor(Date.now() / 1000);
    const good = { iss: '0oajwkclient', sub: '0oajwkclient', aud, iat: now, exp: now + 300 };
    const form = (jwt: string, extra: Record<string, string> = {}): Record<string, string> => ({
      grant_type: 'client_credentials',
      scope: 'okta.users.read',
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: jwt,
      ...extra,
    });
    const ok = await tokenRequest(sandbox, form(assertion(jwkPair.privateKey, { ...good, jti: randomUUID() }, 'jwk-1')));
    expect(ok).toMatchObject({ status: 200, body: { token_type: 'Bearer', expires_in: 3600, scope: 'okta.users.read' } });
    const bearer = await call(sandbox, '/api/v1/users?limit=1', { authorization: `Bearer ${String(ok.body.access_token)}` });
    expect(bearer.status).toBe(200);

    const replayed = assertion(jwkPair.privateKey, { ...good, jti: 'same' }, 'jwk-1');
    expect((await tokenRequest(sandbox, form(replayed))).status).toBe(200);
    const cases: Array<[string, Record<string, string>, number, string]> = [
      ['replayed jti', form(replayed), 401, 'invalid_client'],
      ['wrong key', form(assertion(pemPair.privateKey, { ...good, jti: randomUUID() }, 'jwk-1')), 401, 'invalid_client'],
      ['wrong audience', form(assertion(jwkPair.privateKey, { ...good, aud: 'https://elsewhere/oauth2/v1/token', jti: randomUUID() })), 401, 'invalid_client'],
      ['expired', form(assertion(jwkPair.privateKey, { ...good, iat: now - 600, exp: now - 300, jti: randomUUID() })), 401, 'invalid_client'],
      ['too long-lived', form(assertion(jwkPair.privateKey, { ...good, exp: now + 7200, jti: randomUUID() })), 401, 'invalid_client'],
      ['iss differs from sub', form(assertion(jwkPair.privateKey, { ...good, sub: 'other', jti: randomUUID() })), 401, 'invalid_client'],
      ['unknown client', form(assertion(jwkPair.privateKey, { ...good, iss: 'nobody', sub: 'nobody', jti: randomUUID() })), 401, 'invalid_client'],
      ['no jti', form(assertion(jwkPair.privateKey, good)), 401, 'invalid_client'],
      ['no assertion', { grant_type: 'client_credentials', scope: 'okta.users.read' }, 401, 'invalid_client'],
      ['password grant', form(assertion(jwkPair.privateKey, { ...good, jti: randomUUID() }), { grant_type: 'password' }), 400, 'unsupported_grant_type'],
      ['no scope', form(assertion(jwkPair.privateKey, { ...good, jti: randomUUID() }), { scope: '' }), 400, 'invalid_scope'],
    ];
    for (const [label, body, status, error] of cases) {
      const res = await tokenRequest(sandbox, body);
      expect({ label, status: res.status, error: res.body.error }).toEqual({ label, status, error });
      expect(typeof res.body.error_description).toBe('string');
    }
    const unknown = await call(sandbox, '/api/v1/users', { authorization: 'Bearer not-a-token' });
    expect(unknown.status).toBe(401);
    expect(asObject(unknown.body).errorCode).toBe('E0000011');
  });
});
