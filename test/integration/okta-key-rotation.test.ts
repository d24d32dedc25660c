import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runFullSync } from '../../jobs/full-sync';
import { inScopeUsers } from '../../sandbox/okta/oracle';
import { countRequests } from '../../sandbox/wfm/server';
import { startTestApp, type TestApp } from '../helpers/app';
import { startHarness, type Harness } from '../helpers/harness';

const CLIENT_ID = '0oakeyrotation';
const SCOPES = ['okta.users.read', 'okta.groups.read', 'okta.apps.read', 'okta.logs.read'];

function keyPair(kid: string): { kid: string; privateJwk: string; publicJwk: Record<string, unknown> } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { kid, privateJwk: JSON.stringify({ ...privateKey.export({ format: 'jwk' }), kid }), publicJwk: { ...publicKey.export({ format: 'jwk' }), kid } };
}

describe('the service app key rotated in OKTA_PRIVATE_KEY_FILE while the worker runs (no restart)', () => {
  let h: Harness;
  let app: TestApp;
  let dir: string;
  let keyFile: string;
  let current = keyPair('key-1');
  const tokenCalls = () => h.okta.requests.filter((r) => r.path === '/oauth2/v1/token');
  const writes = () => countRequests(h.wfm.requests, { method: ['POST', 'PUT'], api: 'scim' });

  beforeAll(async () => {
    h = await startHarness({ users: 40, seed: 21 });
    dir = mkdtempSync(join(tmpdir(), 'okta-key-rotation-'));
    keyFile = join(dir, 'okta-key.json');
    h.okta.state.registerServiceApp({ clientId: CLIENT_ID, jwk: current.publicJwk, scopes: SCOPES });
    writeFileSync(keyFile, `${current.privateJwk}\n`);
    app = startTestApp(h, { env: { OKTA_API_TOKEN: '', OKTA_CLIENT_ID: CLIENT_ID, OKTA_PRIVATE_KEY_FILE: keyFile } });
    const { fatal, report } = await runFullSync(app.deps);
    expect(fatal).toBeUndefined();
    expect(report.applied.create).toBe(inScopeUsers(h.okta.state, h.okta.appId).length);
  });
  afterAll(async () => {
    await app.close();
    await h.close();
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    h.okta.requests.length = 0;
    h.wfm.requests.length = 0;
  });

  it('the run after Okta dropped the old key succeeds with the new one', async () => {
    const next = keyPair('key-2');
    h.okta.state.registerServiceApp({ clientId: CLIENT_ID, jwk: next.publicJwk, scopes: SCOPES });
    writeFileSync(keyFile, `${next.privateJwk}\n`);
    h.okta.state.serviceApps.deactivateKey(CLIENT_ID, current.kid);
    h.okta.state.serviceApps.deleteKey(CLIENT_ID, current.kid);
    h.okta.state.serviceApps.revokeAll();
    current = next;
    const { fatal, report } = await runFullSync(app.deps);
    expect(fatal).toBeUndefined();
    expect(report.error).toBeUndefined();
    expect(tokenCalls().map((r) => r.status)).toEqual([200]);
  });

  it('a key file that holds no key stops the run before any write, with the config error naming OKTA_PRIVATE_KEY; mended, the next run succeeds', async () => {
    const cut = current.privateJwk.slice(0, 400);
    writeFileSync(keyFile, cut);
    h.okta.state.serviceApps.revokeAll();
    const stopped = await runFullSync(app.deps);
    expect(stopped.fatal).toMatchObject({ kind: 'config', message: 'OKTA_PRIVATE_KEY: is neither a PEM private key nor a private JWK' });
    expect(stopped.report.error).toBe(stopped.fatal?.message);
    expect(JSON.stringify(stopped.report)).not.toContain(cut.slice(-60));
    expect(tokenCalls()).toHaveLength(0);
    expect(writes()).toBe(0);
    writeFileSync(keyFile, `${current.privateJwk}\n`);
    const { fatal } = await runFullSync(app.deps);
    expect(fatal).toBeUndefined();
    expect(tokenCalls().map((r) => r.status)).toEqual([200]);
  });
});
