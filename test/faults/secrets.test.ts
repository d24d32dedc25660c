import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createScimClient } from '../../clients/scim';
import { secretFromFile } from '../../config/secret';
import { inScopeUsers } from '../../sandbox/okta/oracle';
import { countRequests, filterRequests, type WfmSandbox } from '../../sandbox/wfm/server';
import { REDIS_URL, startHarness, type Harness } from '../helpers/harness';
import { waitFor } from '../helpers/wait';
import type { WorkerProcess } from '../helpers/worker-process';
import { CONVERGED, divergence } from './helpers/converge';
import { killHard, startWorkerProcess, triggerResync, waitForReport, workerEnv } from './helpers/worker-run';

const TOKEN_A = 'scim-token-before-rotation-0001';
const TOKEN_B = 'scim-token-after-rotation-0002';
const REVIVE = /^\/user-management\/v1\/users\/[^/]+\/revive$/;
const TOKEN_PATH = '/authentication/v1/token/access-key';

const scimCalls = (wfm: WfmSandbox, status?: number): number => countRequests(wfm.requests, { api: 'scim', ...(status !== undefined ? { status } : {}) });

/** Expires every WFM access token when the n-th revive call arrives (a token that dies mid-run). */
function expireTokensOnReviveCall(wfm: WfmSandbox, n: number): () => void {
  const push = wfm.requests.push.bind(wfm.requests);
  let seen = 0;
  wfm.requests.push = (...entries) => {
    for (const e of entries) if (REVIVE.test(e.path) && (seen += 1) === n) wfm.state.expireTokens();
    return push(...entries);
  };
  return () => {
    wfm.requests.push = push;
  };
}

describe('secrets rotate without a restart', () => {
  let h: Harness;
  let dir: string;
  let tokenFile: string;
  let worker: WorkerProcess | undefined;
  beforeAll(async () => {
    h = await startHarness({ users: 260, seed: 91 });
    dir = mkdtempSync(join(tmpdir(), 'okta-wfm-secrets-'));
    tokenFile = join(dir, 'scim-token');
  });
  afterAll(async () => {
    if (worker) await killHard(worker);
    await h.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a new WFM_SCIM_TOKEN_FILE content is sent from the very next request', async () => {
    writeFileSync(tokenFile, `${TOKEN_A}\n`);
    h.wfm.setScimTokens([TOKEN_A]);
    const scim = createScimClient({ scimUrl: h.wfm.scimUrl, token: secretFromFile(tokenFile, 'WFM_SCIM_TOKEN'), pageSize: 100, requestTimeoutMs: 5000, maxRetries: 0 });
    await expect(scim.listAll()).resolves.toEqual([]);
    h.wfm.setScimTokens([TOKEN_B]);
    await expect(scim.listAll()).rejects.toMatchObject({ kind: 'auth', status: 401 }); // the file still says A
    writeFileSync(tokenFile, `${TOKEN_B}\n`);
    await expect(scim.listAll()).resolves.toEqual([]);
  });

  it('mid-run: the WFM and the file move to a new token, and the worker finishes with it, no write refused', async () => {
    writeFileSync(tokenFile, `${TOKEN_A}\n`);
    h.wfm.setScimTokens([TOKEN_A]);
    h.wfm.faults.latencyMs = 10;
    h.wfm.requests.length = 0;
    const env = { ...workerEnv(h, { WFM_SCIM_TOKEN_FILE: tokenFile, WFM_MAX_RPS: '100', WFM_CONCURRENCY: '4' }), WFM_SCIM_TOKEN: undefined };
    worker = await startWorkerProcess(env);
    const runId = await triggerResync(h);
    const posts = (): number => countRequests(h.wfm.requests, { method: 'POST', api: 'scim' });
    await waitFor(() => (posts() >= 50 ? true : undefined), 60000, 'writes under way');
    // The rotation as a WFM admin does it: both tokens accepted for a moment, the file updated, the old one revoked.
    h.wfm.setScimTokens([TOKEN_A, TOKEN_B]);
    writeFileSync(tokenFile, `${TOKEN_B}\n`);
    const rotatedAt = posts();
    await waitFor(() => (posts() >= rotatedAt + 30 ? true : undefined), 60000, 'writes after the rotation');
    h.wfm.setScimTokens([TOKEN_B]);
    const revokedAt = h.wfm.requests.length;
    const report = await waitForReport(REDIS_URL, h.prefix, runId, 120000);
    h.wfm.faults.latencyMs = 0;
    expect(report.failed).toEqual([]);
    expect(report.applied.create).toBe(inScopeUsers(h.okta.state, h.okta.appId).length);
    expect(scimCalls(h.wfm, 401)).toBe(0);
    // Accepted after the old token was revoked: they carried the new one.
    expect(filterRequests(h.wfm.requests.slice(revokedAt), { method: 'POST', api: 'scim', status: 201 }).length).toBeGreaterThan(50);
    expect(divergence(h)).toEqual(CONVERGED);
  });

  it('an access token the WFM expires mid-run is renewed once, and every revive goes through', async () => {
    const revived = h.wfm.state.all().slice(0, 30);
    for (const u of revived) h.wfm.state.setActive(String(u.id), false);
    h.wfm.requests.length = 0;
    const restore = expireTokensOnReviveCall(h.wfm, 12);
    const runId = await triggerResync(h);
    const report = await waitForReport(REDIS_URL, h.prefix, runId, 120000).finally(restore);
    expect(report.failed).toEqual([]);
    expect(report.applied.reactivate).toBe(revived.length);
    expect(filterRequests(h.wfm.requests, { api: 'user-management', status: 401 }).length).toBeGreaterThan(0);
    expect(countRequests(h.wfm.requests, { pathPrefix: TOKEN_PATH, status: 200 })).toBeGreaterThanOrEqual(2);
    expect(divergence(h)).toEqual(CONVERGED);
  });
});
