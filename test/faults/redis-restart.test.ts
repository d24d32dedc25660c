import { setTimeout as sleep } from 'node:timers/promises';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { QUEUE_NAMES } from '../../jobs/queue-names';
import { inScopeUsers } from '../../sandbox/okta/oracle';
import { countRequests } from '../../sandbox/wfm/server';
import { startHarness, type Harness } from '../helpers/harness';
import { waitFor } from '../helpers/wait';
import type { WorkerProcess } from '../helpers/worker-process';
import { CONVERGED, divergence } from './helpers/converge';
import { startRedisServer, type RedisServer } from './helpers/redis-server';
import { killHard, startWorkerProcess, triggerResync, waitForReport, workerEnv } from './helpers/worker-run';

/** Whether the sync queue holds the job of `runId`. */
async function queuedJob(url: string, prefix: string, runId: string): Promise<boolean> {
  const connection = new Redis(url, { maxRetriesPerRequest: null });
  const queue = new Queue(QUEUE_NAMES.sync, { connection, prefix });
  try {
    return (await queue.getJob(runId)) !== undefined;
  } finally {
    await queue.close();
    await connection.quit();
  }
}

describe('Redis restarts (AOF on, as the README requires)', () => {
  let redis: RedisServer;
  let h: Harness;
  let worker: WorkerProcess | undefined;
  let env: Record<string, string | undefined>;
  beforeAll(async () => {
    redis = await startRedisServer();
    h = await startHarness({ users: 300, seed: 81 });
    env = workerEnv(h, { REDIS_URL: redis.url, JOB_LOCK_MS: '5000', WFM_MAX_RPS: '60', WFM_CONCURRENCY: '4' });
  });
  afterAll(async () => {
    if (worker) await killHard(worker);
    await h.close();
    await redis.close();
  });

  it('a run queued before a restart is still there after it, and runs', async () => {
    const runId = await triggerResync(h, { REDIS_URL: redis.url });
    await redis.shutdown();
    await redis.start();
    expect(await queuedJob(redis.url, h.prefix, runId)).toBe(true);
    worker = await startWorkerProcess(env);
    const report = await waitForReport(redis.url, h.prefix, runId, 120000);
    expect(report.failed).toEqual([]);
    expect(report.applied.create).toBe(inScopeUsers(h.okta.state, h.okta.appId).length);
    expect(divergence(h)).toEqual(CONVERGED);
  });

  it('a worker whose Redis restarts mid-run reconnects and finishes the run: no write lost or made twice', async () => {
    const changed = inScopeUsers(h.okta.state, h.okta.appId).slice(0, 200);
    for (const u of changed) h.okta.state.updateProfile(u.id, { department: 'After Restart' });
    h.wfm.requests.length = 0;
    const runId = await triggerResync(h, { REDIS_URL: redis.url });
    await waitFor(() => (countRequests(h.wfm.requests, { method: 'PUT', api: 'scim' }) >= 40 ? true : undefined), 60000, 'writes under way');
    await redis.shutdown();
    const putsWhileDown = countRequests(h.wfm.requests, { method: 'PUT', api: 'scim' });
    await sleep(1500);
    await redis.start();
    const report = await waitForReport(redis.url, h.prefix, runId, 120000);
    expect(putsWhileDown).toBeLessThan(changed.length);
    expect(report.error).toBeUndefined();
    expect(report.failed).toEqual([]);
    expect(report.applied.update).toBe(changed.length);
    expect(divergence(h)).toEqual(CONVERGED);
    expect(worker?.child.exitCode).toBeNull();
  });
});

describe('the control: Redis without AOF', () => {
  it('loses a queued run in a restart, which is why the README requires appendonly yes', async () => {
    const redis = await startRedisServer({ aof: false });
    const h = await startHarness({ users: 10, seed: 82 });
    try {
      const runId = await triggerResync(h, { REDIS_URL: redis.url });
      expect(await queuedJob(redis.url, h.prefix, runId)).toBe(true);
      await redis.shutdown();
      await redis.start();
      expect(await queuedJob(redis.url, h.prefix, runId)).toBe(false);
    } finally {
      await h.close();
      await redis.close();
    }
  });
});
