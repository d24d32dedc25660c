import { loadConfig } from '../../config/load-config';
import { inScopeUsers } from '../../sandbox/okta/oracle';
import { countRequests } from '../../sandbox/wfm/server';
import type { RunReport } from '../../sync/report';
import { createLogger } from '../../worker/logger';
import { newRunId } from '../../worker/main';
import { startWorker, type WorkerHandle } from '../../worker/runtime';
import { triggerRun } from '../../worker/triggers';
import { startHarness, type Harness } from '../helpers/harness';
import { waitFor } from '../helpers/wait';

describe('through the worker: fanned-out writes whose answers leave a rename as it was', () => {
  let h: Harness;
  let worker: WorkerHandle;
  const puts = (): number => countRequests(h.wfm.requests, { method: 'PUT', api: 'scim' });
  const fullSync = async (): Promise<RunReport> => {
    const { runId } = await triggerRun(worker.queues, newRunId, { kind: 'full-sync', reason: 'test' });
    return waitFor(() => worker.app.deps.history.get(runId), 30_000, 'the run report');
  };

  beforeAll(async () => {
    h = await startHarness({ users: 10, seed: 33, wfm: { keptAsCreated: ['userName'] } });
    const config = loadConfig({ ...h.env, WFM_MAX_RPS: '200', SYNC_CRON: 'off', INCREMENTAL_CRON: 'off', OFFBOARD_CRON: 'off' });
    worker = await startWorker(config, createLogger({ level: 'error', pretty: false }), { http: false });
  });
  afterAll(async () => {
    await worker.close();
    await h.close();
  });

  it('the write fails with the reason, the next run writes nobody for it, and /metrics names the attribute', async () => {
    expect((await fullSync()).failed).toEqual([]);
    const [a] = inScopeUsers(h.okta.state, h.okta.appId);
    h.okta.state.updateProfile(a?.id ?? '', { login: 'fanned.out@example.com' });
    const first = await fullSync();
    expect(first.applied.update).toBe(0);
    expect(first.failed).toEqual([expect.objectContaining({ userName: 'fanned.out@example.com', error: expect.stringMatching(/^the WFM did not change userName \(still /) })]);
    const before = puts();
    const next = await fullSync();
    expect(puts()).toBe(before);
    expect(next.failed).toEqual([]);
    expect(next.unchangeable).toEqual(['userName']);
    expect(next.drift).toMatchObject({ wfm: 0 });
    expect(await worker.metrics.registry.metrics()).toContain('okta_wfm_unkept_attributes{attribute="userName"} 1');
  });
});
