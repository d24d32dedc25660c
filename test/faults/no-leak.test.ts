import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FAULT_KINDS } from '../../sandbox/wfm/server';
import { REDIS_URL, startHarness, type Harness } from '../helpers/harness';
import { unassign } from '../helpers/offboard';
import type { WorkerProcess } from '../helpers/worker-process';
import { dumpDashboard, dumpRedis, leaks, runCliProcess, type CliRun } from './helpers/capture';
import { faultSeed } from './helpers/seed';
import { killHard, startWorkerProcess, waitForReport, workerEnv } from './helpers/worker-run';

const SEED = faultSeed(9009);
const random = (): string => randomBytes(18).toString('base64url');
const SECRET = {
  OKTA_API_TOKEN: random(),
  WFM_SCIM_TOKEN: random(),
  WFM_ACCESS_KEY_SECRET: random(),
  ADMIN_TOKEN: random(),
  ADMIN_PASSWORD: random(),
  /** Sent and refused: a wrong secret must not show either. */
  WRONG_OKTA_API_TOKEN: random(),
  WRONG_WFM_ACCESS_KEY_SECRET: random(),
  WRONG_ADMIN_TOKEN: random(),
};
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const PEM = rsa.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
const JWK = rsa.privateKey.export({ format: 'jwk' });
const SCOPES = ['okta.users.read', 'okta.groups.read', 'okta.apps.read', 'okta.logs.read'];
const ADMIN_USER = 'leak-check-admin';

/** Every secret and every part of the private key that would give it away. */
function secrets(): Record<string, string> {
  const all: Record<string, string> = { ...SECRET };
  PEM.split('\n').filter((l) => l.length > 0 && !l.startsWith('-----')).forEach((line, i) => (all[`OKTA_PRIVATE_KEY (PEM line ${i + 1})`] = line));
  for (const part of ['d', 'p', 'q', 'dp', 'dq', 'qi'] as const) all[`OKTA_PRIVATE_KEY (JWK ${part})`] = String(JWK[part]);
  return all;
}

