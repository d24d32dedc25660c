import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { inScopeUsers } from '../../sandbox/okta/oracle';
import { startOktaSandbox, type OktaSandbox } from '../../sandbox/okta/server';
import type { RunReport } from '../../sync/report';
import { startHarness, type Harness } from '../helpers/harness';
import { runCliProcess } from './helpers/capture';
import { CONVERGED, divergence } from './helpers/converge';

const SCOPES = ['okta.users.read', 'okta.groups.read', 'okta.apps.read', 'okta.logs.read'];
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const STRAY_KEY = JSON.stringify({ ...generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }), kid: 'stray-1' });

/** Every setting the SDK would take from okta.yaml or OKTA_CLIENT_*, each wrong: a decoy org, its token, another service app. */
const stray = (decoy: OktaSandbox): Record<string, string> => ({
  orgUrl: decoy.url,
  token: decoy.token,
  authorizationMode: 'PrivateKey',
  clientId: '0oastrayapp',
  scopes: 'okta.users.manage',
  privateKey: STRAY_KEY,
  keyId: 'stray-1',
});

/** What lies around the process: okta.yaml in its working directory and in ~/.okta (their text), OKTA_CLIENT_* variables. */
type Around = { cwd?: string; home?: string; env?: boolean };

describe('okta.yaml files and OKTA_CLIENT_* variables around the process change nothing', () => {
  let h: Harness;
  let decoy: OktaSandbox;
  let dir: string;
  let wrongYaml = '';
  const all = (): Around => ({ cwd: wrongYaml, home: wrongYaml, env: true });

  /** Runs `sync --once --json` as its own process, with `around` in its working directory, HOME and environment. */
  async function syncWith(around: Around, env: Record<string, string | undefined>): Promise<RunReport> {
    const cwd = join(dir, 'work');
    const home = join(dir, 'home');
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(join(home, '.okta'), { recursive: true });
    mkdirSync(cwd, { recursive: true });
    if (around.cwd !== undefined) writeFileSync(join(cwd, 'okta.yaml'), around.cwd);
    if (around.home !== undefined) writeFileSync(join(home, '.okta', 'okta.yaml'), around.home);
    const vars = around.env ? Object.fromEntries(Object.entries(stray(decoy)).map(([key, value]) => [`OKTA_CLIENT_${key.toUpperCase()}`, value])) : {};
    const run = await runCliProcess({ ...env, ...vars, HOME: home }, ['sync', '--once', '--json'], { cwd, killAfterMs: 60000 });
    const last = run.out.trim().split('\n').at(-1) ?? '';
    if (run.code !== 0) throw new Error(`sync exited ${String(run.code)}: ${last}\n${run.err.slice(-2000)}`);
    return JSON.parse(last) as RunReport;
  }

  /** Changes one in-scope user, syncs, and checks that exactly that user was written, from the configured org. */
  async function oneUpdate(around: Around, env: Record<string, string | undefined>, label: string): Promise<void> {
    const user = inScopeUsers(h.okta.state, h.okta.appId)[0]?.id ?? '';
    h.okta.state.updateProfile(user, { department: `Stray ${label}` });
    h.okta.requests.length = 0;
    const report = await syncWith(around, env);
    expect(report.applied).toEqual({ create: 0, update: 1, reactivate: 0, deactivate: 0 });
    expect(report.failed).toEqual([]);
    expect(h.okta.requests.length).toBeGreaterThan(0);
    expect(h.okta.requests.filter((r) => r.status !== 200)).toEqual([]);
    expect(decoy.requests).toEqual([]);
    expect(divergence(h)).toEqual(CONVERGED);
  }

  beforeAll(async () => {
    h = await startHarness({ users: 120, seed: 65 });
    // The decoy accepts its own token: settings taken from it would pull another org, not fail.
    decoy = await startOktaSandbox({ users: 30, seed: 66, token: 'decoy-okta-token' });
    wrongYaml = stringify({ okta: { client: { ...stray(decoy), scopes: ['okta.users.manage'] } } });
    h.okta.state.registerServiceApp({ clientId: '0oarealservice', jwk: { ...rsa.publicKey.export({ format: 'jwk' }), kid: 'real-1' }, scopes: SCOPES });
    dir = mkdtempSync(join(tmpdir(), 'okta-wfm-stray-'));
  });
  afterAll(async () => {
    await h.close();
    await decoy.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('API token: a first full sync with wrong settings in all three places creates everyone from the configured org', async () => {
    const report = await syncWith(all(), h.env);
    expect(report.applied.create).toBe(inScopeUsers(h.okta.state, h.okta.appId).length);
    expect(report.failed).toEqual([]);
    expect(h.okta.requests.some((r) => r.path.startsWith('/oauth2/'))).toBe(false);
    expect(decoy.requests).toEqual([]);
    expect(divergence(h)).toEqual(CONVERGED);
  });

  it.each<[string, () => Around]>([
    ['a wrong okta.yaml in the working directory', () => ({ cwd: wrongYaml })],
    ['a wrong ~/.okta/okta.yaml', () => ({ home: wrongYaml })],
    ['wrong OKTA_CLIENT_* variables', () => ({ env: true })],
    ['an empty okta.yaml in the working directory', () => ({ cwd: '' })],
    ['a malformed ~/.okta/okta.yaml', () => ({ home: 'okta: [\n' })],
  ])('API token: %s changes nothing', async (label, around) => {
    await oneUpdate(around(), h.env, label);
    expect(h.okta.requests.some((r) => r.path.startsWith('/oauth2/'))).toBe(false);
  });

  it('service app (OAuth): with wrong settings in all three places, the configured app, key and scopes are used', async () => {
    const env = { ...h.env, OKTA_API_TOKEN: undefined, OKTA_CLIENT_ID: '0oarealservice', OKTA_PRIVATE_KEY: JSON.stringify({ ...rsa.privateKey.export({ format: 'jwk' }), kid: 'real-1' }) };
    await oneUpdate(all(), env, 'service app');
    expect(h.okta.requests.filter((r) => r.path === '/oauth2/v1/token').map((r) => r.status)).toEqual([200]);
  });
});
