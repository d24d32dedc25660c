import { inScopeUsers } from '../../sandbox/okta/oracle';
import { countRequests } from '../../sandbox/wfm/server';
import { REDIS_URL, startHarness, type Harness } from '../helpers/harness';
import type { WorkerProcess } from '../helpers/worker-process';
import { killHard, startWorkerProcess, triggerResync, waitForReport, workerEnv } from './helpers/worker-run';

/**
 * A queued write the WFM keeps refusing with a transient error: each request is sent at most
 * 1 + WFM_MAX_RETRIES times by the client, the job at most WRITE_ATTEMPTS times by the queue, and
 * then that user alone fails with the reason.
 */
describe('a queued write that keeps failing', () => {
  let h: Harness;
  let worker: WorkerProcess | undefined;
  beforeAll(async () => {
    h = await startHarness({ users: 30, seed: 5 });
    expect((await h.cli(['sync', '--once'])).code).toBe(0);
  });
  afterAll(async () => {
    if (worker) await killHard(worker);
    await h.close();
  });

  it('is tried WRITE_ATTEMPTS times, each request with WFM_MAX_RETRIES retries, then fails alone with the reason', async () => {
    const [refused, accepted] = inScopeUsers(h.okta.state, h.okta.appId);
    if (!refused || !accepted) throw new Error('not enough users');
    const wfmId = h.wfm.state.all().find((u) => u.externalId === refused.id)?.id;
    h.okta.state.updateProfile(refused.id, { lastName: 'Always-Refused' });
    h.okta.state.updateProfile(accepted.id, { lastName: 'Accepted' });
    h.wfm.faults.next.push({ kind: '503', count: 1000, methods: ['PUT'], pathPrefix: `/scim/v2/Users/${String(wfmId)}`, retryAfterSeconds: 0 });
    worker = await startWorkerProcess(workerEnv(h, { WRITE_ATTEMPTS: '3', WFM_MAX_RETRIES: '1' }));
    h.wfm.requests.length = 0;
    const report = await waitForReport(REDIS_URL, h.prefix, await triggerResync(h), 60_000);
    h.wfm.faults.next.length = 0;
    const refusedPuts = countRequests(h.wfm.requests, { method: 'PUT', api: 'scim', status: 503 });
    expect(refusedPuts).toBe(3 * 2);
    expect(countRequests(h.wfm.requests, { method: 'PUT', api: 'scim', status: 200 })).toBe(1);
    expect(report.applied.update).toBe(1);
    expect(report.failed).toEqual([{ oktaId: refused.id, userName: refused.login, action: 'update', kind: 'transient', error: expect.stringMatching(/PUT \/Users\/.+ answered 503/) as unknown }]);
    expect(report.retries).toBe(refusedPuts - 1);
  });
});
