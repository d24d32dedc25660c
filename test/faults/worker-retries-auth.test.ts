import { inScopeUsers } from '../../sandbox/okta/oracle';
import { countRequests, filterRequests } from '../../sandbox/wfm/server';
import { REDIS_URL, startHarness, type Harness } from '../helpers/harness';
import type { WorkerProcess } from '../helpers/worker-process';
import { CONVERGED, divergence } from './helpers/converge';
import { faultSeed } from './helpers/seed';
import { killHard, startWorkerProcess, triggerResync, waitForReport, workerEnv } from './helpers/worker-run';

const SEED = faultSeed(4242);

/**
 * Writes fanned out to two worker processes: their retries (a request sent again by the client,
 * or a job tried again by the queue) are counted in the run's report wherever they happened; a
 * refused SCIM token stops the run's writes in every process.
 */
describe(`queued writes in two worker processes (FAULT_SEED=${SEED})`, () => {
  let h: Harness;
  let workers: WorkerProcess[] = [];
  beforeAll(async () => {
    h = await startHarness({ users: 160, seed: 43 });
    const first = await h.cli(['sync', '--once', '--json']);
    expect(first.code).toBe(0);
  });
  afterEach(async () => {
    await Promise.all(workers.map((w) => killHard(w)));
    workers = [];
  });
  afterAll(() => h.close());

  const startWorkers = async (extra: Record<string, string>): Promise<void> => {
    const env = workerEnv(h, { WFM_MAX_RPS: '1000', WFM_CONCURRENCY: '3', ...extra });
    workers = await Promise.all([startWorkerProcess(env), startWorkerProcess(env)]);
  };

  const changeEveryone = (department: string): number => {
    const users = inScopeUsers(h.okta.state, h.okta.appId);
    for (const u of users) h.okta.state.updateProfile(u.id, { department });
    return users.length;
  };

  /** The WFM revokes the SCIM token as the first PUT arrives (the request log is emptied first); answers the undo. */
  const revokeTokenOnFirstPut = (): (() => void) => {
    const push = h.wfm.requests.push.bind(h.wfm.requests);
    h.wfm.requests.length = 0;
    h.wfm.requests.push = (...entries) => {
      if (entries.some((e) => e.method === 'PUT')) h.wfm.setScimTokens(['a-token-we-do-not-have']);
      return push(...entries);
    };
    return () => {
      h.wfm.requests.push = push;
      h.wfm.setScimTokens([h.env.WFM_SCIM_TOKEN ?? 'sandbox-scim-token']);
    };
  };

  it('counts every retry of every process in the report: one per 429 the WFM answered', async () => {
    // 429s on the PUTs only: each is sent again exactly once, by the client (one retry allowed) or,
    // when that retry is answered 429 too, by the queue trying the job again.
    const users = changeEveryone('Retries counted');
    h.wfm.faults.retryAfterSeconds = 1;
    h.wfm.faults.random = { probability: 0.25, seed: SEED, kinds: ['429'], methods: ['PUT'], api: 'scim' };
    await startWorkers({ WFM_MAX_RETRIES: '1', WRITE_ATTEMPTS: '20' });
    h.wfm.requests.length = 0;
    const report = await waitForReport(REDIS_URL, h.prefix, await triggerResync(h), 120000);
    h.wfm.faults.random = null;
    expect(report.error).toBeUndefined();
    expect(report.failed).toEqual([]);
    expect(report.applied.update).toBe(users);
    const answered429 = countRequests(h.wfm.requests, { method: 'PUT', status: 429 });
    expect(answered429).toBeGreaterThan(20);
    // Some PUT was answered 429 twice in a row: its job was tried again by the queue.
    const puts = filterRequests(h.wfm.requests, { method: 'PUT', api: 'scim' });
    const byPath = new Map<string, number[]>();
    for (const r of puts) byPath.set(r.path, [...(byPath.get(r.path) ?? []), r.status]);
    expect([...byPath.values()].some((s) => s.length >= 3)).toBe(true);
    expect(puts.length - users).toBe(answered429);
    expect(report.retries).toBe(answered429);
    expect(divergence(h)).toEqual(CONVERGED);
  });

  it('stops the run when the WFM refuses the SCIM token: the other writes are not attempted, and the reason says what to check', async () => {
    // Every in-scope user gets a change, then the token is revoked as the first write arrives.
    const users = changeEveryone('Revoked token');
    const restoreToken = revokeTokenOnFirstPut();
    await startWorkers({ WFM_MAX_RETRIES: '1' });
    try {
      const report = await waitForReport(REDIS_URL, h.prefix, await triggerResync(h), 120000);
      expect(report.error).toMatch(/answered 401.*check WFM_SCIM_TOKEN/);
      const puts = countRequests(h.wfm.requests, { method: 'PUT' });
      // Only the writes already under way when the first 401 came back reached the WFM.
      expect(puts).toBeLessThan(20);
      expect(report.failed).toHaveLength(users);
      expect(report.failed.filter((f) => /^not attempted: the run stopped/.test(f.error)).length).toBeGreaterThan(users - 20);
    } finally {
      restoreToken();
    }
    // With the token back, the next run applies every change.
    const next = await waitForReport(REDIS_URL, h.prefix, await triggerResync(h), 120000);
    expect(next.error).toBeUndefined();
    expect(next.failed).toEqual([]);
    expect(divergence(h)).toEqual(CONVERGED);
  });

  it('sync --once stops the same way: a non-zero exit after the writes under way, with the reason', async () => {
    const users = changeEveryone('Revoked token, in-process');
    const restoreToken = revokeTokenOnFirstPut();
    try {
      const { code, report } = await h.cli(['sync', '--once', '--json'], { WFM_CONCURRENCY: '4', WFM_MAX_RETRIES: '1' });
      expect(code).not.toBe(0);
      expect(report?.error).toMatch(/answered 401.*check WFM_SCIM_TOKEN/);
      expect(countRequests(h.wfm.requests, { method: 'PUT' })).toBeLessThanOrEqual(4);
      expect(report?.failed).toHaveLength(users);
    } finally {
      restoreToken();
    }
  });
});
