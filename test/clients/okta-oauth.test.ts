import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createOktaSource, type OktaSourceConfig } from '../../clients/okta';
import { secretFromFile, secretFromValue, type Secret } from '../../config/secret';
import { inScopeUsers } from '../../sandbox/okta/oracle';
import { serviceAppConfig, withServiceAppEnv } from '../helpers/okta-config';
import { startHarness, type Harness } from '../helpers/harness';

const SCOPES = ['okta.users.read', 'okta.groups.read', 'okta.apps.read', 'okta.logs.read'];
type OAuthInput = { clientId?: string; privateKey: string | Secret; keyId?: string; scopes?: string[] };


describe('OAuth service app (OKTA_CLIENT_ID + OKTA_PRIVATE_KEY) against the sandbox token endpoint', () => {
  let h: Harness;
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = JSON.stringify({ ...rsa.privateKey.export({ format: 'jwk' }), kid: 'rsa-1' });
  const tokenCalls = () => h.okta.requests.filter((r) => r.path === '/oauth2/v1/token');
  const cfg = (oauth: OAuthInput): OktaSourceConfig =>
    serviceAppConfig(h.okta, { clientId: '0oarsaservice', scopes: SCOPES, ...oauth, privateKey: typeof oauth.privateKey === 'string' ? secretFromValue(oauth.privateKey) : oauth.privateKey });

  beforeAll(async () => {
    h = await startHarness({ users: 30, seed: 4 });
    h.okta.state.registerServiceApp({ clientId: '0oarsaservice', jwk: { ...rsa.publicKey.export({ format: 'jwk' }), kid: 'rsa-1' }, scopes: SCOPES });
    h.okta.state.registerServiceApp({ clientId: '0oapemservice', pem: other.publicKey.export({ format: 'pem', type: 'spki' }).toString(), kid: 'pem-1', scopes: SCOPES });
    h.okta.state.registerServiceApp({ clientId: '0oanarrow', jwk: { ...rsa.publicKey.export({ format: 'jwk' }), kid: 'rsa-1' }, scopes: ['okta.users.read'] });
  });
  afterAll(() => h.close());
  beforeEach(() => {
    h.okta.requests.length = 0;
  });

  it('a JWK key: one token, then every call with it', async () => {
    const pull = await createOktaSource(cfg({ privateKey: jwk })).pullInScope();
    expect(pull.users.map((u) => u.id).sort()).toEqual(inScopeUsers(h.okta.state, h.okta.appId).map((u) => u.id).sort());
    expect(tokenCalls().map((r) => r.status)).toEqual([200]);
    expect(h.okta.requests.filter((r) => r.path.startsWith('/api/v1/')).every((r) => r.status === 200)).toBe(true);
  });

  it('a PEM key (PKCS#8) with OKTA_KEY_ID', async () => {
    const pem = other.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    const source = createOktaSource(cfg({ clientId: '0oapemservice', privateKey: pem, keyId: 'pem-1' }));
    const log = await source.readLog({ since: new Date().toISOString() });
    expect(log.nextUri).toBeDefined();
    expect(tokenCalls().map((r) => r.status)).toEqual([200]);
  });

  it.each<[string, OAuthInput, RegExp]>([
    [
      'a key Okta does not know',
      { privateKey: JSON.stringify({ ...generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }), kid: 'rsa-1' }) },
      /^Okta refused the service app's token \(invalid_client: The client_assertion signature is invalid\.\): check OKTA_CLIENT_ID, OKTA_KEY_ID, OKTA_SCOPES \(it asks for okta\.users\.read okta\.groups\.read okta\.apps\.read okta\.logs\.read\) and the key$/,
    ],
    ['a client id Okta does not know', { clientId: '0oanobody', privateKey: jwk }, /^Okta refused the service app's token \(invalid_client: /],
    ['a scope the app was not granted', { clientId: '0oanarrow', privateKey: jwk }, /^Okta refused the service app's token \(invalid_scope: The following scopes are not allowed: okta\.groups\.read.*\): the app is not granted every scope OKTA_SCOPES asks for \(it asks for okta\.users\.read okta\.groups\.read okta\.apps\.read okta\.logs\.read\); grant them to it in Okta \(Okta API Scopes\), or leave them out of OKTA_SCOPES \(okta\.logs\.read is needed only by incremental runs\)$/],
  ])('%s: a clear auth error, once, instead of the SDK\'s 401 E0000011', async (_name, oauth, message) => {
    const err = await createOktaSource(cfg(oauth))
      .pullInScope()
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'auth', service: 'okta', message: expect.stringMatching(message) });
    expect(tokenCalls()).toHaveLength(1);
    expect(h.okta.requests.filter((r) => r.path.startsWith('/api/v1/'))).toHaveLength(0);
  });

  it.each<[string, Parameters<Harness['okta']['setFaults']>[0], number]>([
    ['429 of its own rate limit', { tokenRateLimitNext: 1 }, 429],
    ['503', { tokenServerErrorNext: 1, serverErrorStatus: 503 }, 503],
  ])('the token endpoint answers %s: transient, retried, and the pull goes on', async (_name, faults, status) => {
    h.okta.setFaults(faults);
    try {
      const source = createOktaSource(cfg({ privateKey: jwk }));
      const pull = await source.pullInScope();
      expect(pull.users.map((u) => u.id).sort()).toEqual(inScopeUsers(h.okta.state, h.okta.appId).map((u) => u.id).sort());
      expect(tokenCalls().map((r) => r.status)).toEqual([status, 200]);
      expect(source.stats().retries).toBe(1);
    } finally {
      h.okta.resetFaults();
    }
  });

  it('a call outside the scopes of the token: 403, with a hint at the service app settings', async () => {
    const err = await createOktaSource(cfg({ clientId: '0oanarrow', privateKey: jwk, scopes: ['okta.users.read'] }))
      .pullInScope()
      .catch((e: unknown) => e);
    expect(err).toMatchObject({
      kind: 'auth',
      status: 403,
      message: expect.stringMatching(/answered 403 E0000006.*: check the service app: OKTA_CLIENT_ID, OKTA_KEY_ID, the key, and the scopes granted to it \(OKTA_SCOPES asks for okta\.users\.read\)$/),
    });
  });

  it("Okta's clock hours ahead of ours: the assertion reads as expired, and the error points at the clock, not the credentials", async () => {
    h.okta.state.setClock(() => Date.now() + 3 * 3600_000);
    try {
      const err = await createOktaSource(cfg({ privateKey: jwk }))
        .listAppGroupIds()
        .catch((e: unknown) => e);
      expect(err).toMatchObject({
        kind: 'auth',
        service: 'okta',
        message:
          "Okta refused the service app's token (invalid_client: The client_assertion token is expired.): the times in the signed assertion were refused; check this machine's clock (it must be within a few minutes of Okta's)",
      });
    } finally {
      h.okta.state.setClock(null);
    }
  });

  it('a revoked token is renewed once, silently', async () => {
    const source = createOktaSource(cfg({ privateKey: jwk }));
    await source.listAppGroupIds();
    h.okta.state.serviceApps.revokeAll();
    expect((await source.listAppGroupIds()).length).toBeGreaterThan(0);
    expect(tokenCalls().map((r) => r.status)).toEqual([200, 200]);
  });

  describe('a token renewed before its expires_in (the client clock moved by hand)', () => {
    const LIFETIME_S = 600;
    let clock = 0;
    const shortLived = () => createOktaSource({ ...cfg({ clientId: '0oashortlived', privateKey: jwk }), now: () => clock });
    beforeAll(() => {
      h.okta.state.registerServiceApp({ clientId: '0oashortlived', jwk: { ...rsa.publicKey.export({ format: 'jwk' }), kid: 'rsa-1' }, scopes: SCOPES, accessTokenLifetimeSeconds: LIFETIME_S });
    });
    beforeEach(() => {
      clock = Date.now();
    });

    it('is renewed once 90% of its lifetime (at most a minute before it ends) has gone, before any call is refused', async () => {
      const source = shortLived();
      await source.listAppGroupIds();
      clock += (LIFETIME_S - 61) * 1000;
      await source.listAppGroupIds();
      expect(tokenCalls().map((r) => r.status)).toEqual([200]);
      clock += 2000;
      await source.listAppGroupIds();
      expect(tokenCalls().map((r) => r.status)).toEqual([200, 200]);
      expect(h.okta.requests.filter((r) => r.status === 401)).toEqual([]);
    });

    it('a renewal the token endpoint refuses leaves the token held in use while it lasts', async () => {
      const source = shortLived();
      await source.listAppGroupIds();
      clock += (LIFETIME_S - 30) * 1000;
      h.okta.setFaults({ tokenServerErrorNext: 1, serverErrorStatus: 503 });
      expect((await source.listAppGroupIds()).length).toBeGreaterThan(0);
      expect(tokenCalls().map((r) => r.status)).toEqual([200, 503]);
      expect(h.okta.requests.filter((r) => r.path.startsWith('/api/v1/')).every((r) => r.status === 200)).toBe(true);
      // Tried again a few seconds later, and renewed.
      clock += 6000;
      await source.listAppGroupIds();
      expect(tokenCalls().map((r) => r.status)).toEqual([200, 503, 200]);
    });
  });

  it('calls that find no token at once share one token request', async () => {
    const source = createOktaSource(cfg({ privateKey: jwk }));
    const ids = inScopeUsers(h.okta.state, h.okta.appId).slice(0, 4).map((u) => u.id);
    const checks = await Promise.all(ids.map((id) => source.checkUser(id)));
    expect(checks.every((c) => c.found)).toBe(true);
    expect(tokenCalls().map((r) => r.status)).toEqual([200]);
  });

  describe('a key rotated in OKTA_PRIVATE_KEY_FILE, with the same source (no restart)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'okta-oauth-rotate-'));
    const keyFile = join(dir, 'key.json');
    const keyPair = (kid: string) => {
      const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      return { kid, privateJwk: JSON.stringify({ ...privateKey.export({ format: 'jwk' }), kid }), publicJwk: { ...publicKey.export({ format: 'jwk' }), kid } };
    };
    /** A service app with one key, the file holding that key (no OKTA_KEY_ID), and a source that read it once already. */
    const startWithOneKey = async (clientId: string) => {
      const old = keyPair(`${clientId}-old`);
      h.okta.state.registerServiceApp({ clientId, jwk: old.publicJwk, scopes: SCOPES });
      writeFileSync(keyFile, `${old.privateJwk}\n`);
      const source = createOktaSource(cfg({ clientId, privateKey: secretFromFile(keyFile, 'OKTA_PRIVATE_KEY') }));
      await source.listAppGroupIds();
      return { old, source };
    };
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('the token held stays in use; the next token request is signed with the new key under its kid, and goes on after the old key is gone', async () => {
      const { old, source } = await startWithOneKey('0oarotating');
      // Okta's rotation: the new key added to the app, the file rewritten, later the old key deactivated and deleted.
      const next = keyPair('0oarotating-new');
      h.okta.state.registerServiceApp({ clientId: '0oarotating', jwk: next.publicJwk, scopes: SCOPES });
      writeFileSync(keyFile, `${next.privateJwk}\n`);
      await source.listAppGroupIds();
      expect(tokenCalls()).toHaveLength(1);
      h.okta.state.serviceApps.revokeAll(); // the token expires: with two keys active, Okta needs the right kid
      await source.listAppGroupIds();
      h.okta.state.serviceApps.deactivateKey('0oarotating', old.kid);
      h.okta.state.serviceApps.deleteKey('0oarotating', old.kid);
      h.okta.state.serviceApps.revokeAll();
      expect((await source.listAppGroupIds()).length).toBeGreaterThan(0);
      expect(tokenCalls().map((r) => r.status)).toEqual([200, 200, 200]);
      expect(h.okta.requests.filter((r) => r.path.startsWith('/api/v1/')).map((r) => r.status)).toEqual([200, 200, 401, 200, 401, 200]);
    });

    it('a file that holds no key: a config error naming OKTA_PRIVATE_KEY, and no token request; mended, the same source goes on', async () => {
      const { old, source } = await startWithOneKey('0oacorrupted');
      writeFileSync(keyFile, old.privateJwk.slice(0, 300)); // cut short
      h.okta.state.serviceApps.revokeAll();
      await expect(source.listAppGroupIds()).rejects.toMatchObject({ kind: 'config', service: 'okta', message: 'OKTA_PRIVATE_KEY: is neither a PEM private key nor a private JWK' });
      expect(tokenCalls()).toHaveLength(1);
      writeFileSync(keyFile, old.privateJwk);
      expect((await source.listAppGroupIds()).length).toBeGreaterThan(0);
      expect(tokenCalls().map((r) => r.status)).toEqual([200, 200]);
    });

    it('a file gone when a token is needed: a config error naming OKTA_PRIVATE_KEY_FILE and the file, not retried', async () => {
      const { old, source } = await startWithOneKey('0oavanished');
      rmSync(keyFile);
      h.okta.state.serviceApps.revokeAll();
      await expect(source.listAppGroupIds()).rejects.toMatchObject({ kind: 'config', service: 'okta', message: `OKTA_PRIVATE_KEY_FILE: cannot read ${keyFile} (ENOENT)` });
      expect(tokenCalls()).toHaveLength(1);
      expect(source.stats().retries).toBe(0);
      writeFileSync(keyFile, old.privateJwk);
      expect((await source.listAppGroupIds()).length).toBeGreaterThan(0);
    });
  });

  it('end to end: sync --once with the service app from the environment, the key in a file', async () => {
    await withServiceAppEnv({ clientId: '0oarsaservice', keyId: 'rsa-1', pem: rsa.privateKey.export({ format: 'pem', type: 'pkcs1' }).toString() }, async (env) => {
      const { code, report } = await h.cli(['sync', '--once', '--json'], env);
      expect(code).toBe(0);
      expect(report?.applied.create).toBe(inScopeUsers(h.okta.state, h.okta.appId).length);
      const refused = await h.cli(['sync', '--once', '--json'], { ...env, OKTA_KEY_ID: 'rsa-2' });
      expect(refused.code).toBe(1);
      expect(refused.report?.error).toMatch(/^Okta refused the service app's token \(invalid_client: The client_assertion key id rsa-2 is not registered/);
    });
  });
});
