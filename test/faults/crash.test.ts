import { inScopeUsers } from '../../sandbox/okta/oracle';
import { countRequests, filterRequests } from '../../sandbox/wfm/server';
import { REDIS_URL, startHarness, type Harness } from '../helpers/harness';
import { waitFor } from '../helpers/wait';
import type { WorkerProcess } from '../helpers/worker-process';
import { writeJobsPerProcess } from '../../worker/runtime';
import { CONVERGED, divergence } from './helpers/converge';
import { faultSeed, rng } from './helpers/seed';
import { killHard, startWorkerProcess, triggerResync, waitForReport, workerEnv } from './helpers/worker-run';

const CONCURRENCY = 16;
type Kill = { after: 'okta requests' | 'WFM POSTs'; n: number };

/** Where a seed kills the worker: once in the pull or the first writes, once late in the writes. */
function killPlan(seed: number): Kill[] {
  const r = rng(seed);
  const first: Kill = r.next() < 0.4 ? { after: 'okta requests', n: r.int(2, 10) } : { after: 'WFM POSTs', n: r.int(1, 2400) };
  return [first, { after: 'WFM POSTs', n: r.int(2600, 4800) }];
}

const SEEDS = process.env.FAULT_SEED !== undefined ? [faultSeed(0)] : [8, 1, 11];
const plans = SEEDS.map((seed) => ({ seed, plan: killPlan(seed) }));

describe.each(plans)('SIGKILL during a 5,000-user initial sync (FAULT_SEED=$seed)', ({ seed, plan }) => {
  let h: Harness;
  let worker: WorkerProcess | undefined;
  beforeAll(async () => {
    h = await startHarness({ users: 5800, seed: 70 + seed });
  });
  afterAll(async () => {
    if (worker) await killHard(worker);
    await h.close();
  });

  it(`converges with no duplicate and no lost create, killed ${plan.map((k) => `after ${k.n} ${k.after}`).join(', then ')}`, async () => {
    const expected = inScopeUsers(h.okta.state, h.okta.appId).length;
    expect(expected).toBeGreaterThanOrEqual(4900);
    // Some creates are carried out with their answer lost: each must be found by lookup, not re-sent.
    h.wfm.faults.random = { probability: 0.02, seed, kinds: ['lost-response'], methods: ['POST'], api: 'scim' };
    const env = workerEnv(h, { JOB_LOCK_MS: '2000', WFM_MAX_RPS: '5000', WFM_CONCURRENCY: String(CONCURRENCY) });
    worker = await startWorkerProcess(env);
    const runId = await triggerResync(h);
    const progress = (k: Kill): number => (k.after === 'okta requests' ? h.okta.requests.length : countRequests(h.wfm.requests, { method: 'POST', api: 'scim' }));
    for (const kill of plan) {
      await waitFor(() => (progress(kill) >= kill.n ? true : undefined), 180000, `${kill.n} ${kill.after}`);
      await killHard(worker);
      worker = await startWorkerProcess(env);
    }
    const report = await waitForReport(REDIS_URL, h.prefix, runId, 240000);

    expect(report.error).toBeUndefined();
    expect(report.failed).toEqual([]);
    // The fan-out bookkeeping counts each write once, however often its job ran.
    expect(report.applied.create).toBe(expected);
    expect(divergence(h)).toEqual(CONVERGED);
    expect(h.wfm.state.size()).toBe(expected);
    const posts = filterRequests(h.wfm.requests, { method: 'POST', api: 'scim' });
    const lost = posts.filter((r) => r.fault === 'lost-response').length;
    expect(lost).toBeGreaterThan(2 * CONCURRENCY);
    expect(posts.filter((r) => r.status === 201).length).toBeLessThanOrEqual(expected);
    // A 409 comes only from a write a kill interrupted after its POST and before its outcome was
    // recorded (at most the write jobs a process runs at once): never from a lost answer, which is
    // looked up before anything is sent again.
    expect(posts.filter((r) => r.status === 409).length).toBeLessThanOrEqual(plan.length * writeJobsPerProcess(CONCURRENCY));
  });
});
