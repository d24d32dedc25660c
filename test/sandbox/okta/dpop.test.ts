import { Client, DefaultRequestExecutor } from '@okta/okta-sdk-nodejs';
import { createHash, generateKeyPairSync, randomUUID, sign, type KeyObject } from 'node:crypto';
import { startOktaSandbox, type OktaSandbox } from '../../../sandbox/okta/server';
import { asObject, call } from './helpers';

const SCOPES = ['okta.users.read', 'okta.groups.read', 'okta.apps.read', 'okta.logs.read'];
type Pair = { privateKey: KeyObject; publicKey: KeyObject };

const enc = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');
const signed = (key: KeyObject, header: Record<string, unknown>, claims: Record<string, unknown>): string => {
  const input = `${enc(header)}.${enc(claims)}`;
  return `${input}.${sign('sha256', Buffer.from(input), key).toString('base64url')}`;
};
const ath = (token: string): string => createHash('sha256').update(token).digest('base64url');

describe('DPoP (RFC 9449) for a service app that requires it', () => {
  let sandbox: OktaSandbox;
  const client: Pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const dpopKey: Pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const otherKey: Pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const tokenUrl = () => `${sandbox.url}/oauth2/v1/token`;

  /** A DPoP proof by `pair`, its public JWK in the header, with the claims given over sound defaults. */
  const proof = (pair: Pair, claims: Record<string, unknown>, header: Record<string, unknown> = {}, signer: KeyObject = pair.privateKey): string =>
    signed(signer, { typ: 'dpop+jwt', alg: 'RS256', jwk: pair.publicKey.export({ format: 'jwk' }), ...header }, { iat: Math.floor(Date.now() / 1000), jti: randomUUID(), ...claims });

  const tokenRequest = async (clientId: string, dpop?: string) => {
    const now = Math.floor(Date.now() / 1000);
    const assertion = signed(client.privateKey, { alg: 'RS256', kid: 'c-1' }, { iss: clientId, sub: clientId, aud: tokenUrl(), iat: now, exp: now + 300, jti: randomUUID() });
    const res = await fetch(tokenUrl(), {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json', ...(dpop !== undefined ? { DPoP: dpop } : {}) },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        scope: SCOPES.join(' '),
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        client_assertion: assertion,
      }).toString(),
    });
    return { status: res.status, nonce: res.headers.get('dpop-nonce'), body: asObject(await res.json()) };
  };
  const nonceFor = async (clientId: string): Promise<string> => (await tokenRequest(clientId, proof(dpopKey, { htm: 'POST', htu: tokenUrl() }))).nonce ?? '';
  const dpopToken = async (): Promise<string> => {
    const nonce = await nonceFor('0oadpop');
    const res = await tokenRequest('0oadpop', proof(dpopKey, { htm: 'POST', htu: tokenUrl(), nonce }));
    expect(res).toMatchObject({ status: 200, body: { token_type: 'DPoP' } });
    return String(res.body.access_token);
  };

  const api = async (path: string, headers: Record<string, string>) => {
    const res = await fetch(`${sandbox.url}${path}`, { headers: { Accept: 'application/json', ...headers } });
    const body: unknown = await res.json();
    return { status: res.status, challenge: res.headers.get('www-authenticate'), errorCode: Array.isArray(body) ? undefined : asObject(body).errorCode };
  };

  beforeAll(async () => {
    sandbox = await startOktaSandbox({ users: 5, seed: 5 });
    const publicJwk = { ...client.publicKey.export({ format: 'jwk' }), kid: 'c-1' };
    const registered = await call(sandbox, '/_sandbox/service-apps', { method: 'POST', body: { clientId: '0oadpop', jwk: publicJwk, scopes: SCOPES, dpopBoundAccessTokens: true } });
    expect(asObject(registered.body)).toMatchObject({ clientId: '0oadpop', dpopBoundAccessTokens: true });
    sandbox.state.registerServiceApp({ clientId: '0oabearer', jwk: publicJwk, scopes: SCOPES });
  });
  afterAll(() => sandbox.close());

  test('the token endpoint wants a proof, then a nonce it handed out, and binds the token to the proof key', async () => {
    expect(await tokenRequest('0oadpop')).toMatchObject({ status: 400, body: { error: 'invalid_dpop_proof', error_description: 'The DPoP proof JWT header is missing.' } });

    const first = await tokenRequest('0oadpop', proof(dpopKey, { htm: 'POST', htu: tokenUrl() }));
    expect(first).toMatchObject({ status: 400, body: { error: 'use_dpop_nonce', error_description: 'Authorization server requires nonce in DPoP proof.' } });
    expect(first.nonce).toMatch(/^[\w-]{20,}$/);
    const unknown = await tokenRequest('0oadpop', proof(dpopKey, { htm: 'POST', htu: tokenUrl(), nonce: 'made-up' }));
    expect(unknown).toMatchObject({ status: 400, body: { error: 'use_dpop_nonce' } });
    expect(unknown.nonce).not.toBe(first.nonce);

    const nonce = first.nonce ?? '';
    const refused: Array<[string, string, string]> = [
      ['htu of another endpoint', proof(dpopKey, { htm: 'POST', htu: `${sandbox.url}/oauth2/v1/introspect`, nonce }), "'htu' claim in the DPoP proof JWT is invalid."],
      ['htm GET', proof(dpopKey, { htm: 'GET', htu: tokenUrl(), nonce }), "'htm' claim in the DPoP proof JWT is invalid."],
      ['an hour old', proof(dpopKey, { htm: 'POST', htu: tokenUrl(), nonce, iat: Math.floor(Date.now() / 1000) - 3600 }), "'iat' claim in the DPoP proof JWT is invalid."],
      ['typ JWT', proof(dpopKey, { htm: 'POST', htu: tokenUrl(), nonce }, { typ: 'JWT' }), "The DPoP proof JWT 'typ' header must be 'dpop+jwt'."],
      ['signed by a key other than its jwk', proof(dpopKey, { htm: 'POST', htu: tokenUrl(), nonce }, {}, otherKey.privateKey), 'The DPoP proof JWT signature is invalid.'],
      ['a private key as jwk', proof(dpopKey, { htm: 'POST', htu: tokenUrl(), nonce }, { jwk: dpopKey.privateKey.export({ format: 'jwk' }) }), "The DPoP proof JWT 'jwk' header holds a private key."],
      ['no jwk', proof(dpopKey, { htm: 'POST', htu: tokenUrl(), nonce }, { jwk: undefined }), "The DPoP proof JWT 'jwk' header is missing."],
      ['HS256', proof(dpopKey, { htm: 'POST', htu: tokenUrl(), nonce }, { alg: 'HS256' }), 'The DPoP proof JWT signature algorithm HS256 is not supported.'],
      ['not a JWT', 'not-a-jwt', 'The DPoP proof JWT is not a valid JWT.'],
    ];
    for (const [label, dpop, description] of refused) {
      const res = await tokenRequest('0oadpop', dpop);
      expect({ label, status: res.status, body: res.body }).toEqual({ label, status: 400, body: { error: 'invalid_dpop_proof', error_description: description } });
    }

    const good = proof(dpopKey, { htm: 'POST', htu: tokenUrl(), nonce });
    const issued = await tokenRequest('0oadpop', good);
    expect(issued).toMatchObject({ status: 200, body: { token_type: 'DPoP', expires_in: 3600, scope: SCOPES.join(' ') } });
    expect(await tokenRequest('0oadpop', good)).toMatchObject({ status: 400, body: { error: 'invalid_dpop_proof', error_description: 'The DPoP proof JWT has already been used.' } });
    // An app that does not require DPoP is as before: a bearer token, whatever DPoP header comes along.
    expect(await tokenRequest('0oabearer', proof(dpopKey, { htm: 'POST', htu: tokenUrl() }))).toMatchObject({ status: 200, body: { token_type: 'Bearer' } });
  });

  test('an API call needs the DPoP scheme and a proof of this request by the bound key, with ath; else 401 with a DPoP challenge', async () => {
    const token = await dpopToken();
    const url = `${sandbox.url}/api/v1/users`;
    const ok = proof(dpopKey, { htm: 'GET', htu: url, ath: ath(token) });
    expect((await api('/api/v1/users?limit=2', { Authorization: `DPoP ${token}`, DPoP: ok })).status).toBe(200);

    const refused: Array<[string, Record<string, string>, string, string]> = [
      ['the proof again', { Authorization: `DPoP ${token}`, DPoP: ok }, 'invalid_dpop_proof', 'The DPoP proof JWT has already been used.'],
      ['as a bearer token', { Authorization: `Bearer ${token}` }, 'invalid_token', 'The access token is DPoP-bound: it needs the DPoP scheme and a DPoP proof.'],
      ['no proof', { Authorization: `DPoP ${token}` }, 'invalid_dpop_proof', 'The DPoP proof JWT header is missing.'],
      ['no ath', { Authorization: `DPoP ${token}`, DPoP: proof(dpopKey, { htm: 'GET', htu: url }) }, 'invalid_dpop_proof', "'ath' claim in the DPoP proof JWT is invalid."],
      ['ath of another token', { Authorization: `DPoP ${token}`, DPoP: proof(dpopKey, { htm: 'GET', htu: url, ath: ath('other') }) }, 'invalid_dpop_proof', "'ath' claim in the DPoP proof JWT is invalid."],
      ['htu of another path', { Authorization: `DPoP ${token}`, DPoP: proof(dpopKey, { htm: 'GET', htu: `${sandbox.url}/api/v1/groups`, ath: ath(token) }) }, 'invalid_dpop_proof', "'htu' claim in the DPoP proof JWT is invalid."],
      ['htm POST', { Authorization: `DPoP ${token}`, DPoP: proof(dpopKey, { htm: 'POST', htu: url, ath: ath(token) }) }, 'invalid_dpop_proof', "'htm' claim in the DPoP proof JWT is invalid."],
      ['a forged signature', { Authorization: `DPoP ${token}`, DPoP: proof(dpopKey, { htm: 'GET', htu: url, ath: ath(token) }, {}, otherKey.privateKey) }, 'invalid_dpop_proof', 'The DPoP proof JWT signature is invalid.'],
      ['a sound proof by another key', { Authorization: `DPoP ${token}`, DPoP: proof(otherKey, { htm: 'GET', htu: url, ath: ath(token) }) }, 'invalid_token', 'The DPoP proof key does not match the key the access token is bound to.'],
      ['an unknown token', { Authorization: 'DPoP not-a-token', DPoP: proof(dpopKey, { htm: 'GET', htu: url, ath: ath('not-a-token') }) }, 'invalid_token', 'The access token is invalid.'],
    ];
    for (const [label, headers, error, description] of refused) {
      const res = await api('/api/v1/users', headers);
      expect({ label, status: res.status, errorCode: res.errorCode, challenge: res.challenge }).toEqual({
        label,
        status: 401,
        errorCode: 'E0000011',
        challenge: `DPoP realm="IdP", error="${error}", error_description="${description}"`,
      });
    }
  });

  test('a bearer token is as before, and not taken with the DPoP scheme', async () => {
    const res = await tokenRequest('0oabearer');
    expect(res).toMatchObject({ status: 200, body: { token_type: 'Bearer' } });
    const token = String(res.body.access_token);
    expect((await api('/api/v1/users?limit=1', { Authorization: `Bearer ${token}` })).status).toBe(200);
    const asDpop = await api('/api/v1/users', { Authorization: `DPoP ${token}`, DPoP: proof(dpopKey, { htm: 'GET', htu: `${sandbox.url}/api/v1/users`, ath: ath(token) }) });
    expect(asDpop).toMatchObject({ status: 401, challenge: 'DPoP realm="IdP", error="invalid_token", error_description="The access token is not DPoP-bound."' });
  });

  test('the SDK 8.1 on its own (its default executor) follows the nonce and signs every call', async () => {
    sandbox.requests.length = 0;
    const sdk = new Client({
      orgUrl: sandbox.url,
      authorizationMode: 'PrivateKey',
      clientId: '0oadpop',
      scopes: SCOPES,
      privateKey: { ...client.privateKey.export({ format: 'jwk' }), kid: 'c-1' },
      cacheMiddleware: null,
      requestExecutor: new DefaultRequestExecutor({ maxRetries: 0, requestTimeout: 10000 }),
    });
    const users = [];
    for await (const user of await sdk.userApi.listUsers({ limit: 2 })) if (user) users.push(user);
    expect(users.length).toBe(sandbox.state.users().filter((u) => u.status !== 'DEPROVISIONED').length);
    expect(sandbox.requests.map((r) => `${r.path === '/oauth2/v1/token' ? 'token' : 'api'} ${r.status}`)).toEqual([
      'token 400',
      'token 200',
      ...Array.from({ length: Math.ceil(users.length / 2) }, () => 'api 200'),
    ]);
  });
});
