import { createPublicKey, generateKeyPairSync, verify, type JsonWebKey } from 'node:crypto';
import { createOktaSource, type OktaSourceConfig } from '../../clients/okta';
import { secretFromValue } from '../../config/secret';
import { inScopeUsers } from '../../sandbox/okta/oracle';
import { serviceAppConfig, withServiceAppEnv } from '../helpers/okta-config';
import { startHarness, type Harness } from '../helpers/harness';
import { frontConfig, startOktaFront, type OktaFront } from '../helpers/okta-front';

const SCOPES = ['okta.users.read', 'okta.groups.read', 'okta.apps.read', 'okta.logs.read'];

describe('OAuth service app that requires DPoP (RFC 9449), as Okta makes new API service apps', () => {
  let h: Harness;
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = JSON.stringify({ ...rsa.privateKey.export({ format: 'jwk' }), kid: 'dpop-1' });
  const tokenCalls = () => h.okta.requests.filter((r) => r.path === '/oauth2/v1/token').map((r) => r.status);
  const apiCalls = () => h.okta.requests.filter((r) => r.path.startsWith('/api/v1/')).map((r) => r.status);
  const cfg = (over: Partial<OktaSourceConfig> = {}): OktaSourceConfig =>
    serviceAppConfig(h.okta, { clientId: '0oadpopservice', scopes: SCOPES, privateKey: secretFromValue(jwk) }, over);

  beforeAll(async () => {
    h = await startHarness({ users: 30, seed: 9 });
    h.okta.state.registerServiceApp({
      clientId: '0oadpopservice',
      jwk: { ...rsa.publicKey.export({ format: 'jwk' }), kid: 'dpop-1' },
      scopes: SCOPES,
      dpopBoundAccessTokens: true,
    });
  });
  afterAll(() => h.close());
  beforeEach(() => {
    h.okta.requests.length = 0;
  });

  it('the nonce Okta asks for is sent once; then every call, next pages and queries included, carries a DPoP proof', async () => {
    const source = createOktaSource(cfg({ pageSize: 7 }));
    const pull = await source.pullInScope();
    expect(pull.users.map((u) => u.id).sort()).toEqual(inScopeUsers(h.okta.state, h.okta.appId).map((u) => u.id).sort());
    const login = String(pull.users[0]?.profile.login);
    expect(login).toContain('@'); // sent as %40: the proof names the path as sent
    await expect(source.checkUser(login)).resolves.toMatchObject({ found: true, inScope: true });
    expect((await source.listUpdatedSince('2000-01-01T00:00:00.000Z')).length).toBeGreaterThan(0);
    await source.readLog({ since: new Date(Date.now() - 60_000).toISOString() });
    expect(tokenCalls()).toEqual([400, 200]);
    const api = apiCalls();
    expect(api.length).toBeGreaterThan(5);
    expect(api.every((status) => status === 200)).toBe(true);
    expect(h.okta.requests.some((r) => r.path.startsWith('/api/v1/') && r.query.after !== undefined)).toBe(true);
    expect(source.stats().retries).toBe(0);
  });

  it('a token revoked: the SDK drops it and asks again, nonce first, without a retry of ours', async () => {
    const source = createOktaSource(cfg());
    await source.listAppGroupIds();
    h.okta.state.serviceApps.revokeAll();
    expect((await source.listAppGroupIds()).length).toBeGreaterThan(0);
    expect(tokenCalls()).toEqual([400, 200, 400, 200]);
    expect(apiCalls()).toEqual([200, 401, 200]);
    expect(source.stats().retries).toBe(0);
  });

  it('end to end: sync --once with the service app from the environment', async () => {
    await withServiceAppEnv({ clientId: '0oadpopservice', keyId: 'dpop-1', pem: rsa.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString() }, async (env) => {
      const { code, report } = await h.cli(['sync', '--once', '--json'], env);
      expect(code).toBe(0);
      expect(report?.applied.create).toBe(inScopeUsers(h.okta.state, h.okta.appId).length);
    });
  });
});