describe(`no secret leaks: logs, reports, job data, the dashboard, error messages, the CLI (FAULT_SEED=${SEED})`, () => {
  let h: Harness;
  let dir: string;
  const workers: WorkerProcess[] = [];
  const cli: CliRun[] = [];
  const http: string[] = [];
  const runIds: string[] = [];
  let env: Record<string, string | undefined>;
  let url = '';
  const bearer = `Bearer ${SECRET.ADMIN_TOKEN}`;
  const basic = `Basic ${Buffer.from(`${ADMIN_USER}:${SECRET.ADMIN_PASSWORD}`).toString('base64')}`;
  const run = async (args: string[], extra: Record<string, string | undefined> = {}): Promise<CliRun> => {
    const r = await runCliProcess({ ...env, ...extra }, args);
    cli.push(r);
    return r;
  };
  const resync = async (authorization: string): Promise<string> => {
    const res = await fetch(`${url}/api/resync`, { method: 'POST', headers: { Authorization: authorization, 'Content-Type': 'application/json' }, body: '{}' });
    const body = await res.text();
    http.push(body);
    const { runId } = JSON.parse(body) as { runId: string };
    runIds.push(runId);
    await waitForReport(REDIS_URL, h.prefix, runId, 120000);
    return runId;
  };

  beforeAll(async () => {
    h = await startHarness({
      users: 120,
      seed: 98,
      okta: { token: SECRET.OKTA_API_TOKEN },
      wfm: { scimToken: SECRET.WFM_SCIM_TOKEN, accessKeySecret: SECRET.WFM_ACCESS_KEY_SECRET },
    });
    dir = mkdtempSync(join(tmpdir(), 'okta-wfm-leak-'));
    const file = (name: string, value: string): string => {
      writeFileSync(join(dir, name), `${value}\n`);
      return join(dir, name);
    };
    h.okta.state.registerServiceApp({ clientId: '0oaleakcheck', jwk: { ...rsa.publicKey.export({ format: 'jwk' }), kid: 'leak-1' }, scopes: SCOPES });
    // A user the WFM refuses (400): a write that fails for good, its reason kept in the job and the report.
    const refused = h.okta.state.insertRawUser({ profile: { login: 'refused@localhost', email: 'refused@localhost', firstName: 'Re', lastName: 'Fused' } });
    h.okta.state.assignUserToApp(h.okta.appId, refused.id);
    h.okta.setRateLimits({ limits: { users: 100000, groups: 100000, apps: 100000, logs: 100000, oauth: 100000 }, windowMs: 2000 });
    h.okta.setFaults({ random: { probability: 0.1, seed: SEED, kinds: ['rateLimit', 'serverError', 'invalidJson'] } });
    h.wfm.faults.timeoutMs = 1500;
    h.wfm.faults.random = { probability: 0.15, seed: SEED, kinds: [...FAULT_KINDS] };
    env = {
      ...workerEnv(h, {
        LOG_LEVEL: 'debug',
        HTTP_PORT: '0',
        ADMIN_TOKEN: SECRET.ADMIN_TOKEN,
        ADMIN_USER,
        ADMIN_PASSWORD_FILE: file('admin-password', SECRET.ADMIN_PASSWORD),
        WFM_SCIM_TOKEN_FILE: file('scim-token', SECRET.WFM_SCIM_TOKEN),
        WFM_TIMEOUT_MS: '1000',
        WFM_MAX_RPS: '200',
        WRITE_ATTEMPTS: '3',
      }),
      WFM_SCIM_TOKEN: undefined,
    };
    const oauth = { OKTA_API_TOKEN: undefined, OKTA_CLIENT_ID: '0oaleakcheck', OKTA_KEY_ID: 'leak-1', OKTA_PRIVATE_KEY_FILE: file('okta-key.pem', PEM) };
    workers.push(await startWorkerProcess(env, { http: true }), await startWorkerProcess({ ...env, ...oauth }, { http: true }));
    url = /"url":"(http:\/\/[^"]+)"/.exec(workers[0]?.stderr() ?? '')?.[1] ?? '';
    env = { ...env, ...oauth }; // the CLI runs below use the service app
  });
  afterAll(async () => {
    for (const w of workers) await killHard(w);
    await h.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs with faults, refused credentials and failed jobs, and none of it shows a secret', async () => {
    // Full runs through the workers, with Okta and WFM faults; re-hires go through the access-key API.
    await resync(bearer);
    for (const u of h.wfm.state.all().slice(0, 8)) h.wfm.state.setActive(String(u.id), false);
    await resync(basic);
    // A run the WFM refuses (401 on its SCIM token): the run job fails, its reason kept by BullMQ.
    h.wfm.setScimTokens([random()]);
    await resync(bearer);
    h.wfm.setScimTokens([SECRET.WFM_SCIM_TOKEN]);
    // The CLI: reports, refused credentials, off-boarding through the access-key API, a bad setting.
    h.wfm.faults.random = null;
    h.okta.setFaults({ random: null });
    for (const u of h.okta.state.appUsers(h.okta.appId).slice(0, 2)) unassign(h, u.userId);
    expect((await run(['sync', '--once', '--json'], { OKTA_CLIENT_ID: undefined, OKTA_KEY_ID: undefined, OKTA_PRIVATE_KEY_FILE: undefined, OKTA_API_TOKEN: SECRET.WRONG_OKTA_API_TOKEN })).code).toBe(1);
    const refusedKey = await run(['offboard', '--once', '--json'], { WFM_ACCESS_KEY_SECRET: SECRET.WRONG_WFM_ACCESS_KEY_SECRET });
    expect(`${refusedKey.out}${refusedKey.err}`).toMatch(/refused the access key/);
    expect((await run(['offboard', '--once', '--json'])).code).toBe(0);
    expect((await run(['sync', '--once', '--json'], { WFM_TIMEOUT_MS: 'soon' })).code).toBe(2);
    await run(['status', '--json']);
    await run(['audit', '--limit', '500', '--json']);
    const queued = JSON.parse((await run(['trigger', 'resync', '--json'])).out.trim().split('\n').at(-1) ?? '{}') as { runId: string };
    runIds.push(queued.runId);
    await waitForReport(REDIS_URL, h.prefix, queued.runId, 120000);
    // HTTP: the API and the dashboard with good credentials, and a wrong token (the 401 must not echo it).
    http.push(await (await fetch(`${url}/api/runs?limit=100`, { headers: { Authorization: bearer } })).text());
    for (const id of runIds) http.push(await (await fetch(`${url}/api/runs/${id}`, { headers: { Authorization: basic } })).text());
    http.push(await (await fetch(`${url}/api/runs`, { headers: { Authorization: `Bearer ${SECRET.WRONG_ADMIN_TOKEN}` } })).text());
    http.push(await (await fetch(`${url}/metrics`)).text());
    const dashboard = await dumpDashboard(url, bearer);

    for (const w of workers) w.child.kill('SIGTERM');
    await Promise.all(workers.map((w) => w.exited));
    const captures = {
      'worker logs (SSWS)': workers[0]?.stderr() ?? '',
      'worker logs (service app)': workers[1]?.stderr() ?? '',
      'CLI output and logs': cli.map((r) => `${r.out}\n${r.err}`).join('\n'),
      'HTTP API answers': http.join('\n'),
      'dashboard API': dashboard,
      'Redis (reports, jobs, audit, state)': await dumpRedis(REDIS_URL, h.prefix),
    };
    // The captures hold what they should: the failures happened and were recorded.
    expect(captures['Redis (reports, jobs, audit, state)']).toMatch(/answered 401/);
    expect(captures['dashboard API']).toMatch(/"failedReason":"[^"]+/);
    expect(`${captures['worker logs (SSWS)']}${captures['worker logs (service app)']}`).toMatch(/"message":"job failed"/);
    expect(h.okta.requests.filter((r) => r.path === '/oauth2/v1/token' && r.status === 200).length).toBeGreaterThan(0);
    expect(captures['CLI output and logs']).toMatch(/Okta .* answered 401/);
    expect(captures['HTTP API answers']).toMatch(/"error":"unauthorized"/);
    for (const id of runIds) expect(captures['Redis (reports, jobs, audit, state)']).toContain(id);

    expect(leaks(captures, secrets())).toEqual([]);
  });
});
