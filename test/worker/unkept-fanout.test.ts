import { Redis } from 'ioredis';
import { loadConfig } from '../../config/load-config';
import { ENTERPRISE_URN } from '../../config/targets';
import { inScopeUsers } from '../../sandbox/okta/oracle';
import { countRequests } from '../../sandbox/wfm/server';
import type { RunReport } from '../../sync/report';
import { createLogger } from '../../worker/logger';
import { newRunId } from '../../worker/main';
import { startWorker, type WorkerHandle } from '../../worker/runtime';
import { triggerRun } from '../../worker/triggers';
import { REDIS_URL, startHarness, type Harness } from '../helpers/harness';
import { waitFor } from '../helpers/wait';

const DEPARTMENT = 'enterprise.department';

describe('through the worker: the answers to fanned-out writes show what the WFM does not keep', () => {
  let h: Harness;
  let worker: WorkerHandle;
  let redis: Redis;
  const puts = (): number => countRequests(h.wfm.requests, { method: 'PUT', api: 'scim' });
  const fullSync = async (): Promise<RunReport> => {
    const { runId } = await triggerRun(worker.queues, newRunId, { kind: 'full-sync', reason: 'test' });
    return waitFor(() => worker.app.deps.history.get(runId), 30_000, 'the run report');
  };

  beforeAll(async () => {
    h = await startHarness({ users: 16, seed: 23, wfm: { disabledAttributes: [`${ENTERPRISE_URN}:department`] } });
    redis = new Redis(REDIS_URL);
    const config = loadConfig({ ...h.env, WFM_MAX_RPS: '200', SYNC_CRON: 'off', INCREMENTAL_CRON: 'off', OFFBOARD_CRON: 'off' });
    worker = await startWorker(config, createLogger({ level: 'error', pretty: false }), { http: false });
  });
  afterAll(async () => {
    await worker.close();
    await redis.quit();
    await h.close();
  });

  it('the creates\' answers lack it, so the next run writes nobody for it', async () => {
    expect((await fullSync()).applied.create).toBe(inScopeUsers(h.okta.state, h.okta.appId).length);
    const shown = JSON.parse((await redis.get(`${h.prefix}:wfm:kept`)) ?? '{}') as { verdicts: Record<string, { kept: boolean }> };
    expect(shown.verdicts[DEPARTMENT]).toMatchObject({ kept: false });
    expect(shown.verdicts['displayName']).toMatchObject({ kept: true });
    const before = puts();
    const report = await fullSync();
    expect(report.unkept).toEqual([DEPARTMENT]);
    expect(report.planned.update).toBe(0);
    expect(puts()).toBe(before);
    expect(await worker.metrics.registry.metrics()).toContain(`okta_wfm_unkept_attributes{attribute="${DEPARTMENT}"} 1`);
  });

  it('with no answer to go by, one user is written as a probe; its answer settles it for the next run', async () => {
    await redis.del(`${h.prefix}:wfm:kept`);
    const before = puts();
    const probed = await fullSync();
    expect(probed.unkept).toEqual([DEPARTMENT]);
    expect(probed.applied.update).toBe(1);
    expect(puts() - before).toBe(1);
    const after = await fullSync();
    expect(after.applied.update).toBe(0);
    expect(puts() - before).toBe(1);
  });
});