describe('a token endpoint that asks for a DPoP nonce and will not take it', () => {
  let front: OktaFront;
  const key = JSON.stringify({ ...generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }), kid: 'k' });
  const useNonce = { error: 'use_dpop_nonce', error_description: 'Authorization server requires nonce in DPoP proof.' };
  const tokenRequests = () => front.requests.filter((r) => r.path === '/oauth2/v1/token').length;
  const source = () => {
    const { apiToken: _token, ...over } = frontConfig(front);
    return createOktaSource({ ...over, oauth: { clientId: '0oafront', scopes: SCOPES, privateKey: secretFromValue(key) } });
  };

  beforeEach(async () => {
    front = await startOktaFront();
  });
  afterEach(() => front.close());

  it('follows the nonce once, and only with a nonce to follow; then a clear auth error, never a loop', async () => {
    front.routes.set('/oauth2/v1/token', (_url, nth) => ({ status: 400, headers: { 'DPoP-Nonce': `nonce-${nth}` }, body: useNonce }));
    await expect(source().listAppGroupIds()).rejects.toMatchObject({
      kind: 'auth',
      service: 'okta',
      message: "Okta refused the service app's token (use_dpop_nonce: Authorization server requires nonce in DPoP proof.): it asked for a DPoP nonce again; check this machine's clock and any proxy in front of Okta",
    });
    expect(tokenRequests()).toBe(2);

    front.requests.length = 0;
    front.routes.set('/oauth2/v1/token', () => ({ status: 400, body: useNonce }));
    await expect(source().listAppGroupIds()).rejects.toMatchObject({ kind: 'auth', message: expect.stringMatching(/^Okta refused the service app's token \(use_dpop_nonce: /) });
    expect(tokenRequests()).toBe(1);
  });
});

describe('a token endpoint that issues a DPoP-bound token without asking for a nonce (RFC 9449 allows it)', () => {
  let front: OktaFront;
  const key = JSON.stringify({ ...generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }), kid: 'k' });
  afterEach(() => front.close());

  it.each(['DPoP', 'dpop'])('token_type %s: every API call carries the token as DPoP, with a proof', async (tokenType) => {
    front = await startOktaFront();
    const groups = `/api/v1/apps/0oa1appappappappapp1/groups`;
    const seen: { authorization: string; proof: boolean }[] = [];
    front.routes.set('/oauth2/v1/token', () => ({ body: { token_type: tokenType, access_token: 'bound-token', expires_in: 3600, scope: SCOPES.join(' ') } }));
    front.routes.set(groups, (_url, _nth, req) => {
      const authorization = String(req.headers.authorization ?? '');
      seen.push({ authorization, proof: typeof req.headers.dpop === 'string' && req.headers.dpop.split('.').length === 3 });
      if (!authorization.startsWith('DPoP ')) return { status: 401, headers: { 'WWW-Authenticate': 'DPoP error="invalid_token"' }, body: { errorCode: 'E0000011', errorSummary: 'Invalid token provided', errorCauses: [] } };
      return { body: [{ id: '00g1scopescopescope1', priority: 0 }] };
    });
    const { apiToken: _token, ...over } = frontConfig(front);
    const source = createOktaSource({ ...over, oauth: { clientId: '0oafront', scopes: SCOPES, privateKey: secretFromValue(key) } });
    await expect(source.listAppGroupIds()).resolves.toEqual(['00g1scopescopescope1']);
    expect(seen).toEqual([{ authorization: 'DPoP bound-token', proof: true }]);
    expect(front.requests.filter((r) => r.path === '/oauth2/v1/token')).toHaveLength(1);
  });
});

describe('a DPoP proof signed before a wait for a rate-limit window', () => {
  let front: OktaFront;
  const key = JSON.stringify({ ...generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }), kid: 'k' });
  const part = (jwt: string, i: number): Record<string, unknown> => JSON.parse(Buffer.from(jwt.split('.')[i] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
  afterEach(() => front.close());

  it('is signed again when the request goes: a fresh iat and jti, the same method, URL and token hash, a valid signature', async () => {
    front = await startOktaFront();
    const groups = `/api/v1/apps/0oa1appappappappapp1/groups`;
    const proofs: { proof: string; ageS: number }[] = [];
    front.routes.set('/oauth2/v1/token', () => ({ body: { token_type: 'DPoP', access_token: 'bound-token', expires_in: 3600 } }));
    front.routes.set(groups, (_url, nth, req) => {
      const proof = String(req.headers.dpop);
      proofs.push({ proof, ageS: Date.now() / 1000 - Number(part(proof, 1).iat) });
      if (nth === 0) {
        // The window is spent: Okta answers 429 with the reset, and the retry waits for it.
        const reset = Math.ceil(Date.now() / 1000) + 2;
        return { status: 429, headers: { 'X-Rate-Limit-Limit': '100', 'X-Rate-Limit-Remaining': '0', 'X-Rate-Limit-Reset': String(reset) }, body: { errorCode: 'E0000047', errorSummary: 'API call exceeded rate limit due to too many requests.', errorCauses: [] } };
      }
      return { body: [{ id: '00g1scopescopescope1', priority: 0 }] };
    });
    const { apiToken: _token, ...over } = frontConfig(front);
    const source = createOktaSource({ ...over, oauth: { clientId: '0oafront', scopes: SCOPES, privateKey: secretFromValue(key) } });
    await expect(source.listAppGroupIds()).resolves.toEqual(['00g1scopescopescope1']);
    expect(proofs).toHaveLength(2);
    const [first, second] = proofs.map((p) => p.proof) as [string, string];
    expect(proofs[1]?.ageS).toBeLessThan(1.5); // signed when it went, not before the wait of 2 s and more
    expect(part(second, 1)).toMatchObject({ htm: part(first, 1).htm, htu: part(first, 1).htu, ath: part(first, 1).ath });
    expect(part(second, 1).jti).not.toBe(part(first, 1).jti);
    expect(part(second, 0)).toEqual(part(first, 0));
    const publicKey = createPublicKey({ key: part(second, 0).jwk as JsonWebKey, format: 'jwk' });
    const [h, c, sig] = second.split('.') as [string, string, string];
    expect(verify('sha256', Buffer.from(`${h}.${c}`), publicKey, Buffer.from(sig, 'base64url'))).toBe(true);
  });
});
